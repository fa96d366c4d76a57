package org.infogap.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.infogap.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Renders an accuracy report's {@code results.json} for people: {@code report.md} with PNG plots beside
 * it in {@code plots/}, and {@code report.html} with the same tables and the plots embedded, so the one
 * file can be mailed or archived. The paper's figures appear as reference rows, marked as such.
 */
public final class ReportWriter {

    static final String[] CMI_LEVELS = {"0", "0.25", "0.5", "0.75", "1"};
    static final String[] SC_LEVELS = {"-1", "-0.5", "0", "0.5", "1"};

    private final JsonNode results;
    private final Path dir;
    private final Map<String, byte[]> plots = new LinkedHashMap<>();

    private ReportWriter(JsonNode results, Path dir) {
        this.results = results;
        this.dir = dir;
    }

    /** Writes report.md, report.html and plots/*.png into {@code dir}. */
    public static void write(JsonNode results, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        new ReportWriter(results, dir).write();
    }

    private void write() throws IOException {
        Files.createDirectories(dir.resolve("plots"));
        plotDistributions();
        plotConfusions();
        plotCurves();
        plotReliability();
        for (Map.Entry<String, byte[]> p : plots.entrySet()) {
            AtomicFiles.write(dir.resolve("plots").resolve(p.getKey()), out -> out.write(p.getValue()));
        }
        AtomicFiles.writeString(dir.resolve("report.md"), markdown());
        AtomicFiles.writeString(dir.resolve("report.html"), html());
    }

    // ---- tables

    private List<Section> sections() {
        List<Section> s = new ArrayList<>();
        JsonNode sizes = results.path("sizes");
        s.add(new Section("Accuracy on the test split (paper's Table 3)", String.format(Locale.ROOT,
                "%d labelled pairs: %d train (of which a seeded share chose the classifiers' best epoch), %d test. "
                        + "Reference rows are the paper's figures on its own 92 test pairs, not on this data.",
                sizes.path("all").asInt(), sizes.path("train").asInt(), sizes.path("test").asInt()), table3(), List.of()));
        if (results.has("kfold")) {
            int repeats = Math.max(1, results.path("provenance").path("repeats").asInt(1));
            int folds = results.path("provenance").path("folds").asInt();
            s.add(new Section((repeats > 1 ? repeats + " × " : "") + folds + "-fold cross-validation",
                    "Mean over " + repeats * folds + " folds of all labelled pairs (stratified by SC level, seed "
                            + results.path("provenance").path("seed").asLong() + "), with its 95% interval: Student's t "
                            + "on the corrected resampled variance (Nadeau & Bengio), since the folds share most of "
                            + "their training pairs.", kfold(), List.of()));
            s.add(new Section("Accuracy over the most frequent label (cross-validation)", "Per fold, a system's accuracy "
                    + "minus the most frequent label's on the same test pairs; the mean in points with its 95% interval. "
                    + "\"Not distinguishable\": the interval includes zero.", lifts(), List.of()));
        }
        for (String measure : AccuracyReport.MEASURES) {
            s.add(new Section(measure + " on the test split, in detail",
                    "Macro averages weigh the five levels equally, weighted ones by support; MAE is in level steps.",
                    detail(measure), List.of()));
            s.add(new Section(measure + " per level (CL, test split)", "", perLevel(measure), List.of()));
        }
        if (results.path("image_dependence").size() > 0) {
            s.add(new Section("Image dependence (test split)", imageDependenceText(), imageDependence(), List.of()));
        }
        if (results.path("calibration").size() > 0) {
            s.add(new Section("Calibration (test split)", "Each head's temperature was fitted on the validation share "
                    + "(temperature scaling, stored in the bundle; the API and predict serve the calibrated probabilities). "
                    + "Expected calibration error of the most probable level, " + org.infogap.model.Calibration.BINS
                    + " bins, on the test pairs, which the fit never saw: as trained and as calibrated. Accuracy does not "
                    + "change. ECE's 95% interval: 1,000 bootstrap resamples of the pairs. " + TRULY_CALIBRATED
                    + " Reliability diagrams under Plots.", calibrationTable("calibration"), List.of()));
        }
        if (results.path("kfold_calibration").size() > 0) {
            s.add(new Section("Calibration (cross-validation)", "Every fold's test pairs scored by that fold's classifier, "
                    + "as trained and as calibrated on its own validation share, pooled over the folds (each labelled pair "
                    + "once per repeat): one fold's few pairs per bin would overstate the error of a well calibrated head. "
                    + "Temperature: the folds' mean (range). ECE's 95% interval: 1,000 bootstrap resamples of the pooled "
                    + "pairs. " + TRULY_CALIBRATED, calibrationTable("kfold_calibration"), List.of()));
        }
        s.add(new Section("SVM regularisation", "C chosen by 5-fold cross-validation accuracy on the training pairs only.",
                svmTable(), List.of()));
        s.add(new Section("Plots", "", List.of(), new ArrayList<>(plots.keySet())));
        return s;
    }

