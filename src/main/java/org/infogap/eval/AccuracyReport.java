package org.infogap.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.infogap.annotate.LabelledPairs;
import org.infogap.data.Split;
import org.infogap.io.Json;
import org.infogap.model.Autoencoder;
import org.infogap.model.Encoder;
import org.infogap.model.Example;
import org.infogap.model.Feeds;
import org.infogap.model.ModelBundle;
import org.infogap.model.Network;
import org.infogap.model.ModelConfig;
import org.infogap.model.Calibration;
import org.infogap.model.Predictor;
import org.infogap.train.ClassifierTraining;
import org.infogap.train.ExampleBuilder;
import org.infogap.train.Trainer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's Table 3 on one labelled set: the classifier with the encoder from the autoencoder (CL),
 * the same with a random encoder (CL without AE, same epochs), a linear SVM on the autoencoder's
 * article embeddings, and the most frequent label; on the file's train/test split and in k-fold
 * cross-validation over all labelled pairs. Every number goes to {@code results.json}; {@link ReportWriter}
 * renders it. With {@code resume}, classifier runs already (partly) done under {@code out/models} continue
 * instead of starting again.
 */
public final class AccuracyReport {

    private static final Logger LOG = LoggerFactory.getLogger(AccuracyReport.class);

    public static final String CL = "CL";
    public static final String CL_NO_AE = "CL without AE";
    public static final String SVM = "SVM";
    public static final String MAJORITY = "Most frequent";
    public static final List<String> SYSTEMS = List.of(CL, CL_NO_AE, SVM, MAJORITY);
    public static final List<String> MEASURES = List.of("CMI", "SC");

    /** The paper's Table 3 (accuracy on its 92 test pairs; different data). */
    public static final Map<String, double[]> PAPER = Map.of(CL, new double[] {0.6953, 0.7344},
            CL_NO_AE, new double[] {0.5625, 0.6562}, SVM, new double[] {0.6875, 0.7125},
            MAJORITY, new double[] {0.5642, 0.6550});

    /**
     * Inputs. {@code classifierConfig} null: the autoencoder's configuration. {@code trainer} trains each
     * classifier; null: in this process. {@code splitClassifier}: a classifier bundle already trained on the
     * labelled file's train split from this autoencoder ({@code train-classifier}), taken as CL on the test
     * split instead of training that one again; null: train it.
     */
    public record Options(Path labelled, Path autoencoder, ModelConfig classifierConfig, Path inceptionWeights,
                          Path featureCache, Path out, int folds, int repeats, long seed, double validationFraction,
                          boolean resume, ClassifierTrainer trainer, Path splitClassifier) {
    }

    /**
     * Trains one classifier as {@code train-classifier} would: on the pairs of {@code labelled} (all in
     * the train split; a seeded share validates), the encoder from the autoencoder or random, checkpoints
     * in {@code out}. {@code report --epochs-per-process N} runs each in child JVMs of N epochs.
     */
    public interface ClassifierTrainer {
        void train(Path labelled, ModelConfig config, boolean fromAutoencoder, Path out) throws IOException;
    }

    /** Predicted levels of one system on one test set. */
    record Predictions(int[] cmi, int[] sc) {
    }

    private final Options o;
    private final ModelBundle ae;
    private final ModelConfig config;
    private final Autoencoder encoderOfAe;
    private final ObjectNode curves = Json.mapper().createObjectNode();
    private final Map<String, LabelledPairs.Labelled> byKey = new LinkedHashMap<>();
    /** Per classifier, its calibration on the test split (set for the test-split run only). */
    private ObjectNode calibration;
    /**
     * Per classifier, every fold's test pairs scored as trained and as calibrated, pooled over the folds: a fold of 92
     * pairs alone gives an expected calibration error of about 0.08 to a perfectly calibrated head (few pairs per
     * bin), so the folds' error is read on all their out-of-fold predictions together.
     */
    private final Map<String, OutOfFold> outOfFold = new LinkedHashMap<>();

