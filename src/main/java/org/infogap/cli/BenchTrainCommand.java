package org.infogap.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.infogap.io.AtomicFiles;
import org.infogap.io.Json;
import org.infogap.io.ProcessMemory;
import org.infogap.model.ModelConfig;
import org.infogap.model.NativeBuild;
import org.infogap.train.ClassifierTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Trains a classifier in this one process and prints its resident memory after every epoch, the "
            + "peak, and the ratio of the last epoch's to the first's: whether training's native memory stays bounded.")
final class BenchTrainCommand implements Callable<Integer> {

    @Option(names = "--labelled", defaultValue = "datasets/default/labelled.jsonl",
            description = "Labelled pairs (annotations export). Default: ${DEFAULT-VALUE}")
    Path labelled;

    @Option(names = "--autoencoder", description = "Start the encoder from this autoencoder bundle; default: at random "
            + "(needs --vocab and --word2vec)")
    Path autoencoder;

    @Option(names = "--vocab", defaultValue = "models/vocab.txt", description = "Default: ${DEFAULT-VALUE}")
    Path vocab;

    @Option(names = "--word2vec", defaultValue = "models/word2vec.zip", description = "Default: ${DEFAULT-VALUE}")
    Path word2vec;

    @Option(names = "--epochs", defaultValue = "6", description = "Default: ${DEFAULT-VALUE}")
    int epochs;

    @Mixin
    ModelOptions model;

    @Option(names = "--out", defaultValue = "models/bench-train.json", description = "Figures as JSON. Default: ${DEFAULT-VALUE}")
    Path out;

    @Override
    public Integer call() throws Exception {
        for (Path p : autoencoder != null ? new Path[] {labelled, autoencoder} : new Path[] {labelled, vocab, word2vec}) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException(p + " not found: make data writes the default corpus, vocabulary and "
                        + "Word2Vec (or name your own with --labelled, --vocab, --word2vec)");
            }
        }
        ModelConfig config = model.config(ModelOptions.of(autoencoder)).with(Map.of("classifierEpochs", String.valueOf(epochs)));
        Path dir = Files.createTempDirectory("infogap-bench-train");
        long before = ProcessMemory.residentBytes();
        long t0 = System.nanoTime();
        ArrayNode history = ClassifierTraining.run(new ClassifierTraining.Options(labelled, autoencoder, vocab, word2vec, config,
                autoencoder != null ? model.features.weightsFor(autoencoder) : model.features.weights(), model.features.featureCache, dir, false, 0.15, false, null));
        double seconds = (System.nanoTime() - t0) / 1e9;
        long peak = ProcessMemory.peakResidentBytes();
        System.out.println("| epoch | seconds | resident | Java heap committed | off-heap tracked by JavaCPP | resident - both |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (JsonNode e : history) {
            long rss = e.path("rss_bytes").asLong();
            long heap = e.path("heap_committed_bytes").asLong();
            long offHeap = e.path("offheap_tracked_bytes").asLong();
            System.out.printf(Locale.ROOT, "| %d | %.1f | %s | %s | %s | %s |%n", e.path("epoch").asInt(), e.path("seconds").asDouble(),
                    ProcessMemory.gib(rss), ProcessMemory.gib(heap), ProcessMemory.gib(offHeap), ProcessMemory.gib(rss - heap - offHeap));
        }
        double first = history.get(0).path("rss_bytes").asDouble();
        double last = history.get(history.size() - 1).path("rss_bytes").asDouble();
        System.out.printf(Locale.ROOT, "resident before training %s, peak %s; last epoch / first epoch = %.2f (%s build, %.0f s)%n",
                ProcessMemory.gib(before), ProcessMemory.gib(peak), last / first, NativeBuild.select().build().id(), seconds);
        var json = Json.mapper().createObjectNode().put("native_build", NativeBuild.select().build().id())
                .put("cores", Runtime.getRuntime().availableProcessors()).put("rss_before_bytes", before)
                .put("rss_peak_bytes", peak).put("last_over_first", last / first).put("seconds", seconds);
        json.set("epochs", history);
        AtomicFiles.writeString(out, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
        return 0;
    }
}
