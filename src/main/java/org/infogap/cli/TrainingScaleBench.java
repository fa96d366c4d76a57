package org.infogap.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.infogap.data.CorpusManifest;
import org.infogap.data.ImageTextPair;
import org.infogap.data.ReadOptions;
import org.infogap.io.Json;
import org.infogap.io.ProcessMemory;
import org.infogap.model.ImageEncoder;
import org.infogap.model.ModelConfig;
import org.infogap.store.FeatureStore;

/**
 * What data preparation and the autoencoder cost as a COCO-shaped corpus grows (5 captions per image): each stage
 * runs as {@code make run} runs it, in a child JVM whose peak resident memory is read while it runs. The feature
 * pass computes InceptionV3 features for the first {@value #REAL_FEATURES} images and stores synthetic ones under
 * the other images' hashes (the autoencoder's cost does not depend on the values); the autoencoder stops after
 * {@value #STEPS} steps of its first epoch, with every pair of the corpus as its training set.
 */
final class TrainingScaleBench {

    /** The figures at one corpus size. */
    record Row(int pairs, int images, double generateSeconds, double vocabSeconds, double vocabPeakMiB,
               double word2vecSeconds, double word2vecPeakMiB, double hashSecondsPer10k, double featureSecondsPer10k,
               double aeSecondsPer1000Pairs, double aePeakMiB, double aeRssMiB, double aeTotalSeconds) {
    }

    static final int REAL_FEATURES = 1000;
    static final int STEPS = 40;
    /**
     * The heap of the measured stages, the same at every size: with the parent's (6 GiB) a JVM grows its heap under
     * the allocation of reading records one after another, and its peak says more about the collector than about
     * what the stage holds. That every size runs within this heap is part of the figure.
     */
    static final String HEAP = "-Xmx2g";

    private TrainingScaleBench() {
    }

    static List<Row> run(List<Integer> sizes, Path work, Path weights) throws Exception {
        Files.createDirectories(work);
        List<Row> rows = new ArrayList<>();
        for (int pairs : sizes) {
            Path dir = work.resolve("corpus-" + pairs);
            Path manifest = dir.resolve("corpus.json");
            double generate = Child.run(work, "generate-" + pairs, List.of(), "generate", "--out", dir.toString(),
                    "--unlabelled", Integer.toString(pairs), "--labelled", "0", "--coco-only", "--seed", "34").seconds;
            Child vocab = Child.run(work, "vocab-" + pairs, List.of(HEAP), "vocab", "--corpus", manifest.toString(), "--out",
                    work.resolve("vocab-" + pairs + ".txt").toString());
            Child w2v = Child.run(work, "word2vec-" + pairs, List.of(HEAP), "word2vec", "--corpus", manifest.toString(), "--out",
                    work.resolve("word2vec-" + pairs + ".zip").toString());
            int[] count = {0};
            java.util.Set<Path> distinct = new java.util.LinkedHashSet<>();
            try (java.util.stream.Stream<ImageTextPair> read = CorpusManifest.read(manifest).pairs(ReadOptions.strict())) {
                read.forEach(p -> {
                    count[0]++;
                    distinct.add(p.imagePath());
                });
            }
            List<Path> images = List.copyOf(distinct);
            // a store per size: the generator draws the same first images at every size, and each size times them
            Path cache = work.resolve("features-" + pairs);
            double[] features = featurePass(ModelConfig.generated(), weights, images, cache);
            Path stats = work.resolve("ae-" + pairs + ".json");
            Files.deleteIfExists(stats);
            List<String> ae = new ArrayList<>(List.of("train-autoencoder", "--corpus", manifest.toString(), "--vocab",
                    work.resolve("vocab-" + pairs + ".txt").toString(), "--word2vec",
                    work.resolve("word2vec-" + pairs + ".zip").toString(), "--feature-cache", cache.toString(),
                    "--out", work.resolve("ae-" + pairs).toString(), "--config", "generated",
                    "--set", "matchEpochs=0")); // the autoencoder's own steps: the match head's warm-up is another loop
            ae.addAll(weights == null ? List.of("--image-weights", "random") : List.of("--image-weights", weights.toString()));
            Child trained = Child.run(work, "autoencoder-" + pairs, List.of(HEAP, "-Dinfogap.train.maxSteps=" + STEPS,
                    "-Dinfogap.train.stats=" + stats), ae.toArray(String[]::new));
            JsonNode s = Json.mapper().readTree(stats.toFile());
            Row row = new Row(count[0], images.size(), generate, vocab.seconds, vocab.peakMiB, w2v.seconds, w2v.peakMiB,
                    features[0] / images.size() * 10_000, features[1], s.path("seconds_per_1000_pairs").asDouble(),
                    trained.peakMiB, s.path("rss_bytes").asDouble() / (1 << 20), trained.seconds);
            rows.add(row);
            System.out.print(table(List.of(row)));
        }
        return rows;
    }