    /** Out-of-fold predictions of one classifier, with the labels and each fold's temperatures. */
    private record OutOfFold(List<Predictor.Prediction> before, List<Predictor.Prediction> after, List<Example> pairs,
                             List<Calibration> temperatures) {
        OutOfFold() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    private AccuracyReport(Options o) throws IOException {
        this.o = o;
        this.ae = ModelBundle.load(o.autoencoder());
        if (!ModelBundle.AUTOENCODER.equals(ae.kind())) {
            throw new IllegalArgumentException(o.autoencoder() + " holds a " + ae.kind() + ", not an autoencoder");
        }
        this.config = o.classifierConfig() != null ? o.classifierConfig() : ae.config();
        this.encoderOfAe = Autoencoder.create(ae.config(), ae.wordVectors());
        encoderOfAe.setParameters(ae.parameters());
    }

    /** Runs every system on the split and in every fold; writes results.json and returns it. */
    public static ObjectNode run(Options o) throws IOException {
        return new AccuracyReport(o).run();
    }

    private ObjectNode run() throws IOException {
        Files.createDirectories(o.out());
        List<LabelledPairs.Labelled> all = LabelledPairs.read(o.labelled());
        ExampleBuilder builder = ExampleBuilder.forBundle(ae, o.inceptionWeights(), o.featureCache());
        List<Example> examples = builder.classifierExamples(all, ae.featureNorm());
        all.forEach(l -> byKey.put(l.pair().key(), l));
        List<Example> train = new ArrayList<>();
        List<Example> test = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (all.get(i).split() == Split.TEST ? test : train).add(examples.get(i));
        }
        if (train.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException(o.labelled() + ": needs pairs in both the train and the test split");
        }
        ObjectNode results = Json.mapper().createObjectNode();
        ObjectNode provenance = results.putObject("provenance");
        provenance.put("labelled", o.labelled().toString()).put("autoencoder", o.autoencoder().toString())
                .put("seed", o.seed()).put("folds", o.folds()).put("created", Instant.now().toString())
                .put("image_encoder", ae.imageEncoderId());
        provenance.set("autoencoder_state", ae.state().deepCopy().without("history"));
        provenance.set("classifier_config", config.toTree());
        results.putObject("sizes").put("train", train.size()).put("test", test.size()).put("all", examples.size());
        results.set("distribution", distribution(train, test));

        LOG.info("report: the test split ({} train, {} test pairs)", train.size(), test.size());
        ObjectNode split = results.putObject("test_split");
        ObjectNode svmChoice = results.putObject("svm");
        ObjectNode dependence = results.putObject("image_dependence");
        calibration = results.putObject("calibration");
        Map<String, Predictions> predictions = systems(train, test, o.out().resolve("models/split"), svmChoice, true,
                o.splitClassifier(), dependence, false);
        ObjectNode matchHead = ImageDependence.matchHead(ae);
        if (matchHead != null) {
            dependence.set("match_head", matchHead);
        }
        int[] actualCmi = test.stream().mapToInt(Example::cmi).toArray();
        int[] actualSc = test.stream().mapToInt(Example::sc).toArray();
        Map<String, Metrics[]> splitMetrics = metrics(actualCmi, actualSc, predictions);
        splitMetrics.forEach((system, m) -> {
            ObjectNode s = split.putObject(system);
            s.set("CMI", json(m[0]));
            s.set("SC", json(m[1]));
        });
        LOG.info("report: test split accuracy (CMI / SC): {}", accuracies(splitMetrics));

        if (o.folds() >= 2) {
            int repeats = Math.max(1, o.repeats());
            Map<String, Map<String, List<Metrics>>> perFold = new LinkedHashMap<>();
            int total = repeats * o.folds();
            for (int r = 0; r < repeats; r++) {
                List<List<Example>> folds = stratifiedFolds(examples, o.folds(), o.seed() + r);
                for (int f = 0; f < o.folds(); f++) {
                    List<Example> foldTrain = new ArrayList<>();
                    for (int g = 0; g < o.folds(); g++) {
                        if (g != f) {
                            foldTrain.addAll(folds.get(g));
                        }
                    }
                    List<Example> foldTest = folds.get(f);
                    String name = repeats == 1 ? "fold" + (f + 1) : "repeat" + (r + 1) + "-fold" + (f + 1);
                    LOG.info("report: {} of {} x {} ({} train, {} test pairs)", name, repeats, o.folds(), foldTrain.size(),
                            foldTest.size());
                    long started = System.nanoTime();
                    Map<String, Predictions> p = systems(foldTrain, foldTest, o.out().resolve("models/" + name), null, false,
                            null, null, true);
                    double minutes = (System.nanoTime() - started) / 60e9;
                    Map<String, Metrics[]> foldMetrics = metrics(foldTest.stream().mapToInt(Example::cmi).toArray(),
                            foldTest.stream().mapToInt(Example::sc).toArray(), p);
                    // a long report's figures so far, should it be stopped before it writes its files
                    LOG.info("report: {} accuracy (CMI / SC): {}", name, accuracies(foldMetrics));
                    foldMetrics.forEach((system, fm) -> {
                        Map<String, List<Metrics>> m = perFold.computeIfAbsent(system, k -> new LinkedHashMap<>());
                        m.computeIfAbsent("CMI", k -> new ArrayList<>()).add(fm[0]);
                        m.computeIfAbsent("SC", k -> new ArrayList<>()).add(fm[1]);
                    });
                    int done = r * o.folds() + f + 1;
                    // a 5 x 5 report runs for hours: where it stands, and when it will end at the pace of now
                    LOG.info("report: {} of {} folds; CL over the most frequent label so far (CMI / SC): {}; this fold "
                                    + "{} min, about {} min left at its pace", done, total, liftSoFar(perFold),
                            String.format(Locale.ROOT, "%.1f", minutes),
                            String.format(Locale.ROOT, "%.0f", minutes * (total - done)));
                }
            }
            results.with("provenance").put("repeats", repeats);
            double testShare = 1.0 / o.folds();
            ObjectNode kfold = results.putObject("kfold");
            perFold.forEach((system, byMeasure) -> {
                ObjectNode s = kfold.putObject(system);
                byMeasure.forEach((measure, list) -> {
                    ObjectNode m = s.putObject(measure);
                    summary(m.putObject("accuracy"), list.stream().mapToDouble(Metrics::accuracy).toArray(), testShare);
                    summary(m.putObject("macro_f1"), list.stream().mapToDouble(Metrics::macroF1).toArray(), testShare);
                    summary(m.putObject("weighted_f1"), list.stream().mapToDouble(Metrics::weightedF1).toArray(), testShare);
                    summary(m.putObject("mean_absolute_error"), list.stream().mapToDouble(Metrics::meanAbsoluteError).toArray(),
                            testShare);
                    if (!system.equals(MAJORITY)) {
                        summary(m.putObject("accuracy_over_most_frequent"),
                                liftOverMajority(list, perFold.get(MAJORITY).get(measure)), testShare);
                    }
                });
            });
            ObjectNode pooled = results.putObject("kfold_calibration");
            outOfFold.forEach((system, f) -> {
                ObjectNode n = pooled.putObject(system).put("pairs", f.pairs().size());
                n.setAll(calibration(f.before(), f.after(), f.pairs(), f.temperatures(), o.seed()));
            });
        }
        ObjectNode paper = results.putObject("paper");
        PAPER.forEach((system, acc) -> paper.putObject(system).put("CMI", acc[0]).put("SC", acc[1]));
        curves.set("autoencoder", ae.state().withArray("history").deepCopy());
        results.set("learning_curves", curves);
        org.infogap.io.AtomicFiles.writeString(o.out().resolve("results.json"),
                Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(results));
        return results;
    }