    private record Section(String title, String text, List<List<String>> table, List<String> images) {
    }

    private List<List<String>> table3() {
        List<List<String>> t = new ArrayList<>();
        t.add(List.of("system", "CMI accuracy", "SC accuracy", "CMI macro F1", "SC macro F1", "CMI MAE", "SC MAE"));
        JsonNode split = results.path("test_split");
        for (String system : AccuracyReport.SYSTEMS) {
            JsonNode c = split.path(system).path("CMI");
            JsonNode s = split.path(system).path("SC");
            t.add(List.of(system, f(c.path("accuracy")), f(s.path("accuracy")), f(c.path("macroF1")), f(s.path("macroF1")),
                    f(c.path("meanAbsoluteError")), f(s.path("meanAbsoluteError"))));
        }
        JsonNode paper = results.path("paper");
        for (String system : AccuracyReport.SYSTEMS) {
            t.add(List.of(system + " (paper, reference)", f(paper.path(system).path("CMI")), f(paper.path(system).path("SC")),
                    "", "", "", ""));
        }
        return t;
    }

    private List<List<String>> kfold() {
        List<List<String>> t = new ArrayList<>();
        t.add(List.of("system", "CMI accuracy", "SC accuracy", "CMI macro F1", "SC macro F1", "CMI MAE", "SC MAE"));
        JsonNode k = results.path("kfold");
        for (String system : AccuracyReport.SYSTEMS) {
            JsonNode c = k.path(system).path("CMI");
            JsonNode s = k.path(system).path("SC");
            t.add(List.of(system, pm(c.path("accuracy")), pm(s.path("accuracy")), pm(c.path("macro_f1")), pm(s.path("macro_f1")),
                    pm(c.path("mean_absolute_error")), pm(s.path("mean_absolute_error"))));
        }
        return t;
    }

    private List<List<String>> lifts() {
        List<List<String>> t = new ArrayList<>();
        t.add(List.of("system", "CMI accuracy over most frequent", "SC accuracy over most frequent"));
        JsonNode k = results.path("kfold");
        for (String system : AccuracyReport.SYSTEMS) {
            if (!system.equals(AccuracyReport.MAJORITY)) {
                t.add(List.of(system, lift(k.path(system).path("CMI").path("accuracy_over_most_frequent")),
                        lift(k.path(system).path("SC").path("accuracy_over_most_frequent"))));
            }
        }
        return t;
    }

    private List<List<String>> detail(String measure) {
        List<List<String>> t = new ArrayList<>();
        t.add(List.of("system", "accuracy", "macro P", "macro R", "macro F1", "micro F1", "weighted P", "weighted R",
                "weighted F1", "MAE"));
        for (String system : AccuracyReport.SYSTEMS) {
            JsonNode m = results.path("test_split").path(system).path(measure);
            t.add(List.of(system, f(m.path("accuracy")), f(m.path("macroPrecision")), f(m.path("macroRecall")),
                    f(m.path("macroF1")), f(m.path("microF1")), f(m.path("weightedPrecision")), f(m.path("weightedRecall")),
                    f(m.path("weightedF1")), f(m.path("meanAbsoluteError"))));
        }
        return t;
    }

    private List<List<String>> perLevel(String measure) {
        List<List<String>> t = new ArrayList<>();
        t.add(List.of("level", "precision", "recall", "F1", "support"));
        JsonNode m = results.path("test_split").path(AccuracyReport.CL).path(measure);
        String[] names = measure.equals("CMI") ? CMI_LEVELS : SC_LEVELS;
        for (int l = 0; l < Metrics.LEVELS; l++) {
            t.add(List.of(names[l], f(m.path("precision").path(l)), f(m.path("recall").path(l)), f(m.path("f1").path(l)),
                    m.path("support").path(l).asText()));
        }
        return t;
    }

    private String imageDependenceText() {
        String text = "Each system again with the test images shuffled among the test pairs (mean of "
                + ImageDependence.SHUFFLES + " shuffles, no pair keeps its image): a system that reads the image loses "
                + "accuracy. Own-image AUC: for each test text that shares something with its image (CMI > 0), the share of "
                + ImageDependence.CANDIDATES + " other test images that score a lower expected CMI with it than its own "
                + "(0.5: blind to the image).";
        text += matchHeadText(results.path("image_dependence").path("match_head"));
        return text;
    }