    /**
     * Seconds to hash every image, and seconds per 10,000 images of InceptionV3 features (timed on the first
     * {@value #REAL_FEATURES}); the other images get synthetic features under their own hashes.
     */
    private static double[] featurePass(ModelConfig c, Path weights, List<Path> images, Path cache) throws IOException {
        ImageEncoder encoder = ImageEncoder.create(c, weights);
        try (FeatureStore store = FeatureStore.open(cache, encoder.id(), encoder.featureLength())) {
            long t0 = System.nanoTime();
            List<Path> real = images.subList(0, Math.min(REAL_FEATURES, images.size()));
            long computedBefore = encoder.computed();
            encoder.ensure(real, store);
            long computed = encoder.computed() - computedBefore;
            double perTenThousand = computed == 0 ? Double.NaN : (System.nanoTime() - t0) / 1e9 / computed * 10_000;
            long t1 = System.nanoTime();
            Random random = new Random(34);
            float[] synthetic = new float[encoder.featureLength()];
            for (int d = 0; d < synthetic.length; d++) {
                synthetic[d] = Math.max(0f, (float) random.nextGaussian());
            }
            for (Path image : images.subList(real.size(), images.size())) {
                String hash = org.infogap.io.Hashes.sha256(image);
                if (!store.contains(hash)) {
                    store.put(hash, synthetic);
                    if (store.pendingCount() >= 512) {
                        store.flush();
                    }
                }
            }
            store.flush();
            return new double[] {(System.nanoTime() - t1) / 1e9, perTenThousand};
        }
    }

    static String table(List<Row> rows) {
        StringBuilder s = new StringBuilder("| pairs | images | generate s | vocab s / 10k img | vocab peak MiB | word2vec s / 10k img "
                + "| word2vec peak MiB | hashing s / 10k img | InceptionV3 s / 10k img | autoencoder s / 1,000 pairs "
                + "| autoencoder peak MiB | autoencoder s (start to stop) |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            double per = 10_000.0 / r.images();
            s.append(String.format(Locale.ROOT, "| %,d | %,d | %.0f | %.1f | %.0f | %.1f | %.0f | %.1f | %.0f | %.1f | %.0f | %.0f |%n",
                    r.pairs(), r.images(), r.generateSeconds(), r.vocabSeconds() * per, r.vocabPeakMiB(),
                    r.word2vecSeconds() * per, r.word2vecPeakMiB(), r.hashSecondsPer10k(), r.featureSecondsPer10k(),
                    r.aeSecondsPer1000Pairs(), r.aePeakMiB(), r.aeTotalSeconds()));
        }
        return s.toString();
    }

    /** An {@code infogap} command in a child JVM: its time and the peak resident memory read while it ran. */
    private record Child(double seconds, double peakMiB) {

        static Child run(Path work, String name, List<String> jvmOptions, String... args) throws Exception {
            List<String> command = ChildProcess.infogap();
            command.addAll(command.indexOf("-cp"), jvmOptions); // after the parent's options: a later -Xmx wins
            command.addAll(List.of(args));
            Path log = work.resolve(name + ".log");
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            double peak = Double.NaN;
            while (p.isAlive()) {
                long hwm = ProcessMemory.statusBytes(p.pid(), "VmHWM:"); // -1 once it has ended: keep the last
                if (hwm >= 0) {
                    peak = hwm / (1024.0 * 1024);
                }
                Thread.sleep(100);
            }
            if (p.exitValue() != 0) {
                throw new IOException(name + " failed (exit " + p.exitValue() + "); see " + log);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%s: %.1f s, peak resident %.0f MiB%n", name, seconds, peak);
            return new Child(seconds, peak);
        }
    }

    static Map<String, Object> describe() {
        return Map.of("real_features", REAL_FEATURES, "autoencoder_steps", STEPS, "heap", HEAP);
    }
}