    /** Per system, in {@link #SYSTEMS} order: its CMI and SC metrics against the actual levels. */
    private static Map<String, Metrics[]> metrics(int[] cmi, int[] sc, Map<String, Predictions> predictions) {
        Map<String, Metrics[]> out = new LinkedHashMap<>();
        for (String system : SYSTEMS) {
            out.put(system, new Metrics[] {Metrics.of(cmi, predictions.get(system).cmi()),
                Metrics.of(sc, predictions.get(system).sc())});
        }
        return out;
    }

    /** Per fold, a system's accuracy less the most frequent label's on the same fold. */
    private static double[] liftOverMajority(List<Metrics> system, List<Metrics> majority) {
        double[] lift = new double[system.size()];
        for (int i = 0; i < lift.length; i++) {
            lift[i] = system.get(i).accuracy() - majority.get(i).accuracy();
        }
        return lift;
    }

    /** CL's mean accuracy over the most frequent label's on the folds so far, in points, CMI / SC. */
    private static String liftSoFar(Map<String, Map<String, List<Metrics>>> perFold) {
        StringBuilder s = new StringBuilder();
        for (String measure : MEASURES) {
            double[] lift = liftOverMajority(perFold.get(CL).get(measure), perFold.get(MAJORITY).get(measure));
            s.append(s.isEmpty() ? "" : " / ")
                    .append(String.format(Locale.ROOT, "%+.1f", 100 * Arrays.stream(lift).average().orElse(0)));
        }
        return s.toString();
    }