    private List<List<String>> imageDependence() {
        List<List<String>> t = new ArrayList<>();
        t.add(DEPENDENCE_HEADER);
        JsonNode d = results.path("image_dependence");
        for (String system : AccuracyReport.SYSTEMS) {
            if (d.has(system)) {
                t.add(dependenceRow(system, d.path(system)));
            }
        }
        return t;
    }

    static final List<String> DEPENDENCE_HEADER = List.of("system", "CMI", "CMI, images shuffled", "CMI drop", "SC",
            "SC, images shuffled", "SC drop", "own-image AUC (CMI)");

    /** One system's {@link ImageDependence} figures as a table row. */
    static List<String> dependenceRow(String name, JsonNode n) {
        JsonNode c = n.path("CMI");
        JsonNode s = n.path("SC");
        return List.of(name, f(c.path("accuracy")), f(c.path("shuffled")), signed(c.path("drop")), f(s.path("accuracy")),
                f(s.path("shuffled")), signed(s.path("drop")), n.has("own_image_auc") ? f(n.path("own_image_auc")) : "");
    }

    /** The match head's line of {@link ImageDependence#matchHead}, or "" without one. */
    static String matchHeadText(JsonNode m) {
        return m.isMissingNode() ? "" : String.format(Locale.ROOT, " The autoencoder's match head, epoch %d: match accuracy "
                + "%.3f on its training pairs, %.3f on validation pairs, chance %.3f (%.1fx chance).", m.path("epoch").asInt(),
                m.path("train_accuracy").asDouble(), m.path("validation_accuracy").asDouble(), m.path("chance").asDouble(),
                m.path("times_chance").asDouble());
    }

    private static String signed(JsonNode n) {
        return n.isMissingNode() ? "" : String.format(Locale.ROOT, "%+.1f pt", 100 * n.asDouble());
    }

