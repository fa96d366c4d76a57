package org.infogap.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.infogap.annotate.LabelledPairs;
import org.infogap.data.Split;
import org.infogap.io.AtomicFiles;
import org.infogap.io.Json;
import org.infogap.labelling.LabellingQueue;
import org.infogap.labelling.Uncertainty;
import org.infogap.model.Example;
import org.infogap.model.ModelBundle;
import org.infogap.model.ModelConfig;
import org.infogap.model.Predictor;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/**
 * The labelling queue's benchmark: test-split accuracy of the classifier (CL) against the number of labels, when
 * the labels come in random order and when they come most uncertain first (with the queue's share of random pairs).
 * Labelling is simulated from the known labels of the training split; the test split is never drawn from.
 *
 * <p>Per seed, every order starts from the same first labels of one seeded random order (one training); random
 * then takes that order's next pairs, an uncertainty order asks the classifier trained on its labels so far which
 * of the remaining pairs it is least sure of. Each training is {@code train-classifier} on the chosen pairs.
 */
public final class LearningCurve {

    /** Builds the examples a classifier bundle reads for these pairs (the same autoencoder for every bundle). */
    @FunctionalInterface
    public interface Examples {
        List<Example> of(ModelBundle bundle, List<LabelledPairs.Labelled> pairs) throws IOException;
    }

    public record Options(List<LabelledPairs.Labelled> labelled, int[] sizes, int seeds, long firstSeed,
                          List<Uncertainty> measures, boolean diverse, double randomShare, ModelConfig config,
                          AccuracyReport.ClassifierTrainer trainer, Examples examples, Path out) {
    }

    /** The orders an uncertainty measure gives: most uncertain first, or (with {@code diverse}) uncertain and spread. */
    private List<String> orderNames() {
        List<String> names = new ArrayList<>();
        for (Uncertainty m : o.measures()) {
            names.add(name(m));
            if (o.diverse()) {
                names.add(name(m) + "-diverse");
            }
        }
        return names;
    }

    /** Test-split accuracy of one order at one number of labels, for one seed. */
    public record Point(String order, long seed, int labels, double cmi, double sc) {
    }

    private final Options o;
    private final List<LabelledPairs.Labelled> test;
    private final Map<String, LabelledPairs.Labelled> train = new LinkedHashMap<>();
    private List<Example> testExamples;
    /** Every training pair's example, built once: all bundles read the same autoencoder's vocabulary and norm. */
    private Map<String, Example> trainExamples;
    private int trainings;
    private final int totalTrainings;
    private final long started = System.nanoTime();

    private LearningCurve(Options o) {
        this.o = o;
        this.test = o.labelled().stream().filter(l -> l.split() == Split.TEST).toList();
        o.labelled().stream().filter(l -> l.split() == Split.TRAIN).forEach(l -> train.put(l.pair().key(), l));
        int[] sizes = o.sizes();
        if (sizes.length == 0 || sizes[sizes.length - 1] > train.size()) {
            throw new IllegalArgumentException("label counts " + java.util.Arrays.toString(sizes) + " need "
                    + (sizes.length == 0 ? "at least one count" : sizes[sizes.length - 1] + " training pairs; the file has "
                    + train.size()));
        }
        if (test.isEmpty()) {
            throw new IllegalArgumentException("the labelled pairs have no test split to measure on");
        }
        totalTrainings = o.seeds() * (1 + (sizes.length - 1) * (1 + o.measures().size() * (o.diverse() ? 2 : 1)));
    }

    /** Runs every training and returns the points, also written to OUT/learning-curve.json, .md and .png. */
    public static List<Point> run(Options o) throws IOException {
        return new LearningCurve(o).run();
    }