    private static String accuracies(Map<String, Metrics[]> metrics) {
        StringBuilder s = new StringBuilder();
        metrics.forEach((system, m) -> s.append(s.isEmpty() ? "" : "; ").append(system)
                .append(String.format(Locale.ROOT, " %.4f / %.4f", m[0].accuracy(), m[1].accuracy())));
        return s.toString();
    }

    /**
     * All four systems trained on {@code train}, predicting {@code test}; with {@code dependence}, each system that
     * reads images is measured by {@link ImageDependence} into it.
     */
    private Map<String, Predictions> systems(List<Example> train, List<Example> test, Path models, ObjectNode svmChoice,
                                             boolean keepCurves, Path trainedCl, ObjectNode dependence, boolean pool)
            throws IOException {
        Map<String, Predictions> out = new LinkedHashMap<>();
        ImageDependence shuffles = dependence == null ? null : new ImageDependence(test, o.seed());
        int[] actualCmi = test.stream().mapToInt(Example::cmi).toArray();
        int[] actualSc = test.stream().mapToInt(Example::sc).toArray();
        Files.createDirectories(models);
        Path pairs = models.resolve("training-pairs.jsonl");
        List<LabelledPairs.Labelled> trainPairs = new ArrayList<>();
        for (Example e : train) {
            LabelledPairs.Labelled l = byKey.get(e.key());
            trainPairs.add(new LabelledPairs.Labelled(l.pair(), l.cmi(), l.sc(), l.imageType(), l.snippets(), l.annotators(),
                    Split.TRAIN));
        }
        LabelledPairs.write(pairs, trainPairs);
        for (String system : List.of(CL, CL_NO_AE)) {
            Path dir = models.resolve(system.equals(CL) ? "cl" : "cl-no-ae");
            Path last = dir.resolve(Trainer.LAST);
            ModelBundle best;
            if (system.equals(CL) && trainedCl != null) {
                best = ModelBundle.load(trainedCl);
                if (!ModelBundle.CLASSIFIER.equals(best.kind())) {
                    throw new IllegalArgumentException(trainedCl + " holds a " + best.kind() + ", not a classifier");
                }
                // CL and CL without AE are compared: they must have been trained alike
                List<String> changed = best.config().differences(config, java.util.Set.of());
                if (!changed.isEmpty()) {
                    throw new IllegalArgumentException(trainedCl + " was trained with other settings than this report's ("
                            + String.join(", ", changed) + "): pass the same --set options, or leave out --classifier");
                }
                LOG.info("report: CL on the test split is {} (trained by train-classifier), not trained again", trainedCl);
                last = trainedCl.resolveSibling(Trainer.LAST);
            } else {
                trainer().train(pairs, config, system.equals(CL), dir);
                best = ModelBundle.load(dir.resolve(Trainer.BEST));
            }
            if (keepCurves && Files.exists(last)) {
                curves.set(system, ModelBundle.load(last).state().withArray("history").deepCopy());
            }
            Predictor predictor = new Predictor(best);
            List<Predictor.Prediction> scored = predictor.predict(test);
            out.put(system, levels(scored));
            if (dependence != null && calibration != null) {
                calibration.set(system, calibration(asTrained(best, test), scored, test, List.of(predictor.calibration()),
                        o.seed()));
            }
            if (pool) {
                OutOfFold f = outOfFold.computeIfAbsent(system, k -> new OutOfFold());
                f.before().addAll(asTrained(best, test));
                f.after().addAll(scored);
                f.pairs().addAll(test);
                f.temperatures().add(predictor.calibration());
            }
            if (shuffles != null) {
                LOG.info("report: image dependence of {} (test images shuffled, own image against {} others)", system,
                        ImageDependence.CANDIDATES);
                Metrics[] own = {Metrics.of(actualCmi, out.get(system).cmi()), Metrics.of(actualSc, out.get(system).sc())};
                dependence.set(system, shuffles.classifier(predictor, own));
            }
        }
        float[][] trainX = articles(train);
        float[][] testX = articles(test);
        int[] cmi = train.stream().mapToInt(Example::cmi).toArray();
        int[] sc = train.stream().mapToInt(Example::sc).toArray();
        SvmBaseline.Fitted svmCmi = SvmBaseline.fit(trainX, cmi, 5, o.seed());
        SvmBaseline.Fitted svmSc = SvmBaseline.fit(trainX, sc, 5, o.seed());
        if (svmChoice != null) {
            for (Map.Entry<String, SvmBaseline.Fitted> e : Map.of("CMI", svmCmi, "SC", svmSc).entrySet()) {
                ObjectNode n = svmChoice.putObject(e.getKey()).put("C", e.getValue().c());
                ArrayNode grid = n.putArray("grid");
                for (int g = 0; g < SvmBaseline.GRID.size(); g++) {
                    grid.addObject().put("C", SvmBaseline.GRID.get(g)).put("cv_accuracy", e.getValue().cvAccuracy()[g]);
                }
            }
        }
        out.put(SVM, new Predictions(svmCmi.predict(testX), svmSc.predict(testX)));
        if (shuffles != null) {
            Metrics[] own = {Metrics.of(actualCmi, out.get(SVM).cmi()), Metrics.of(actualSc, out.get(SVM).sc())};
            dependence.set(SVM, shuffles.accuracy(own, s -> {
                float[][] x = articles(shuffles.shuffled(s));
                return new Predictions(svmCmi.predict(x), svmSc.predict(x));
            }));
        }
        out.put(MAJORITY, new Predictions(constant(MajorityBaseline.fit(cmi), test.size()),
                constant(MajorityBaseline.fit(sc), test.size())));
        return out;
    }

