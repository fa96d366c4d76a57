package org.infogap.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.infogap.data.CorpusManifest;
import org.infogap.data.ImageTextPair;
import org.infogap.data.ReadOptions;
import org.infogap.model.Example;
import org.infogap.model.ImageEncoder;
import org.infogap.model.ModelBundle;
import org.infogap.model.Predictor;
import org.infogap.io.ProcessMemory;
import org.infogap.model.NativeBuild;
import org.infogap.train.ExampleBuilder;

/**
 * {@code bench}: what the Spark jobs cost on this machine against the same work in one process, at two sizes each, so
 * that the fixed cost of a job and the cost per image or pair separate (a line through the two points). Spark runs
 * {@code local[1]} then {@code local[2]} in this JVM; the bundle is loaded once before either (its load time is
 * printed apart: a job on a fresh executor pays it once per executor).
 */
final class SparkBench {

    static final int CANDIDATES = 20;

    /** One measurement: an engine did {@code work} units (images or pairs) in {@code seconds}. */
    record Point(String engine, String job, int work, double seconds) {
    }

    private SparkBench() {
    }

    static List<Point> run(Path corpus, Path bundlePath, Path weights, int[] images, int[] queries, Path work)
            throws IOException {
        int most = java.util.Arrays.stream(images).max().orElseThrow();
        List<ImageTextPair> pairs = distinctImages(corpus, Math.max(most, CANDIDATES));
        if (images[0] < CANDIDATES) {
            throw new IllegalArgumentException("--images: at least " + CANDIDATES + " per job (a query's candidates)");
        }
        if (pairs.size() < most) {
            throw new IOException(corpus + ": " + pairs.size() + " distinct images, the benchmark asks for " + most);
        }
        long t0 = System.nanoTime();
        ModelBundle bundle = ModelBundle.load(bundlePath);
        ImageEncoder encoder = ImageEncoder.forBundle(bundle, weights);
        Predictor predictor = new Predictor(bundle);
        ExampleBuilder text = new ExampleBuilder(bundle.config(), bundle.vocabulary(), null, null);
        double load = seconds(t0);
        encoder.features(pairs.subList(0, 16).stream().map(p -> encoder.loader().load(p.imagePath())).toList()); // warm-up
        NativeBuild.Choice build = NativeBuild.chosen();
        System.out.println(NativeBuild.cpuSummary(NativeBuild.cpuinfo()) + "; " + Runtime.getRuntime().availableProcessors()
                + " cores; native build " + (build == null ? "not selected" : build.build().id()));
        System.out.printf(Locale.ROOT, "bundle, encoder and predictor loaded in %.1f s (once per executor JVM); resident "
                + "size after one batch: %s, heap committed %s%n", load, ProcessMemory.gib(ProcessMemory.residentBytes()),
                ProcessMemory.gib(ProcessMemory.heapCommittedBytes()));

        List<Point> points = new ArrayList<>();
        Map<Path, float[]> features = new LinkedHashMap<>();
        for (int n : images) {
            long t = System.nanoTime();
            for (int from = 0; from < n; from += 16) {
                List<ImageTextPair> batch = pairs.subList(from, Math.min(n, from + 16));
                List<float[]> f = encoder.features(batch.stream().map(p -> encoder.loader().load(p.imagePath())).toList());
                for (int i = 0; i < batch.size(); i++) {
                    features.put(batch.get(i).imagePath(), f.get(i));
                }
            }
            points.add(print(new Point("one process", "embed", n, seconds(t))));
        }
        List<Path> pool = new ArrayList<>(features.keySet());
        score(pairs, pool, features, bundle, text, predictor, 5); // warm-up
        for (int q : queries) {
            long t = System.nanoTime();
            score(pairs, pool, features, bundle, text, predictor, q);
            points.add(print(new Point("one process", "score", q * CANDIDATES, seconds(t))));
        }

        for (String master : List.of("local[1]", "local[2]")) {
            SparkSession spark = SparkSession.builder().master(master).appName("infogap bench")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", master.equals("local[1]") ? "1" : "2").getOrCreate();
            try {
                String engine = "Spark " + master;
                Path dir = Files.createDirectories(work.resolve(master.replaceAll("[^a-z0-9]", "")));
                // warm-up: the executor's holder and Spark's own classes, outside the timings
                SparkEmbed.run(spark, SparkEmbed.Input.table(references(dir, pairs, CANDIDATES), "image"),
                        bundlePath, weights, dir.resolve("warm-up").toString(), 1, SparkEmbed.OnBad.FAIL, true);
                SparkScore.run(spark, candidates(spark, dir, pairs, pool.subList(0, CANDIDATES), 5),
                        dir.resolve("warm-up").toString(), bundlePath, null, null, dir.resolve("warm-up-scored").toString(),
                        0, SparkEmbed.OnBad.FAIL, true);
                String embedded = null;
                for (int n : images) {
                    String refs = references(dir, pairs, n);
                    embedded = dir.resolve("embedded-" + n).toString();
                    long t = System.nanoTime();
                    SparkEmbed.run(spark, SparkEmbed.Input.table(refs, "image"), bundlePath, weights, embedded, 0,
                            SparkEmbed.OnBad.FAIL, true);
                    points.add(print(new Point(engine, "embed", n, seconds(t))));
                }
                for (int q : queries) {
                    String candidates = candidates(spark, dir, pairs, pool, q);
                    long t = System.nanoTime();
                    ShardedOutput.Written w = SparkScore.run(spark, candidates, embedded, bundlePath, null, null,
                            dir.resolve("scored-" + q).toString(), 0, SparkEmbed.OnBad.FAIL, true);
                    if (w.rows() != (long) q * CANDIDATES) {
                        throw new IllegalStateException("scored " + w.rows() + " of " + q * CANDIDATES + " candidates");
                    }
                    points.add(print(new Point(engine, "score", q * CANDIDATES, seconds(t))));
                }
            } finally {
                spark.stop();
            }
        }
        System.out.println();
        System.out.println(table(points));
        System.out.printf("peak resident size of this JVM (driver and executor in one, both Sparks' runs): %s%n",
                ProcessMemory.gib(ProcessMemory.peakResidentBytes()));
        return points;
    }

