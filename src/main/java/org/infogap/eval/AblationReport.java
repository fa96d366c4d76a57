package org.infogap.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.infogap.annotate.LabelledPairs;
import org.infogap.data.Split;
import org.infogap.io.AtomicFiles;
import org.infogap.io.Json;
import org.infogap.model.Example;
import org.infogap.model.MatchHead;
import org.infogap.model.ModelBundle;
import org.infogap.model.ModelConfig;
import org.infogap.model.Predictor;
import org.infogap.model.SentenceCounts;
import org.infogap.train.ClassifierTraining;
import org.infogap.train.ExampleBuilder;
import org.infogap.train.Trainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of the classifier's components earn their place: the paper's classifier, each component added alone,
 * all of them less each one, and all, every one trained from the same autoencoder with the same seed, validation
 * share and epochs, and scored on the labelled file's test split (accuracy, macro-F1, MAE for CMI and SC).
 *
 * <p>The units are the components the classifier stage can leave out of one autoencoder: the {@link MatchHead}
 * (its loss in the classifier and its score as the text LSTM's input) and {@link SentenceCounts} with its two parts,
 * visual words and coverage. A unit needs the ones it builds on (counts need the head, the parts need the counts),
 * so "alone" takes those too and "less it" drops what needs it; variants that come out the same are trained once.
 * Word whitening and image fine-tuning change what the autoencoder learns from, so they are compared across
 * autoencoders, not here.
 *
 * <p>Each unit's contribution is measured twice: "+ x" against what it needs alone (the paper's classifier for the
 * match head, "+ matchHead" for the counts, "+ sentenceCounts" for their parts) and all against "all - x" (what
 * it adds beside the others). Each difference comes with a paired
 * bootstrap over the test pairs (2,000 resamples, seeded): the 95% interval of the accuracy difference when the test
 * pairs are drawn again. It does not include the training's own variance (seed, order), which a second run with
 * another {@code seed} setting shows.
 */
public final class AblationReport {

    private static final Logger LOG = LoggerFactory.getLogger(AblationReport.class);
    static final String PAPER = "paper's classifier";
    static final String ALL = "all";
    private static final int RESAMPLES = 2000;

    /**
     * Inputs. {@code config}: the configuration every variant starts from (the autoencoder's when null), whose
     * components are "all".
     */
    public record Options(Path labelled, Path autoencoder, ModelConfig config, Path inceptionWeights, Path featureCache,
                          Path out, long seed, double validationFraction, boolean resume) {
    }

    /** One configuration to train: its name, and the names of the other rows it also stands for. */
    record Variant(String name, List<String> aliases, ModelConfig config) {
    }

    private AblationReport() {
    }

    /** The classifier-stage units {@code all} holds, in the order they build on each other. */
    static List<String> units(ModelConfig all) {
        List<String> units = new ArrayList<>();
        if (all.matching()) {
            units.add("matchHead");
        }
        if (all.mismatchedPairs() != null) {
            units.add("mismatchedPairs");
        }
        if (all.ordinalLoss() != null) {
            units.add("ordinalLoss");
        }
        if (all.ensemble() != null) {
            units.add("ensemble");
        }
        if (all.sentenceCounts() != null) {
            units.add("sentenceCounts");
            if (all.sentenceCounts().visualWords()) {
                units.add("visualWords");
            }
            if (all.sentenceCounts().coverage()) {
                units.add("coverage");
            }
        }
        return units;
    }

    /** {@code all} with only the units in {@code on} (those whose prerequisites are also on). */
    static ModelConfig only(ModelConfig all, List<String> on) {
        MatchHead.Settings head = on.contains("matchHead") ? all.matchHead() : null;
        SentenceCounts.Settings counts = null;
        if (head != null && on.contains("sentenceCounts")) {
            SentenceCounts.Settings s = all.sentenceCounts();
            counts = new SentenceCounts.Settings(s.hidden(), s.visualWords() && on.contains("visualWords"),
                    s.coverage() && on.contains("coverage"));
        }
        ModelConfig.Components c = all.components();
        return all.withComponents(new ModelConfig.Components(head, counts, c.wordWhitening(), c.imageFineTuning(),
                on.contains("mismatchedPairs") ? all.mismatchedPairs() : null,
                on.contains("ordinalLoss") ? all.ordinalLoss() : null, on.contains("ensemble") ? all.ensemble() : null));
    }

    private static List<String> prerequisites(String unit) {
        return switch (unit) {
            case "matchHead", "mismatchedPairs", "ordinalLoss", "ensemble" -> List.of();
            case "sentenceCounts" -> List.of("matchHead");
            default -> List.of("matchHead", "sentenceCounts");
        };
    }