    /** The bundle's predictions with its probabilities as trained (no temperature). */
    private static List<Predictor.Prediction> asTrained(ModelBundle bundle, List<Example> test) {
        return new Predictor(bundle, Calibration.NONE).predict(test);
    }

    /**
     * Per head, the expected calibration error of {@code pairs} with the probabilities as trained ({@code before}) and
     * as calibrated on each run's validation share ({@code after}), each with a 95% bootstrap interval over the pairs,
     * the error a perfectly calibrated head with the same probabilities would show on as many pairs (median and 95%
     * range, {@link Calibration#eceIfCalibrated}), the reliability points, and the temperature (the mean of the runs',
     * with its range when there are several).
     */
    static ObjectNode calibration(List<Predictor.Prediction> before, List<Predictor.Prediction> after, List<Example> pairs,
                                  List<Calibration> temperatures, long seed) {
        ObjectNode n = Json.mapper().createObjectNode();
        for (String measure : MEASURES) {
            boolean cmi = measure.equals("CMI");
            int[] labels = pairs.stream().mapToInt(e -> cmi ? e.cmi() : e.sc()).toArray();
            double[] t = temperatures.stream().mapToDouble(c -> cmi ? c.cmiTemperature() : c.scTemperature()).toArray();
            ObjectNode m = n.putObject(measure).put("temperature", java.util.Arrays.stream(t).average().orElse(1));
            if (t.length > 1) {
                m.put("temperature_min", java.util.Arrays.stream(t).min().orElse(1))
                        .put("temperature_max", java.util.Arrays.stream(t).max().orElse(1));
            }
            for (String when : List.of("before", "after")) {
                List<float[]> p = (when.equals("before") ? before : after).stream()
                        .map(x -> cmi ? x.cmiProbabilities() : x.scProbabilities()).toList();
                m.put("ece_" + when, Calibration.expectedCalibrationError(p, labels));
                double[] interval = eceInterval(p, labels, seed);
                m.putArray("ece_" + when + "_interval").add(interval[0]).add(interval[1]);
                double[] calibrated = Calibration.eceIfCalibrated(p, 1000, new Random(seed));
                m.put("ece_" + when + "_if_calibrated", calibrated[500]);
                m.putArray("ece_" + when + "_if_calibrated_interval").add(calibrated[24]).add(calibrated[974]);
                ArrayNode points = m.putArray("reliability_" + when);
                for (double[] point : Calibration.reliability(p, labels)) {
                    points.addObject().put("confidence", point[0]).put("accuracy", point[1]).put("count", (int) point[2]);
                }
            }
        }
        return n;
    }