    private List<Point> run() throws IOException {
        Files.createDirectories(o.out());
        List<Point> points = new ArrayList<>();
        int[] sizes = o.sizes();
        for (int s = 0; s < o.seeds(); s++) {
            long seed = o.firstSeed() + s;
            List<String> order = LabellingQueue.random(new ArrayList<>(train.keySet()), seed);
            Path seedDir = o.out().resolve("seed-" + seed);
            List<String> start = order.subList(0, sizes[0]);
            Predictor startModel = train(start, seedDir.resolve("start-" + sizes[0]));
            double[] startAccuracy = accuracy(startModel);
            points.add(new Point("random", seed, sizes[0], startAccuracy[0], startAccuracy[1]));
            for (String name : orderNames()) {
                points.add(new Point(name, seed, sizes[0], startAccuracy[0], startAccuracy[1]));
            }
            for (int i = 1; i < sizes.length; i++) {
                double[] a = accuracy(train(order.subList(0, sizes[i]), seedDir.resolve("random-" + sizes[i])));
                points.add(new Point("random", seed, sizes[i], a[0], a[1]));
            }
            for (Uncertainty m : o.measures()) {
                for (boolean spread : o.diverse() ? new boolean[] {false, true} : new boolean[] {false}) {
                    String orderName = name(m) + (spread ? "-diverse" : "");
                    Set<String> chosen = new LinkedHashSet<>(start);
                    Predictor model = startModel;
                    for (int i = 1; i < sizes.length; i++) {
                        List<String> pool = order.stream().filter(k -> !chosen.contains(k)).toList();
                        // the diverse rule also needs the chosen pairs' embeddings; top reads the pool only
                        Map<String, Predictor.Prediction> predicted = predict(model, spread ? order : pool);
                        Map<String, Double> uncertainty = new HashMap<>();
                        pool.forEach(k -> uncertainty.put(k, m.of(predicted.get(k))));
                        int wanted = sizes[i] - chosen.size();
                        List<String> next;
                        if (spread) {
                            Map<String, float[]> embedding = new HashMap<>();
                            predicted.forEach((k, p) -> embedding.put(k, p.article()));
                            next = LabellingQueue.diverse(pool, uncertainty, embedding,
                                    chosen.stream().map(embedding::get).toList(), wanted, o.randomShare(), seed * 1000 + i);
                        } else {
                            next = LabellingQueue.byUncertainty(pool, uncertainty, o.randomShare()).subList(0, wanted);
                        }
                        chosen.addAll(next);
                        model = train(new ArrayList<>(chosen), seedDir.resolve(orderName + "-" + sizes[i]));
                        double[] a = accuracy(model);
                        points.add(new Point(orderName, seed, sizes[i], a[0], a[1]));
                    }
                }
            }
            write(points); // after each seed, so that an interrupted run leaves what it measured
        }
        return points;
    }

    static String name(Uncertainty m) {
        return m.name().toLowerCase(Locale.ROOT);
    }