    /** The rows: the paper's classifier, + each unit, all - each unit, all; the same configuration trained once. */
    static List<Variant> variants(ModelConfig all) {
        List<String> units = units(all);
        Map<String, ModelConfig> configs = new LinkedHashMap<>();
        configs.put(PAPER, only(all, List.of()));
        for (String u : units) {
            List<String> on = new ArrayList<>(prerequisites(u));
            on.add(u);
            configs.put("+ " + u, only(all, on));
        }
        for (String u : units) {
            List<String> on = new ArrayList<>(units);
            on.remove(u);
            configs.put("all - " + u, only(all, on));
        }
        configs.put(ALL, only(all, units));
        List<Variant> out = new ArrayList<>();
        Map<ModelConfig, Integer> seen = new LinkedHashMap<>();
        for (Map.Entry<String, ModelConfig> e : configs.entrySet()) {
            Integer at = seen.get(e.getValue());
            if (at == null) {
                seen.put(e.getValue(), out.size());
                out.add(new Variant(e.getKey(), new ArrayList<>(), e.getValue()));
            } else {
                out.get(at).aliases().add(e.getKey());
            }
        }
        return out;
    }

    /** The units a config holds, and word whitening when on: what a row of the table says it uses. */
    static List<String> describe(ModelConfig c) {
        List<String> parts = new ArrayList<>(units(c));
        if (c.components().wordWhitening() != null) {
            parts.add("wordWhitening");
        }
        return parts;
    }

    /** Trains every variant, scores it on the test split, writes ablation.json/.md/.html and a plot; returns the JSON. */
    public static ObjectNode run(Options o) throws IOException {
        ModelBundle ae = ModelBundle.load(o.autoencoder());
        if (!ModelBundle.AUTOENCODER.equals(ae.kind())) {
            throw new IllegalArgumentException(o.autoencoder() + " holds a " + ae.kind() + ", not an autoencoder");
        }
        ModelConfig all = o.config() != null ? o.config() : ae.config();
        Files.createDirectories(o.out());
        List<LabelledPairs.Labelled> labelled = LabelledPairs.read(o.labelled());
        List<LabelledPairs.Labelled> testPairs = labelled.stream().filter(l -> l.split() == Split.TEST).toList();
        if (testPairs.isEmpty() || testPairs.size() == labelled.size()) {
            throw new IllegalArgumentException(o.labelled() + ": needs pairs in both the train and the test split");
        }
        List<Example> test = ExampleBuilder.forBundle(ae, o.inceptionWeights(), o.featureCache())
                .classifierExamples(testPairs, ae.featureNorm());
        int[] cmi = test.stream().mapToInt(Example::cmi).toArray();
        int[] sc = test.stream().mapToInt(Example::sc).toArray();

        ObjectNode results = Json.mapper().createObjectNode();
        results.putObject("provenance").put("labelled", o.labelled().toString()).put("autoencoder", o.autoencoder().toString())
                .put("image_encoder", ae.imageEncoderId()).put("seed", o.seed()).put("test_pairs", test.size())
                .put("created", Instant.now().toString()).put("resamples", RESAMPLES)
                .set("config", all.toTree());
        List<LabelledPairs.Labelled> trainPairs = labelled.stream().filter(l -> l.split() != Split.TEST).toList();
        int majorityCmi = MajorityBaseline.fit(trainPairs.stream().mapToInt(l -> l.cmi().index()).toArray());
        int majoritySc = MajorityBaseline.fit(trainPairs.stream().mapToInt(l -> l.sc().index()).toArray());
        ObjectNode majority = results.putObject("most_frequent");
        majority.set("CMI", summary(Metrics.of(cmi, AccuracyReport.constant(majorityCmi, cmi.length))));
        majority.set("SC", summary(Metrics.of(sc, AccuracyReport.constant(majoritySc, sc.length))));

        ImageDependence dependence = new ImageDependence(test, o.seed());
        ObjectNode matchHead = ImageDependence.matchHead(ae);
        if (matchHead != null) {
            results.set("match_head", matchHead);
        }
        List<Variant> variants = variants(all);
        Map<String, int[][]> predictions = new LinkedHashMap<>();
        ArrayNode rows = results.putArray("variants");
        long started = System.nanoTime();
        for (int i = 0; i < variants.size(); i++) {
            Variant v = variants.get(i);
            LOG.info("ablation: variant {} of {}, {} (components: {})", i + 1, variants.size(), v.name(),
                    String.join(", ", v.config().components().names()));
            Path dir = o.out().resolve("models").resolve(slug(v.name()));
            ClassifierTraining.run(new ClassifierTraining.Options(o.labelled(), o.autoencoder(), null, null, v.config(),
                    o.inceptionWeights(), o.featureCache(), dir, o.resume(), o.validationFraction(), false, o.seed()));
            ModelBundle trained = ModelBundle.load(dir.resolve(Trainer.BEST));
            Predictor predictor = new Predictor(trained);
            AccuracyReport.Predictions p = AccuracyReport.classify(predictor, test);
            int[][] levels = {p.cmi(), p.sc()};
            predictions.put(v.name(), levels);
            v.aliases().forEach(alias -> predictions.put(alias, levels));
            ObjectNode row = rows.addObject().put("name", v.name());
            ArrayNode aliases = row.putArray("same_as");
            v.aliases().forEach(aliases::add);
            ArrayNode components = row.putArray("components");
            describe(v.config()).forEach(components::add);
            row.set("CMI", summary(Metrics.of(cmi, levels[0])));
            row.set("SC", summary(Metrics.of(sc, levels[1])));
            // which variants read the image: accuracy with the test images shuffled, the own image's AUC
            JsonNode shuffled = row.set("image_dependence", dependence.classifier(predictor, new Metrics[] {Metrics.of(cmi, levels[0]),
                Metrics.of(sc, levels[1])})).path("image_dependence");
            LOG.info("ablation: {} with the test images shuffled CMI {} / SC {}, own-image AUC {}", v.name(),
                    String.format(Locale.ROOT, "%.4f", shuffled.path("CMI").path("shuffled").asDouble()),
                    String.format(Locale.ROOT, "%.4f", shuffled.path("SC").path("shuffled").asDouble()),
                    String.format(Locale.ROOT, "%.3f", shuffled.path("own_image_auc").asDouble()));
            double elapsed = (System.nanoTime() - started) / 1e9;
            LOG.info("ablation: {} CMI {} / SC {}; {} of {} variants in {} min, about {} min to go", v.name(),
                    String.format(Locale.ROOT, "%.4f", row.path("CMI").path("accuracy").asDouble()),
                    String.format(Locale.ROOT, "%.4f", row.path("SC").path("accuracy").asDouble()), i + 1, variants.size(),
                    Math.round(elapsed / 60), Math.round(elapsed / (i + 1) * (variants.size() - i - 1) / 60));
        }
        // each unit: added alone to the paper's classifier, and taken out of all; paired bootstraps of the differences
        ArrayNode contributions = results.putArray("components");
        long draw = o.seed();
        for (String u : units(all)) {
            ObjectNode c = contributions.addObject().put("component", u);
            // alone: against what it needs, so that a part of the counts is not credited with the counts themselves
            List<String> needs = prerequisites(u);
            String without = needs.isEmpty() ? PAPER : "+ " + needs.get(needs.size() - 1);
            ObjectNode alone = c.putObject("alone").put("variant", "+ " + u).put("versus", without);
            ObjectNode within = c.putObject("within_all").put("variant", ALL).put("versus", "all - " + u);
            for (int m = 0; m < 2; m++) {
                int[] actual = m == 0 ? cmi : sc;
                String measure = AccuracyReport.MEASURES.get(m);
                alone.set(measure, bootstrap(actual, predictions.get("+ " + u)[m], predictions.get(without)[m], draw++));
                within.set(measure, bootstrap(actual, predictions.get(ALL)[m], predictions.get("all - " + u)[m], draw++));
            }
        }
        AtomicFiles.writeString(o.out().resolve("ablation.json"), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(results));
        AblationWriter.write(results, o.out());
        return results;
    }