    /** The 2.5 and 97.5 percentiles of the expected calibration error over 1,000 bootstrap resamples of the pairs. */
    static double[] eceInterval(List<float[]> probabilities, int[] labels, long seed) {
        Random random = new Random(seed);
        int n = labels.length;
        double[] ece = new double[1000];
        List<float[]> p = new ArrayList<>(n);
        int[] l = new int[n];
        for (int b = 0; b < ece.length; b++) {
            p.clear();
            for (int i = 0; i < n; i++) {
                int j = random.nextInt(n);
                p.add(probabilities.get(j));
                l[i] = labels[j];
            }
            ece[b] = Calibration.expectedCalibrationError(p, l);
        }
        java.util.Arrays.sort(ece);
        return new double[] {ece[24], ece[974]};
    }

    private ClassifierTrainer trainer() {
        if (o.trainer() != null) {
            return o.trainer();
        }
        return (labelled, c, fromAe, dir) -> ClassifierTraining.run(new ClassifierTraining.Options(labelled, o.autoencoder(),
                null, null, c, o.inceptionWeights(), o.featureCache(), dir, o.resume(), o.validationFraction(), !fromAe,
                o.seed()));
    }

    static Predictions classify(ModelBundle bundle, List<Example> test) {
        return classify(new Predictor(bundle), test);
    }

    /** Levels of an already built predictor, which {@link ImageDependence} reuses for its shuffled pairs. */
    static Predictions classify(Predictor predictor, List<Example> test) {
        return levels(predictor.predict(test));
    }