    /** Trains on {@code keys} (reusing a finished training in {@code dir}) and loads the best epoch. */
    private Predictor train(List<String> keys, Path dir) throws IOException {
        Path bundle = dir.resolve("best.zip");
        Path done = dir.resolve("labels.txt");
        if (!(Files.exists(bundle) && Files.exists(done) && Files.readAllLines(done).equals(keys))) {
            Files.createDirectories(dir);
            Path labelled = dir.resolve("labelled.jsonl");
            LabelledPairs.write(labelled, keys.stream().map(train::get).toList());
            o.trainer().train(labelled, o.config(), true, dir);
            AtomicFiles.writeString(done, String.join("\n", keys) + "\n");
        }
        trainings++;
        double elapsed = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "learning curve: %d of %d trainings (%s, %d labels), %.0f s, about %.0f s left%n",
                trainings, totalTrainings, dir.getFileName(), keys.size(), elapsed,
                elapsed / trainings * (totalTrainings - trainings));
        return new Predictor(ModelBundle.load(bundle));
    }

    private double[] accuracy(Predictor model) throws IOException {
        if (testExamples == null) {
            testExamples = o.examples().of(model.bundle(), test);
        }
        List<Predictor.Prediction> p = model.predict(testExamples);
        int cmi = 0;
        int sc = 0;
        for (int i = 0; i < test.size(); i++) {
            cmi += p.get(i).cmi() == test.get(i).cmi() ? 1 : 0;
            sc += p.get(i).sc() == test.get(i).sc() ? 1 : 0;
        }
        return new double[] {(double) cmi / test.size(), (double) sc / test.size()};
    }

    /** The model's prediction of each of {@code keys}' training pairs. */
    private Map<String, Predictor.Prediction> predict(Predictor model, List<String> keys) throws IOException {
        if (trainExamples == null) {
            List<LabelledPairs.Labelled> all = new ArrayList<>(train.values());
            List<Example> examples = o.examples().of(model.bundle(), all);
            trainExamples = new HashMap<>();
            for (int i = 0; i < all.size(); i++) {
                trainExamples.put(all.get(i).pair().key(), examples.get(i));
            }
        }
        List<Predictor.Prediction> p = model.predict(keys.stream().map(trainExamples::get).toList());
        Map<String, Predictor.Prediction> out = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            out.put(keys.get(i), p.get(i));
        }
        return out;
    }

    /** Mean and sample standard deviation over seeds of one order's accuracy at one count; [measure][mean, sd]. */
    static Map<String, Map<Integer, double[][]>> summary(List<Point> points) {
        Map<String, Map<Integer, List<Point>>> grouped = new LinkedHashMap<>();
        for (Point p : points) {
            grouped.computeIfAbsent(p.order(), k -> new java.util.TreeMap<>())
                    .computeIfAbsent(p.labels(), k -> new ArrayList<>()).add(p);
        }
        Map<String, Map<Integer, double[][]>> out = new LinkedHashMap<>();
        grouped.forEach((order, byCount) -> {
            Map<Integer, double[][]> m = new java.util.TreeMap<>();
            byCount.forEach((count, ps) -> m.put(count, new double[][] {
                meanSd(ps.stream().mapToDouble(Point::cmi).toArray()), meanSd(ps.stream().mapToDouble(Point::sc).toArray())}));
            out.put(order, m);
        });
        return out;
    }

    private static double[] meanSd(double[] xs) {
        double mean = java.util.Arrays.stream(xs).average().orElse(Double.NaN);
        double ss = java.util.Arrays.stream(xs).map(x -> (x - mean) * (x - mean)).sum();
        return new double[] {mean, xs.length > 1 ? Math.sqrt(ss / (xs.length - 1)) : 0};
    }

    /**
     * The goal, per uncertainty order and measure: the fewest labels at which its mean accuracy reaches the
     * random order's at the largest count, or -1 when it never does.
     */
    static Map<String, int[]> labelsToReachRandomAtMost(Map<String, Map<Integer, double[][]>> summary) {
        Map<Integer, double[][]> random = summary.get("random");
        int last = java.util.Collections.max(random.keySet());
        Map<String, int[]> out = new LinkedHashMap<>();
        summary.forEach((order, byCount) -> {
            int[] reach = {-1, -1};
            for (int measure = 0; measure < 2; measure++) {
                for (var e : byCount.entrySet()) {
                    if (e.getValue()[measure][0] >= random.get(last)[measure][0] - 1e-9) {
                        reach[measure] = e.getKey();
                        break;
                    }
                }
            }
            out.put(order, reach);
        });
        return out;
    }

    private void write(List<Point> points) throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("test_pairs", test.size()).put("training_pool", train.size()).put("random_share", o.randomShare());
        ArrayNode ps = root.putArray("points");
        for (Point p : points) {
            ps.addObject().put("order", p.order()).put("seed", p.seed()).put("labels", p.labels())
                    .put("cmi_accuracy", p.cmi()).put("sc_accuracy", p.sc());
        }
        Map<String, Map<Integer, double[][]>> summary = summary(points);
        Map<String, int[]> reach = labelsToReachRandomAtMost(summary);
        StringBuilder md = new StringBuilder("# Learning curve: random order against most uncertain first\n\n");
        md.append(String.format(Locale.ROOT, "Test split: %d pairs. Training pool: %d pairs. Uncertainty orders give "
                + "%.0f%% of their places to random pairs. Mean over %d seed(s) ± standard deviation.%n%n",
                test.size(), train.size(), 100 * o.randomShare(), points.stream().mapToLong(Point::seed).distinct().count()));
        md.append("| order | labels | CMI accuracy | SC accuracy |\n|---|---:|---:|---:|\n");
        summary.forEach((order, byCount) -> byCount.forEach((count, v) -> md.append(String.format(Locale.ROOT,
                "| %s | %d | %.4f ± %.4f | %.4f ± %.4f |%n", order, count, v[0][0], v[0][1], v[1][0], v[1][1]))));
        md.append("\nLabels at which an order's mean accuracy first reaches the random order's at the largest count "
                + "(-1: never):\n\n| order | CMI | SC |\n|---|---:|---:|\n");
        reach.forEach((order, r) -> md.append("| ").append(order).append(" | ").append(r[0]).append(" | ").append(r[1])
                .append(" |\n"));
        ObjectNode goal = root.putObject("labels_to_reach_random_at_largest");
        reach.forEach((order, r) -> goal.putObject(order).put("cmi", r[0]).put("sc", r[1]));
        AtomicFiles.writeString(o.out().resolve("learning-curve.json"), Json.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(root));
        AtomicFiles.writeString(o.out().resolve("learning-curve.md"), md.toString());
        plot(summary, o.out().resolve("learning-curve.png"));
        System.out.print(md);
    }

    private static void plot(Map<String, Map<Integer, double[][]>> summary, Path out) throws IOException {
        XYChart chart = new XYChartBuilder().width(720).height(440).title("Test-split accuracy against labels")
                .xAxisTitle("labels").yAxisTitle("accuracy (mean over seeds)").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(6);
        String[] measures = {"CMI", "SC"};
        for (int m = 0; m < 2; m++) {
            for (var e : summary.entrySet()) {
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                List<Double> err = new ArrayList<>();
                for (var c : e.getValue().entrySet()) {
                    x.add((double) c.getKey());
                    y.add(c.getValue()[m][0]);
                    err.add(c.getValue()[m][1]);
                }
                XYSeries s = chart.addSeries(measures[m] + ", " + e.getKey(), x, y, err);
                if (m == 1) {
                    s.setLineStyle(new java.awt.BasicStroke(2f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
                            10f, new float[] {6f, 4f}, 0f));
                }
            }
        }
        byte[] png = ReportWriter.png(chart);
        AtomicFiles.write(out, stream -> stream.write(png));
    }
}