    private static ObjectNode summary(Metrics m) {
        return Json.mapper().createObjectNode().put("accuracy", m.accuracy()).put("macro_f1", m.macroF1())
                .put("mean_absolute_error", m.meanAbsoluteError());
    }

    /**
     * Accuracy of {@code mine} minus that of {@code theirs} on the same pairs, and its 2.5% and 97.5% quantiles over
     * resamples of the pairs with replacement.
     */
    static ObjectNode bootstrap(int[] actual, int[] mine, int[] theirs, long seed) {
        int n = actual.length;
        int[] delta = new int[n]; // +1 where only mine is right, -1 where only theirs is
        double observed = 0;
        for (int i = 0; i < n; i++) {
            delta[i] = (mine[i] == actual[i] ? 1 : 0) - (theirs[i] == actual[i] ? 1 : 0);
            observed += delta[i];
        }
        Random random = new Random(seed);
        double[] draws = new double[RESAMPLES];
        for (int b = 0; b < RESAMPLES; b++) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                sum += delta[random.nextInt(n)];
            }
            draws[b] = (double) sum / n;
        }
        java.util.Arrays.sort(draws);
        return Json.mapper().createObjectNode().put("accuracy_difference", observed / n)
                .put("low", draws[(int) Math.floor(0.025 * (RESAMPLES - 1))])
                .put("high", draws[(int) Math.ceil(0.975 * (RESAMPLES - 1))]);
    }

    static String slug(String name) {
        return name.replace("'s", "").replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "").toLowerCase(Locale.ROOT);
    }
}