    /** As the API scores: each text's ids once, its 20 candidates in one pass. */
    private static void score(List<ImageTextPair> pairs, List<Path> pool, Map<Path, float[]> features, ModelBundle bundle,
                              ExampleBuilder text, Predictor predictor, int queries) {
        for (int j = 0; j < queries; j++) {
            List<int[]> ids = text.ids(pairs.get(j % pairs.size()).sentences(), true);
            List<Example> examples = new ArrayList<>(CANDIDATES);
            for (int c = 0; c < CANDIDATES; c++) {
                Path image = pool.get((j + c) % pool.size());
                examples.add(new Example(image.toString(), bundle.featureNorm().apply(features.get(image)), ids, null,
                        -1, -1));
            }
            predictor.predict(examples);
        }
    }

    /** The table: per engine and job, the rate at the larger size, and the line's fixed cost and cost per unit. */
    static String table(List<Point> points) {
        StringBuilder out = new StringBuilder(
                "| engine | job | units | seconds | units/s | fixed cost per job (s) | ms per unit |\n|---|---|---:|---:|---:|---:|---:|\n");
        Map<String, List<Point>> byEngineJob = new LinkedHashMap<>();
        for (Point p : points) {
            byEngineJob.computeIfAbsent(p.engine() + "\u0000" + p.job(), k -> new ArrayList<>()).add(p);
        }
        for (List<Point> ps : byEngineJob.values()) {
            Point small = ps.get(0);
            Point large = ps.get(ps.size() - 1);
            double slope = large.work() == small.work() ? large.seconds() / large.work()
                    : (large.seconds() - small.seconds()) / (large.work() - small.work());
            double fixed = large.seconds() - slope * large.work();
            for (Point p : ps) {
                boolean last = p == large;
                out.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %.1f | %s | %s |%n", p.engine(), p.job(),
                        p.work(), p.seconds(), p.work() / p.seconds(), last ? String.format(Locale.ROOT, "%.2f", fixed) : "",
                        last ? String.format(Locale.ROOT, "%.2f", slope * 1000) : ""));
            }
        }
        return out.toString();
    }

    private static Point print(Point p) {
        System.out.printf(Locale.ROOT, "%s %s: %d in %.2f s (%.1f/s)%n", p.engine(), p.job(), p.work(), p.seconds(),
                p.work() / p.seconds());
        return p;
    }

    private static List<ImageTextPair> distinctImages(Path corpus, int n) throws IOException {
        Map<Path, ImageTextPair> byImage = new LinkedHashMap<>();
        try (var pairs = CorpusManifest.read(corpus).pairs(ReadOptions.strict())) {
            for (var it = pairs.iterator(); it.hasNext() && byImage.size() < n; ) {
                ImageTextPair p = it.next();
                if (p.imagePath() != null) {
                    byImage.putIfAbsent(p.imagePath().toAbsolutePath(), p);
                }
            }
        }
        return new ArrayList<>(byImage.values());
    }

    private static String references(Path dir, List<ImageTextPair> pairs, int n) throws IOException {
        Path file = dir.resolve("references-" + n + ".jsonl");
        List<String> lines = new ArrayList<>();
        for (ImageTextPair p : pairs.subList(0, n)) {
            lines.add("{\"image\": " + org.infogap.io.Json.mapper().writeValueAsString(p.imagePath().toAbsolutePath().toString()) + "}");
        }
        Files.write(file, lines);
        return file.toString();
    }

    private static String candidates(SparkSession spark, Path dir, List<ImageTextPair> pairs, List<Path> pool, int q) {
        List<Row> rows = new ArrayList<>();
        for (int j = 0; j < q; j++) {
            String words = String.join(" ", pairs.get(j % pairs.size()).sentences());
            for (int c = 0; c < CANDIDATES; c++) {
                rows.add(RowFactory.create("q" + j, words, "file:" + pool.get((j + c) % pool.size())));
            }
        }
        String out = dir.resolve("candidates-" + q + ".parquet").toString();
        spark.createDataFrame(rows, SparkScore.CANDIDATES).write().mode(SaveMode.Overwrite).parquet(out);
        return out;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
