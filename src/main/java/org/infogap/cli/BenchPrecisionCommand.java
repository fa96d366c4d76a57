package org.infogap.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.infogap.annotate.LabelledPairs;
import org.infogap.data.Split;
import org.infogap.eval.StoragePrecision;
import org.infogap.model.ModelBundle;
import org.infogap.store.FeatureStore;
import org.infogap.store.Precision;
import org.infogap.train.ExampleBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "precision", mixinStandardHelpOptions = true,
        description = "What each storage precision of image features (float32, float16, 8-bit) does to a classifier's "
            + "predictions of the test split: levels changed, the largest and mean probability shift, bytes per image.")
final class BenchPrecisionCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "models/classifier/best.zip", description = "Classifier bundle. Default: ${DEFAULT-VALUE}")
    Path model;

    @Option(names = "--pairs", defaultValue = "datasets/default/labelled.jsonl",
            description = "Labelled pairs (annotations export format). Default: ${DEFAULT-VALUE}")
    Path pairs;

    @picocli.CommandLine.Mixin
    FeatureOptions features;

    @Override
    public Integer call() throws Exception {
        ModelBundle bundle = ModelBundle.load(model);
        List<LabelledPairs.Labelled> test = LabelledPairs.read(pairs).stream().filter(l -> l.split() == Split.TEST).toList();
        ExampleBuilder builder = ExampleBuilder.forBundle(bundle, features.weightsFor(model), features.featureCache);
        // computed afresh, not read from the store: those are its precision's values already
        java.util.Map<Path, float[]> raw = new java.util.LinkedHashMap<>();
        test.forEach(l -> raw.computeIfAbsent(l.pair().imagePath(), builder.encoder()::features));
        System.out.printf(Locale.ROOT, "%s: %d test pairs, %d images, %d floats per image (store default %s)%n", model,
                test.size(), raw.size(), raw.values().iterator().next().length, FeatureStore.DEFAULT_PRECISION);
        System.out.printf(Locale.ROOT, "%-8s %14s %15s %16s %16s %s%n", "storage", "bytes/image", "levels changed",
                "max |dp|", "mean |dp|", "keeps predictions");
        for (StoragePrecision.Effect e : StoragePrecision.compare(bundle, builder, test, raw, List.of(Precision.values()))) {
            System.out.printf(Locale.ROOT, "%-8s %14d %15d %16.6f %16.6f %s%n", e.precision(), e.bytesPerImage(),
                    e.levelsChanged(), e.maxShift(), e.meanShift(), e.keepsPredictions() ? "yes" : "no");
        }
        return 0;
    }
}
