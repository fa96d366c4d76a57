package org.infogap.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.infogap.annotate.LabelledPairs;
import org.infogap.eval.LearningCurve;
import org.infogap.labelling.LabellingQueue;
import org.infogap.labelling.Uncertainty;
import org.infogap.train.ExampleBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "active-learning", mixinStandardHelpOptions = true,
        description = "The labelling queue's learning curve: test-split CL accuracy against 100, 200, 400 and 800 labels "
            + "when labels come in random order and when the most uncertain pairs come first, several seeds each. "
            + "Labelling is simulated from the labelled file's own labels; each point is one train-classifier run "
            + "in a child JVM. Writes OUT/learning-curve.md, .json and .png.")
final class BenchActiveLearningCommand implements Callable<Integer> {

    @Option(names = "--labelled", defaultValue = "datasets/default/labelled.jsonl",
            description = "Labelled pairs (annotations export): the train split is the pool, the test split measures. "
                + "Default: ${DEFAULT-VALUE}")
    Path labelled;

    @Option(names = "--autoencoder", defaultValue = "models/autoencoder/best.zip",
            description = "Autoencoder bundle every classifier starts from. Default: ${DEFAULT-VALUE}")
    Path autoencoder;

    @Option(names = "--labels", split = ",", defaultValue = "100,200,400,800",
            description = "Label counts, ascending. Default: ${DEFAULT-VALUE}")
    int[] sizes;

    @Option(names = "--seeds", defaultValue = "3", description = "Seeds per order. Default: ${DEFAULT-VALUE}")
    int seeds;

    @Option(names = "--seed", defaultValue = "1", description = "The first seed. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--uncertainty", split = ",", defaultValue = "entropy,margin",
            description = "Uncertainty orders to compare with random (entropy, margin). Default: ${DEFAULT-VALUE}")
    List<String> measures;

    @Option(names = "--diverse", description = "Also run each uncertainty order with diverse batches: drawn by "
            + "uncertainty times the squared distance to the nearest chosen pair's article embedding.")
    boolean diverse;

    @Option(names = "--random-share", defaultValue = "" + LabellingQueue.DEFAULT_RANDOM_SHARE,
            description = "Share of an uncertainty order's places given to random pairs. Default: ${DEFAULT-VALUE}")
    double randomShare;

    @Option(names = "--validation-fraction", defaultValue = "0.15",
            description = "Share of each training's labels that picks its best epoch. Default: ${DEFAULT-VALUE}")
    double validationFraction;

    @Option(names = "--out", defaultValue = "models/active-learning", description = "Output folder (trainings are "
            + "kept there and reused when the same labels are asked for again). Default: ${DEFAULT-VALUE}")
    Path out;

    @Mixin
    ModelOptions model;

    @Override
    public Integer call() throws Exception {
        int[] sorted = sizes.clone();
        Arrays.sort(sorted);
        if (!Arrays.equals(sorted, sizes)) {
            throw new IllegalArgumentException("--labels must be ascending, got " + Arrays.toString(sizes));
        }
        Path weights = model.features.weightsFor(autoencoder);
        List<Uncertainty> orders = measures.stream()
                .map(m -> Uncertainty.valueOf(m.trim().toUpperCase(java.util.Locale.ROOT))).toList();
        ChildClassifierTrainer trainer = new ChildClassifierTrainer(autoencoder, weights, model.features.featureCache,
                validationFraction, seed, false, 0);
        LearningCurve.run(new LearningCurve.Options(LabelledPairs.read(labelled), sizes, seeds, seed, orders, diverse, randomShare,
                model.config(ModelOptions.of(autoencoder)), trainer,
                (bundle, pairs) -> ExampleBuilder.forBundle(bundle, weights, model.features.featureCache)
                        .classifierExamples(pairs, bundle.featureNorm()),
                out));
        System.out.println("learning curve -> " + out.resolve("learning-curve.md") + ", .json, .png");
        return 0;
    }
}