    private List<List<String>> svmTable() {
        List<List<String>> t = new ArrayList<>();
        t.add(List.of("measure", "chosen C", "cross-validation accuracy per C"));
        for (String measure : AccuracyReport.MEASURES) {
            JsonNode s = results.path("svm").path(measure);
            StringBuilder grid = new StringBuilder();
            s.path("grid").forEach(g -> grid.append(grid.length() == 0 ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%g: %.3f", g.path("C").asDouble(), g.path("cv_accuracy").asDouble())));
            t.add(List.of(measure, s.path("C").asText(), grid.toString()));
        }
        return t;
    }

    private static String f(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? "" : String.format(Locale.ROOT, "%.4f", n.asDouble());
    }

    /** "0.5125 [0.4810, 0.5440]": the mean and its 95% interval; "mean ± std" for results written before intervals. */
    private static String pm(JsonNode n) {
        if (n.isMissingNode()) {
            return "";
        }
        if (n.has("ci95_low")) {
            return String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", n.path("mean").asDouble(), n.path("ci95_low").asDouble(),
                    n.path("ci95_high").asDouble());
        }
        return String.format(Locale.ROOT, "%.4f ± %.4f", n.path("mean").asDouble(), n.path("std").asDouble());
    }

    /** A paired difference in points with its interval, and whether the interval excludes zero. */
    private static String lift(JsonNode n) {
        if (n.isMissingNode()) {
            return "";
        }
        String figure = String.format(Locale.ROOT, "%+.1f pt [%+.1f, %+.1f]", 100 * n.path("mean").asDouble(),
                100 * n.path("ci95_low").asDouble(), 100 * n.path("ci95_high").asDouble());
        return figure + (n.path("distinguishable").asBoolean() ? "" : ", not distinguishable");
    }

    private String markdown() {
        StringBuilder md = new StringBuilder("# infogap accuracy report\n\n");
        md.append(provenanceText()).append("\n\n");
        for (Section s : sections()) {
            md.append("## ").append(s.title()).append("\n\n");
            if (!s.text().isEmpty()) {
                md.append(s.text()).append("\n\n");
            }
            if (!s.table().isEmpty()) {
                markdownTable(md, s.table());
                md.append('\n');
            }
            for (String image : s.images()) {
                md.append("![").append(image).append("](plots/").append(image).append(")\n\n");
            }
        }
        return md.toString();
    }

    private String html() {
        StringBuilder h = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>infogap accuracy report"
                + "</title><style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
                + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:4px 8px;text-align:right}"
                + "td:first-child,th:first-child{text-align:left}tr.ref{color:#777;font-style:italic}img{max-width:520px;"
                + "margin:4px}</style></head><body><h1>infogap accuracy report</h1>");
        h.append("<p>").append(escape(provenanceText())).append("</p>");
        for (Section s : sections()) {
            h.append("<h2>").append(escape(s.title())).append("</h2>");
            if (!s.text().isEmpty()) {
                h.append("<p>").append(escape(s.text())).append("</p>");
            }
            if (!s.table().isEmpty()) {
                htmlTable(h, s.table());
            }
            for (String image : s.images()) {
                h.append("<img alt=\"").append(escape(image)).append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(plots.get(image))).append("\">");
            }
        }
        return h.append("</body></html>\n").toString();
    }

    private String provenanceText() {
        JsonNode p = results.path("provenance");
        return "Labelled pairs: " + p.path("labelled").asText() + "; autoencoder: " + p.path("autoencoder").asText()
                + " (epoch " + p.path("autoencoder_state").path("epoch").asText() + "); image encoder: "
                + p.path("image_encoder").asText() + "; created " + p.path("created").asText() + ".";
    }

    /** A table as Markdown, its first row the header. */
    static void markdownTable(StringBuilder md, List<List<String>> table) {
        for (int r = 0; r < table.size(); r++) {
            md.append("| ").append(String.join(" | ", table.get(r))).append(" |\n");
            if (r == 0) {
                md.append("|").append("---|".repeat(table.get(0).size())).append('\n');
            }
        }
    }

    /** A table as HTML, its first row the header; rows of the paper's reference figures get class "ref". */
    static void htmlTable(StringBuilder h, List<List<String>> table) {
        h.append("<table>");
        for (int r = 0; r < table.size(); r++) {
            List<String> row = table.get(r);
            String cell = r == 0 ? "th" : "td";
            h.append(row.get(0).contains("(paper, reference)") ? "<tr class=\"ref\">" : "<tr>");
            for (String c : row) {
                h.append('<').append(cell).append('>').append(escape(c)).append("</").append(cell).append('>');
            }
            h.append("</tr>");
        }
        h.append("</table>");
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    // ---- plots

    private void plotDistributions() throws IOException {
        for (String measure : AccuracyReport.MEASURES) {
            CategoryChart chart = new CategoryChartBuilder().width(520).height(340).title(measure + " labels")
                    .xAxisTitle(measure).yAxisTitle("pairs").build();
            List<String> levels = List.of(measure.equals("CMI") ? CMI_LEVELS : SC_LEVELS);
            for (String part : List.of("train", "test")) {
                List<Integer> counts = new ArrayList<>();
                results.path("distribution").path(measure).path(part).forEach(n -> counts.add(n.asInt()));
                chart.addSeries(part, levels, counts);
            }
            plots.put("distribution_" + measure + ".png", png(chart));
        }
    }

    private void plotConfusions() throws IOException {
        for (String system : AccuracyReport.SYSTEMS) {
            for (String measure : AccuracyReport.MEASURES) {
                JsonNode confusion = results.path("test_split").path(system).path(measure).path("confusion");
                int[][] heat = new int[Metrics.LEVELS][Metrics.LEVELS];
                for (int actual = 0; actual < Metrics.LEVELS; actual++) {
                    for (int predicted = 0; predicted < Metrics.LEVELS; predicted++) {
                        heat[predicted][actual] = confusion.path(actual).path(predicted).asInt();
                    }
                }
                HeatMapChart chart = new HeatMapChartBuilder().width(420).height(380)
                        .title(system + ": " + measure + " confusion (test)").xAxisTitle("predicted level")
                        .yAxisTitle("actual level").build();
                chart.getStyler().setShowValue(true);
                chart.getStyler().setLegendVisible(false);
                chart.addSeries("pairs", new int[] {0, 1, 2, 3, 4}, new int[] {0, 1, 2, 3, 4}, heat);
                plots.put("confusion_" + slug(system) + "_" + measure + ".png", png(chart));
            }
        }
    }

    private void plotCurves() throws IOException {
        JsonNode curves = results.path("learning_curves");
        JsonNode ae = curves.path("autoencoder");
        if (ae.isArray() && !ae.isEmpty()) {
            XYChart chart = new XYChartBuilder().width(520).height(340).title("Autoencoder").xAxisTitle("epoch")
                    .yAxisTitle("loss").build();
            for (String[] series : new String[][] {{"train", "image_loss"}, {"validation", "image_loss"},
                {"train", "text_loss"}, {"validation", "text_loss"}}) {
                addCurve(chart, series[0] + " " + series[1], ae, series[0], series[1]);
            }
            plots.put("curve_autoencoder.png", png(chart));
        }
        XYChart chart = new XYChartBuilder().width(520).height(340).title("Classifiers (validation share of train)")
                .xAxisTitle("epoch").yAxisTitle("mean CMI/SC accuracy").build();
        boolean any = false;
        for (String system : List.of(AccuracyReport.CL, AccuracyReport.CL_NO_AE)) {
            JsonNode h = curves.path(system);
            if (h.isArray() && !h.isEmpty()) {
                addCurve(chart, system, h, "validation", "mean_accuracy");
                any = true;
            }
        }
        if (any) {
            plots.put("curve_classifiers.png", png(chart));
        }
    }

    /** Why the calibration tables have a last column: binned ECE of a calibrated head is not zero on a few hundred pairs. */
    private static final String TRULY_CALIBRATED = "ECE if truly calibrated: what a head whose calibrated probabilities "
            + "were exactly right would show on as many pairs, median [95% range] of 1,000 draws of each pair's outcome "
            + "from its own probability; a calibrated ECE inside that range is not distinguishable from calibrated.";

    private List<List<String>> calibrationTable(String key) {
        List<List<String>> t = new ArrayList<>();
        t.add(List.of("system", "head", "temperature", "ECE as trained", "ECE calibrated", "ECE if truly calibrated"));
        results.path(key).fields().forEachRemaining(e -> {
            for (String measure : AccuracyReport.MEASURES) {
                JsonNode m = e.getValue().path(measure);
                String temperature = f(m.path("temperature")) + (m.has("temperature_min")
                        ? " (" + f(m.path("temperature_min")) + "–" + f(m.path("temperature_max")) + ")" : "");
                t.add(List.of(e.getKey(), measure, temperature, ece(m, "before"), ece(m, "after"),
                        ece(m, "after_if_calibrated")));
            }
        });
        return t;
    }

    private static String ece(JsonNode m, String when) {
        JsonNode interval = m.path("ece_" + when + "_interval");
        return f(m.path("ece_" + when)) + (interval.size() == 2
                ? " [" + f(interval.get(0)) + ", " + f(interval.get(1)) + "]" : "");
    }

    /**
     * CL's reliability per head: accuracy against confidence per bin, as trained and calibrated, beside the diagonal;
     * on the test split, and on the folds' pooled pairs when the report ran folds.
     */
    private void plotReliability() throws IOException {
        for (String key : List.of("calibration", "kfold_calibration")) {
            JsonNode cl = results.path(key).path(AccuracyReport.CL);
            boolean folds = key.startsWith("kfold");
            for (String measure : AccuracyReport.MEASURES) {
                JsonNode m = cl.path(measure);
                if (!m.has("reliability_before")) {
                    continue;
                }
                XYChart chart = new XYChartBuilder().width(420).height(360).title("CL " + measure + ": reliability ("
                                + (folds ? "cross-validation" : "test split") + ")")
                        .xAxisTitle("confidence of the most probable level").yAxisTitle("accuracy").build();
                chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
                chart.addSeries("perfectly calibrated", new double[] {0, 1}, new double[] {0, 1});
                for (String when : List.of("before", "after")) {
                    List<Double> x = new ArrayList<>();
                    List<Double> y = new ArrayList<>();
                    m.path("reliability_" + when).forEach(point -> {
                        x.add(point.path("confidence").asDouble());
                        y.add(point.path("accuracy").asDouble());
                    });
                    if (!x.isEmpty()) {
                        chart.addSeries(when.equals("before") ? "as trained" : "calibrated", x, y);
                    }
                }
                plots.put("reliability_" + (folds ? "folds_" : "") + measure + ".png", png(chart));
            }
        }
    }

    private static void addCurve(XYChart chart, String name, JsonNode history, String part, String key) {
        List<Integer> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        history.forEach(e -> {
            if (e.path(part).has(key)) {
                x.add(e.path("epoch").asInt());
                y.add(e.path(part).path(key).asDouble());
            }
        });
        if (!x.isEmpty()) {
            chart.addSeries(name, x, y);
        }
    }

    private static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    }

    static byte[] png(Chart<?, ?> chart) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        return out.toByteArray();
    }

    /** Reads a results.json (to re-render a report). */
    public static ObjectNode read(Path resultsJson) throws IOException {
        return (ObjectNode) org.infogap.io.Json.mapper().readTree(resultsJson.toFile());
    }
}
