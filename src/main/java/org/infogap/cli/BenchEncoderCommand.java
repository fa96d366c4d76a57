package org.infogap.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.infogap.io.AtomicFiles;
import org.infogap.io.Json;
import org.infogap.model.EncoderBench;
import org.infogap.model.ModelBundle;
import org.infogap.model.Predictor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "encoder", mixinStandardHelpOptions = true,
        description = "Speed of InceptionV3 (images/s per input size and batch, as trained and with batch norm folded) "
            + "and of the text encoder + heads on cached image features (pairs/s). With --peer, the ratio to "
            + "PyTorch's figures from tools/bench_torch_inception.py.")
final class BenchEncoderCommand implements Callable<Integer> {

    @Option(names = "--sizes", defaultValue = "299,300", split = ",", description = "Input sizes. Default: ${DEFAULT-VALUE}")
    List<Integer> sizes;

    @Option(names = "--batches", defaultValue = "1,16", split = ",", description = "Batch sizes. Default: ${DEFAULT-VALUE}")
    List<Integer> batches;

    @Option(names = "--seconds", defaultValue = "20", description = "Timed seconds per case, after warm-up. Default: ${DEFAULT-VALUE}")
    double seconds;

    @Option(names = "--variants", defaultValue = "as-trained,folded", split = ",",
            description = "InceptionV3 graphs to time: as-trained, folded (batch norm folded into the convolutions), "
                + "train (one end-to-end training step, fineTuneImage). Default: ${DEFAULT-VALUE}")
    List<String> variants;

    @Option(names = "--model", description = "A classifier bundle: also time its text side on cached features")
    Path model;

    @Option(names = "--text-batch", defaultValue = "16", description = "Pairs per text-side pass. Default: ${DEFAULT-VALUE}")
    int textBatch;

    @Option(names = "--peer", description = "PyTorch's figures (JSON from tools/bench_torch_inception.py): print the ratio")
    Path peer;

    @Option(names = "--out", defaultValue = "models/bench-encoder.json", description = "Figures as JSON. Default: ${DEFAULT-VALUE}")
    Path out;

    @Override
    public Integer call() throws Exception {
        for (String v : variants) {
            if (!v.equals("as-trained") && !v.equals("folded") && !v.equals("train")) {
                throw new IllegalArgumentException("--variants: unknown variant '" + v + "' (as-trained, folded, train)");
            }
        }
        List<EncoderBench.Result> results = new ArrayList<>();
        for (int size : sizes) {
            for (int batch : batches) {
                for (String v : variants) {
                    EncoderBench.Result r = v.equals("train") ? EncoderBench.inceptionTraining(size, batch, seconds)
                            : EncoderBench.inception(size, batch, seconds, v.equals("folded"));
                    System.out.printf(Locale.ROOT, "%s %s, %d px, batch %d: %.1f ms/image%n", r.what(), r.variant(), size, batch,
                            r.msPerItem());
                    results.add(r);
                }
            }
        }
        if (model != null) {
            Predictor predictor = new Predictor(ModelBundle.load(model));
            var config = predictor.bundle().config();
            results.add(EncoderBench.textSide(predictor, textBatch, Math.min(5, config.text().maxSentences()),
                    Math.min(15, config.text().maxTokens()), seconds));
        }
        System.out.print(EncoderBench.table(results));
        var json = Json.mapper().createObjectNode().put("cores", Runtime.getRuntime().availableProcessors())
                .put("backend", org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName())
                .put("omp_num_threads", String.valueOf(System.getenv("OMP_NUM_THREADS")));
        json.set("results", Json.mapper().valueToTree(results));
        if (peer != null) {
            json.set("peer", ratios(results, Json.mapper().readTree(Files.readString(peer))));
        }
        AtomicFiles.writeString(out, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
        return 0;
    }

    /** DL4J ms/image over PyTorch ms/image for every size and batch both measured, best DL4J variant. */
    private static JsonNode ratios(List<EncoderBench.Result> results, JsonNode peer) {
        var list = Json.mapper().createArrayNode();
        for (JsonNode p : peer.path("results")) {
            int size = p.path("size").asInt();
            int batch = p.path("batch").asInt();
            double torchMs = p.path("ms_per_image").asDouble();
            results.stream().filter(r -> r.what().equals("InceptionV3") && r.size() == size && r.batch() == batch)
                    .min(java.util.Comparator.comparingDouble(EncoderBench.Result::msPerItem)).ifPresent(best -> {
                        double ratio = best.msPerItem() / torchMs;
                        System.out.printf(Locale.ROOT, "%d px, batch %d: DL4J %.1f ms/image (%s), PyTorch %.1f: %.2fx%n", size,
                                batch, best.msPerItem(), best.variant(), torchMs, ratio);
                        list.addObject().put("size", size).put("batch", batch).put("dl4j_ms_per_image", best.msPerItem())
                                .put("dl4j_variant", best.variant()).put("torch_ms_per_image", torchMs).put("ratio", ratio);
                    });
        }
        return list;
    }
}
