package org.infogap.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.infogap.annotate.LabelledPairs;
import org.infogap.data.Split;
import org.infogap.eval.ImageDependence;
import org.infogap.io.AtomicFiles;
import org.infogap.io.Json;
import org.infogap.model.Example;
import org.infogap.model.ModelBundle;
import org.infogap.train.ExampleBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dependence", mixinStandardHelpOptions = true,
        description = {"Whether a trained classifier reads the image: its test-split accuracy with the images shuffled among "
            + "the test pairs, and the share of 20 other test images that score a lower expected CMI than a text's own "
            + "(0.5: blind to the image); with --autoencoder, its match head against chance. Trains nothing.",
            "Writes OUT/dependence.json; the full report has the same figures for every system (docs/report.md)."})
final class DependenceReportCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "models/classifier/best.zip", description = "Classifier bundle. Default: ${DEFAULT-VALUE}")
    Path model;

    @Option(names = "--labelled", defaultValue = "datasets/default/labelled.jsonl",
            description = "Labelled pairs; their test split is scored. Default: ${DEFAULT-VALUE}")
    Path labelled;

    @Option(names = "--autoencoder", description = "The autoencoder the classifier came from, for its match head's accuracy.")
    Path autoencoder;

    @Option(names = "--seed", defaultValue = "42", description = "Shuffles and candidates. Default: ${DEFAULT-VALUE}")
    long seed;

    @picocli.CommandLine.Mixin
    FeatureOptions features;

    @Option(names = "--out", defaultValue = "models/report", description = "Report folder. Default: ${DEFAULT-VALUE}")
    Path out;

    @Override
    public Integer call() throws Exception {
        ModelBundle bundle = ModelBundle.load(model);
        List<LabelledPairs.Labelled> test = LabelledPairs.read(labelled).stream().filter(l -> l.split() == Split.TEST).toList();
        if (test.size() < 2) {
            throw new IllegalArgumentException(labelled + ": needs at least 2 pairs in the test split, has " + test.size());
        }
        List<Example> examples = ExampleBuilder.forBundle(bundle, features.weightsFor(model), features.featureCache)
                .classifierExamples(test, bundle.featureNorm());
        ObjectNode result = ImageDependence.of(bundle, examples, seed);
        result.put("model", model.toString()).put("labelled", labelled.toString()).put("seed", seed);
        if (autoencoder != null) {
            ObjectNode head = ImageDependence.matchHead(ModelBundle.load(autoencoder));
            if (head != null) {
                result.set("match_head", head);
            }
        }
        Files.createDirectories(out);
        AtomicFiles.writeString(out.resolve("dependence.json"), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
        System.out.printf(Locale.ROOT, "%d test pairs: CMI %.4f, images shuffled %.4f (%+.1f points); SC %.4f, shuffled %.4f (%+.1f)%n",
                examples.size(), result.path("CMI").path("accuracy").asDouble(), result.path("CMI").path("shuffled").asDouble(),
                -100 * result.path("CMI").path("drop").asDouble(), result.path("SC").path("accuracy").asDouble(),
                result.path("SC").path("shuffled").asDouble(), -100 * result.path("SC").path("drop").asDouble());
        System.out.printf(Locale.ROOT, "own image above another for %.1f%% of %d texts that share something with it%n",
                100 * result.path("own_image_auc").asDouble(), result.path("texts").asInt());
        if (result.has("match_head")) {
            System.out.printf(Locale.ROOT, "match head: validation %.3f, training %.3f, chance %.3f (%.1fx)%n",
                    result.path("match_head").path("validation_accuracy").asDouble(),
                    result.path("match_head").path("train_accuracy").asDouble(), result.path("match_head").path("chance").asDouble(),
                    result.path("match_head").path("times_chance").asDouble());
        }
        System.out.println("-> " + out.resolve("dependence.json"));
        return 0;
    }
}
