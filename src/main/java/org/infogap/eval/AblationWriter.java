package org.infogap.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.infogap.io.AtomicFiles;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Renders {@code ablation.json} ({@link AblationReport}) for people: {@code ablation.md} with
 * {@code plots/ablation.png} beside it, and {@code ablation.html} with the plot embedded.
 */
public final class AblationWriter {

    private AblationWriter() {
    }

    public static void write(JsonNode results, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        byte[] plot = plot(results);
        Files.createDirectories(dir.resolve("plots"));
        AtomicFiles.write(dir.resolve("plots/ablation.png"), out -> out.write(plot));
        List<List<List<String>>> tables = List.of(table(results), contributions(results), dependence(results));
        AtomicFiles.writeString(dir.resolve("ablation.md"), markdown(results, tables));
        AtomicFiles.writeString(dir.resolve("ablation.html"), html(results, tables, plot));
    }

    static List<List<String>> table(JsonNode results) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("variant", "components", "CMI acc.", "CMI macro-F1", "CMI MAE", "SC acc.", "SC macro-F1", "SC MAE"));
        for (JsonNode v : results.path("variants")) {
            List<String> aliases = new ArrayList<>();
            v.path("same_as").forEach(a -> aliases.add(a.asText()));
            String name = v.path("name").asText() + (aliases.isEmpty() ? "" : " (= " + String.join(", ", aliases) + ")");
            List<String> components = new ArrayList<>();
            v.path("components").forEach(c -> components.add(c.asText()));
            rows.add(List.of(name, components.isEmpty() ? "none" : String.join(", ", components),
                    f(v.path("CMI").path("accuracy")), f(v.path("CMI").path("macro_f1")), f(v.path("CMI").path("mean_absolute_error")),
                    f(v.path("SC").path("accuracy")), f(v.path("SC").path("macro_f1")), f(v.path("SC").path("mean_absolute_error"))));
        }
        JsonNode m = results.path("most_frequent");
        rows.add(List.of("most frequent label (reference)", "", f(m.path("CMI").path("accuracy")), f(m.path("CMI").path("macro_f1")),
                f(m.path("CMI").path("mean_absolute_error")), f(m.path("SC").path("accuracy")), f(m.path("SC").path("macro_f1")),
                f(m.path("SC").path("mean_absolute_error"))));
        return rows;
    }

    /** Per component: accuracy points it adds to what it needs, and beside the others in all. */
    static List<List<String>> contributions(JsonNode results) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("component", "alone: CMI", "alone: SC", "within all: CMI", "within all: SC"));
        for (JsonNode c : results.path("components")) {
            rows.add(List.of(c.path("component").asText(), difference(c.path("alone").path("CMI")),
                    difference(c.path("alone").path("SC")), difference(c.path("within_all").path("CMI")),
                    difference(c.path("within_all").path("SC"))));
        }
        return rows;
    }

    /** Per variant: its accuracy with the test images shuffled among the test pairs, and the own image's AUC. */
    static List<List<String>> dependence(JsonNode results) {
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(ReportWriter.DEPENDENCE_HEADER);
        header.set(0, "variant");
        rows.add(header);
        for (JsonNode v : results.path("variants")) {
            rows.add(ReportWriter.dependenceRow(v.path("name").asText(), v.path("image_dependence")));
        }
        return rows;
    }

    private static String f(JsonNode n) {
        return n.isMissingNode() ? "" : String.format(Locale.ROOT, "%.4f", n.asDouble());
    }

    private static String difference(JsonNode d) {
        return d.isMissingNode() ? "" : String.format(Locale.ROOT, "%+.1f [%+.1f, %+.1f]", 100 * d.path("accuracy_difference").asDouble(),
                100 * d.path("low").asDouble(), 100 * d.path("high").asDouble());
    }

    private static String about(JsonNode results) {
        JsonNode p = results.path("provenance");
        return String.format(Locale.ROOT, "Every variant is a classifier trained from the same autoencoder (%s, image encoder %s) "
                + "with training seed %d and validation seed %d on %s, and scored on its %d test pairs. Differences are accuracy points with the 95%% interval "
                + "of a paired bootstrap over the test pairs (%d resamples); it does not include the variance of training "
                + "itself (seed, order). Created %s.", p.path("autoencoder").asText(),
                p.path("image_encoder").asText(), p.path("config").path("training").path("seed").asLong(), p.path("seed").asLong(),
                p.path("labelled").asText(),
                p.path("test_pairs").asInt(), p.path("resamples").asInt(), p.path("created").asText())
                + ReportWriter.matchHeadText(results.path("match_head"));
    }

    private static String markdown(JsonNode results, List<List<List<String>>> tables) {
        StringBuilder md = new StringBuilder("# infogap ablation report\n\n").append(about(results)).append("\n");
        for (int t = 0; t < tables.size(); t++) {
            md.append("\n## ").append(TITLES[t]).append("\n\n");
            ReportWriter.markdownTable(md, tables.get(t));
        }
        return md.append("\n![accuracy per variant](plots/ablation.png)\n").toString();
    }

    private static final String[] TITLES = {"Variants on the test split",
        "What each component adds: accuracy points, alone (+ it against what it needs: the paper's classifier, + matchHead or + sentenceCounts) and within all (all against all - it), [95% paired bootstrap]",
        "Image dependence: each variant with the test images shuffled among the test pairs (mean of "
            + ImageDependence.SHUFFLES + " shuffles), and the share of " + ImageDependence.CANDIDATES
            + " other test images that score a lower expected CMI than a text's own (texts with CMI > 0; 0.5: blind to the image)"};

    private static String html(JsonNode results, List<List<List<String>>> tables, byte[] plot) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>infogap ablation report"
                + "</title><style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;color:#222}"
                + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:4px 8px;text-align:right}"
                + "td:first-child,th:first-child,td:nth-child(2){text-align:left}</style></head><body>"
                + "<h1>infogap ablation report</h1>");
        h.append("<p>").append(ReportWriter.escape(about(results))).append("</p>");
        for (int t = 0; t < tables.size(); t++) {
            h.append("<h2>").append(ReportWriter.escape(TITLES[t])).append("</h2>");
            ReportWriter.htmlTable(h, tables.get(t));
        }
        return h.append("<img alt=\"accuracy per variant\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(plot)).append("\"></body></html>\n").toString();
    }

    private static byte[] plot(JsonNode results) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(420).title("Test-split accuracy per variant")
                .yAxisTitle("accuracy").build();
        chart.getStyler().setXAxisLabelRotation(20);
        List<String> names = new ArrayList<>();
        results.path("variants").forEach(v -> names.add(v.path("name").asText()));
        names.add("most frequent");
        for (String measure : AccuracyReport.MEASURES) {
            List<Double> values = new ArrayList<>();
            results.path("variants").forEach(v -> values.add(v.path(measure).path("accuracy").asDouble()));
            values.add(results.path("most_frequent").path(measure).path("accuracy").asDouble());
            chart.addSeries(measure, names, values);
        }
        return ReportWriter.png(chart);
    }
}
