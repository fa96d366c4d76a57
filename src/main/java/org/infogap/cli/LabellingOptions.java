package org.infogap.cli;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.infogap.annotate.AnnotationStore;
import org.infogap.annotate.LabelledPairs;
import org.infogap.data.CmiLevel;
import org.infogap.data.CorpusManifest;
import org.infogap.data.ImageTextPair;
import org.infogap.data.ReadOptions;
import org.infogap.data.ScLevel;
import org.infogap.data.Source;
import org.infogap.data.Split;
import org.infogap.labelling.Annotators;
import org.infogap.labelling.LabellingPage;
import org.infogap.labelling.LabellingQueue;
import org.infogap.labelling.Uncertainty;
import org.infogap.model.ModelBundle;
import org.infogap.model.Predictor;
import org.infogap.train.ExampleBuilder;
import picocli.CommandLine.Option;

/** What the labelling page shows and in which order: shared by {@code annotate} and {@code serve}. */
final class LabellingOptions {

    @Option(names = "--label-corpus", paramLabel = "MANIFEST", defaultValue = "datasets/default/corpus.json",
            description = "Corpus whose pairs are labelled. Default: ${DEFAULT-VALUE}")
    Path corpus;

    @Option(names = "--label-sources", split = ",", defaultValue = "bbc,wiki",
            description = "Which of the corpus's sources to label (bbc, wiki, coco): the annotation tools labelled BBC "
                + "News and Simple Wikipedia pairs. Default: ${DEFAULT-VALUE}")
    List<String> sources;

    @Option(names = "--review", paramLabel = "LABELLED",
            description = "Review a labelled-pairs file (annotations export) instead: its pairs, with its label shown.")
    Path review;

    @Option(names = "--order-model", paramLabel = "BUNDLE",
            description = "Classifier bundle: offer the pairs it is least sure of first (a share random, test split "
                + "never reordered). Without it: a seeded random order.")
    Path orderModel;

    @Option(names = "--uncertainty", defaultValue = "entropy", paramLabel = "entropy|margin",
            description = "How --order-model's uncertainty is measured. Default: ${DEFAULT-VALUE}")
    String uncertainty;

    @Option(names = "--random-share", defaultValue = "" + LabellingQueue.DEFAULT_RANDOM_SHARE,
            description = "Share of the places of a model-ordered queue given to random pairs. Default: ${DEFAULT-VALUE}")
    double randomShare;

    @Option(names = "--batch", defaultValue = "top", paramLabel = "top|diverse",
            description = "With --order-model: top takes the least sure in order; diverse draws each next pair by its "
                + "uncertainty times its distance to the pairs before it and those already labelled (article "
                + "embeddings). Neither beat random order by more than the noise in bench active-learning "
                + "(docs/labelling.md). Default: ${DEFAULT-VALUE}")
    String batch;

    @Option(names = "--order-seed", defaultValue = "1", description = "Seed of the random order. Default: ${DEFAULT-VALUE}")
    long seed;

    /** The page on {@code store}, for {@code annotators}, mounted at {@code mount}; image features as {@code features} say. */
    LabellingPage page(Vertx vertx, AnnotationStore store, Annotators annotators, String mount, FeatureOptions features)
            throws IOException {
        List<LabellingPage.Item> items = new ArrayList<>();
        if (review != null) {
            for (LabelledPairs.Labelled l : LabelledPairs.read(review)) {
                items.add(new LabellingPage.Item(l.pair(), new AnnotationStore.PageLabel(l.pair().key(), l.cmi(), l.sc(),
                        l.imageType(), l.snippets())));
            }
        } else {
            Set<Source> wanted = sources.stream().map(s -> Source.valueOf(s.trim().toUpperCase(Locale.ROOT)))
                    .collect(Collectors.toSet());
            try (var pairs = CorpusManifest.read(corpus).pairs(ReadOptions.strict())) {
                pairs.filter(p -> wanted.contains(p.source())).forEach(p -> items.add(new LabellingPage.Item(p, null)));
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException((review != null ? review : corpus + " (sources " + sources + ")")
                    + " has no pairs to label");
        }
        Map<String, LabellingPage.Item> byKey = new HashMap<>();
        items.forEach(i -> byKey.put(i.pair().key(), i));
        List<String> train = items.stream().filter(i -> i.pair().split() != Split.TEST).map(i -> i.pair().key()).toList();
        List<String> test = items.stream().filter(i -> i.pair().split() == Split.TEST).map(i -> i.pair().key()).toList();
        Uncertainty measure = Uncertainty.valueOf(uncertainty.toUpperCase(Locale.ROOT));
        boolean diverse = switch (batch) {
            case "diverse" -> true;
            case "top" -> false;
            default -> throw new IllegalArgumentException("--batch must be diverse or top, got " + batch);
        };
        Map<String, Double> scores = null;
        Map<String, float[]> embedding = null;
        if (orderModel != null) {
            Map<String, Predictor.Prediction> predicted = predict(orderModel, train.stream().map(byKey::get).toList(),
                    features);
            scores = new HashMap<>();
            for (var e : predicted.entrySet()) {
                scores.put(e.getKey(), measure.of(e.getValue()));
            }
            if (diverse) {
                embedding = new HashMap<>();
                for (var e : predicted.entrySet()) {
                    embedding.put(e.getKey(), e.getValue().article());
                }
            }
        }
        // only the diverse rule reads which pairs are labelled already: it draws away from them
        Set<String> labelled = embedding == null ? Set.of()
                : store.labels().stream().map(l -> l.pair().key()).collect(Collectors.toSet());
        List<LabellingPage.Item> queue = LabellingQueue.order(train, test, scores, embedding, labelled, randomShare, seed)
                .stream().map(byKey::get).toList();
        String order = orderModel == null ? "random (seed " + seed + ")"
                : String.format(Locale.ROOT, "least sure first%s (%s of %s), %.0f%% random, test split in random order",
                diverse ? " and spread" : "", measure.name().toLowerCase(Locale.ROOT), orderModel.getFileName(),
                100 * randomShare);
        return new LabellingPage(vertx, store, queue, annotators, order, mount);
    }

    /** The bundle's prediction of each pair, by key. */
    private static Map<String, Predictor.Prediction> predict(Path bundlePath, List<LabellingPage.Item> items,
                                                             FeatureOptions features) throws IOException {
        ModelBundle bundle = ModelBundle.load(bundlePath);
        // the examples carry a label; prediction never reads it, so unlabelled pairs get a placeholder
        List<LabelledPairs.Labelled> pairs = items.stream().map(i -> new LabelledPairs.Labelled(i.pair(), CmiLevel.L0,
                ScLevel.NEG1, "", List.of(), 0, i.pair().split())).toList();
        System.out.printf("ordering %d pairs by %s's uncertainty%n", pairs.size(), bundlePath);
        List<Predictor.Prediction> predictions = new Predictor(bundle).predict(
                ExampleBuilder.forBundle(bundle, features.weightsFor(bundlePath), features.featureCache)
                        .classifierExamples(pairs, bundle.featureNorm()));
        Map<String, Predictor.Prediction> out = new HashMap<>();
        predictions.forEach(p -> out.put(p.key(), p));
        return out;
    }
}