    /** The levels of scored pairs. */
    static Predictions levels(List<Predictor.Prediction> p) {
        return new Predictions(p.stream().mapToInt(x -> x.cmi().index()).toArray(),
                p.stream().mapToInt(x -> x.sc().index()).toArray());
    }

    /** Article embeddings of the autoencoder's encoder (not fine-tuned), no dropout. */
    private float[][] articles(List<Example> examples) {
        float[][] out = new float[examples.size()][];
        int batch = 64;
        for (int from = 0; from < examples.size(); from += batch) {
            List<Example> part = examples.subList(from, Math.min(examples.size(), from + batch));
            Map<String, INDArray> feed = Feeds.encoder(part, encoderOfAe, null);
            INDArray a = encoderOfAe.output(feed, Encoder.ARTICLE).get(Encoder.ARTICLE);
            for (int i = 0; i < part.size(); i++) {
                out[from + i] = a.getRow(i).toFloatVector();
            }
            Network.release(feed.values());
            a.close();
        }
        return out;
    }

    static int[] constant(int level, int n) {
        int[] out = new int[n];
        java.util.Arrays.fill(out, level);
        return out;
    }

    private static ObjectNode distribution(List<Example> train, List<Example> test) {
        ObjectNode d = Json.mapper().createObjectNode();
        for (String measure : MEASURES) {
            ObjectNode m = d.putObject(measure);
            for (Map.Entry<String, List<Example>> part : Map.of("train", train, "test", test).entrySet()) {
                ArrayNode counts = m.putArray(part.getKey());
                int[] c = new int[Metrics.LEVELS];
                part.getValue().forEach(e -> c[measure.equals("CMI") ? e.cmi() : e.sc()]++);
                for (int v : c) {
                    counts.add(v);
                }
            }
        }
        return d;
    }

    static ObjectNode json(Metrics m) {
        ObjectNode n = Json.mapper().valueToTree(m);
        return n;
    }

    /**
     * Mean, standard deviation and a 95% interval of per-fold values, with the folds themselves. The folds of
     * repeated k-fold share most of their training pairs, so the plain standard error understates the spread; the
     * interval uses Nadeau and Bengio's corrected resampled t (variance times 1/n + test share / train share, n folds,
     * Student's t with n - 1 degrees of freedom). {@code distinguishable}: the interval excludes zero.
     */
    static void summary(ObjectNode node, double[] values, double testShare) {
        double mean = 0;
        for (double v : values) {
            mean += v / values.length;
        }
        double var = 0;
        for (double v : values) {
            var += (v - mean) * (v - mean) / Math.max(1, values.length - 1);
        }
        node.put("mean", mean).put("std", Math.sqrt(var));
        if (values.length >= 2) {
            double t = new org.apache.commons.math3.distribution.TDistribution(values.length - 1).inverseCumulativeProbability(0.975);
            double half = t * Math.sqrt((1.0 / values.length + testShare / (1 - testShare)) * var);
            node.put("ci95_low", mean - half).put("ci95_high", mean + half)
                    .put("distinguishable", mean - half > 0 || mean + half < 0);
        }
        ArrayNode all = node.putArray("folds");
        for (double v : values) {
            all.add(v);
        }
    }

    /**
     * {@code k} folds stratified by the SC level (the skewed measure in the paper's data: 541 of 826 at SC 1), each
     * level's pairs shuffled with {@code seed} and dealt round-robin, continuing from one level to the next.
     */
    static List<List<Example>> stratifiedFolds(List<Example> examples, int k, long seed) {
        List<List<Example>> folds = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            folds.add(new ArrayList<>());
        }
        Random random = new Random(seed);
        int next = 0;
        for (int level = -1; level < Metrics.LEVELS; level++) {
            int l = level;
            List<Example> of = new ArrayList<>(examples.stream().filter(e -> e.sc() == l).toList());
            Collections.shuffle(of, random);
            for (Example e : of) {
                folds.get(next++ % k).add(e);
            }
        }
        return folds;
    }
}
