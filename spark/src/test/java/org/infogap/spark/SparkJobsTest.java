package org.infogap.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.infogap.cli.Main;
import org.infogap.io.Hashes;
import org.infogap.model.ImageEncoder;
import org.infogap.model.ModelBundle;
import org.infogap.model.ModelConfig;
import org.infogap.store.Precision;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark jobs in local[2] on a tiny generated corpus, against the encoder and the predictor run directly. */
class SparkJobsTest {

    @TempDir
    static Path dir;
    static Path bundle;
    static Path images;
    static SparkSession spark;

    static void run(String... args) {
        assertEquals(0, Main.commandLine().execute(args), String.join(" ", args));
    }

    @BeforeAll
    static void tinyClassifier() throws Exception {
        Path corpus = dir.resolve("corpus");
        run("generate", "--out", corpus.toString(), "--unlabelled", "20", "--labelled", "60", "--image-size", "80");
        Path manifest = corpus.resolve("corpus.json");
        run("vocab", "--corpus", manifest.toString(), "--min-count", "2", "--out", dir.resolve("vocab.txt").toString());
        run("word2vec", "--corpus", manifest.toString(), "--dim", "16", "--epochs", "1", "--min-count", "2", "--workers", "1",
                "--out", dir.resolve("w2v.zip").toString());
        String store = dir.resolve("a.db").toString();
        run("annotations", "import", "--store", store, "--corpus", manifest.toString(),
                corpus.resolve("labels/bbc_annotations.jsonl").toString(), corpus.resolve("labels/wiki_annotations.jsonl").toString());
        Path labelled = dir.resolve("labelled.jsonl");
        run("annotations", "export", "--store", store, "--split", "corpus", "--out", labelled.toString());
        ModelConfig tiny = ModelConfig.generated().with(Map.of("imageSize", "75", "imageDim", "8", "sentenceDim", "8",
                "textDim", "8", "articleDim", "16", "wordDim", "16", "thumbnail", "2", "classifierHidden", "8",
                "classifierEpochs", "1")).with(Map.of("maxSentences", "10", "maxTokens", "12"));
        Path config = Files.writeString(dir.resolve("tiny.json"), tiny.toJson());
        run("train-classifier", "--labelled", labelled.toString(), "--no-autoencoder", "--config", config.toString(),
                "--vocab", dir.resolve("vocab.txt").toString(), "--word2vec", dir.resolve("w2v.zip").toString(),
                "--feature-cache", dir.resolve("features").toString(), "--out", dir.resolve("cl").toString(),
                "--image-weights", "random");
        bundle = dir.resolve("cl/best.zip");
        images = corpus;
        spark = SparkSession.builder().master("local[2]").appName("infogap-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @Test
    void candidateListsScoreAsThePredictorScoresThemWithEachTextOnce() throws Exception {
        Path copies = dir.resolve("to-score");
        Files.createDirectories(copies);
        List<Path> originals;
        try (Stream<Path> s = Files.walk(images)) {
            originals = s.filter(p -> p.toString().matches(".*\\.(jpg|png)")).sorted().limit(8).toList();
        }
        for (int i = 0; i < originals.size(); i++) {
            Files.copy(originals.get(i), copies.resolve("img" + i + extension(originals.get(i))));
        }
        String embedded = dir.resolve("to-score.parquet").toString();
        assertEquals(0, embed(copies.toString(), embedded, 0).errors());
        String[] texts = {"A red circle on the left. The square is blue.", "The river is about 321 km long."};
        List<Row> input = new java.util.ArrayList<>();
        Dataset<Row> written = ShardedOutput.read(spark, embedded);
        String pathOf2 = written.filter(written.col("path").endsWith("/img2" + extension(originals.get(2)))).first()
                .getAs("path");
        for (int i = 0; i < originals.size(); i++) {
            // by id, and two by content hash and by path as embed read them
            String image = i == 1 ? Hashes.sha256(originals.get(1)) : i == 2 ? pathOf2 : "img" + i;
            input.add(org.apache.spark.sql.RowFactory.create("q" + (i % 2), texts[i % 2], image));
        }
        input.add(org.apache.spark.sql.RowFactory.create("q0", texts[0], "no-such-image"));
        input.add(org.apache.spark.sql.RowFactory.create("q-empty", " ", "img0"));
        Dataset<Row> candidates = spark.createDataFrame(input, SparkScore.CANDIDATES);
        String table = dir.resolve("candidates.parquet").toString();
        candidates.write().parquet(table);
        String out = dir.resolve("scored").toString();
        ShardedOutput.Written w = SparkScore.run(spark, table, embedded, bundle, 0.25, null, out, 2, SparkEmbed.OnBad.SKIP,
                false);
        assertEquals(2, w.shards());
        List<Row> refused = ShardedOutput.errors(spark, out).orderBy("stage").collectAsList();
        assertEquals(2, refused.size(), refused.toString());
        assertEquals(List.of("q0 no-such-image", "match", "UnknownImage"), List.of(refused.get(0).getString(0),
                refused.get(0).getString(1), refused.get(0).getString(2)), "the API's 404, as an error row");
        assertEquals(List.of("q-empty", "text"), List.of(refused.get(1).getString(0), refused.get(1).getString(1)));
        List<Row> scored = ShardedOutput.read(spark, out).orderBy("query_id", "image").collectAsList();
        assertEquals(originals.size(), scored.size());
        assertEquals(originals.size(), w.rows());
        IOException failed = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> SparkScore.run(spark,
                table, embedded, bundle, 0.25, null, dir.resolve("scored-strict").toString(), 0, SparkEmbed.OnBad.FAIL,
                false));
        assertTrue(failed.getMessage().contains("q0 no-such-image") || failed.getMessage().contains("q-empty"),
                failed.getMessage());

        ModelBundle b = ModelBundle.load(bundle);
        org.infogap.model.Predictor predictor = new org.infogap.model.Predictor(b);
        org.infogap.train.ExampleBuilder text = new org.infogap.train.ExampleBuilder(b.config(), b.vocabulary(), null, null);
        ImageEncoder encoder = ImageEncoder.forBundle(b, null);
        for (Row r : scored) {
            String image = r.getAs("image");
            int i = image.startsWith("img") ? Integer.parseInt(image.substring(3)) : image.equals(pathOf2) ? 2 : 1;
            List<int[]> ids = text.ids(new org.infogap.text.SentenceSplitter().split(texts[i % 2]), true);
            float[] f = Precision.FLOAT16.decode(Precision.FLOAT16.encode(encoder.features(originals.get(i))), encoder.featureLength());
            org.infogap.model.Predictor.Prediction p = predictor.predict(List.of(new org.infogap.model.Example("x",
                    b.featureNorm().apply(f), ids, null, -1, -1))).get(0);
            assertEquals("q" + (i % 2), r.getAs("query_id"));
            assertEquals(p.cmi().value(), r.<Double>getAs("cmi_level"), r.toString());
            assertEquals(p.expectedSc(), r.<Double>getAs("sc_expected"), 1e-5, r.toString());
            List<Float> probabilities = r.getList(r.fieldIndex("cmi_probabilities"));
            for (int k = 0; k < 5; k++) {
                assertEquals(p.cmiProbabilities()[k], probabilities.get(k), 1e-5, r.toString());
            }
            assertEquals(p.cmi().value() >= 0.25, r.<Boolean>getAs("keep"));
            assertEquals(Hashes.sha256(bundle), r.getAs("model_sha256"));
        }
    }

    static ShardedOutput.Written embed(String folder, String out, int shards) throws IOException {
        return SparkEmbed.run(spark, SparkEmbed.Input.folder(folder), bundle, null, out, shards, SparkEmbed.OnBad.SKIP, false);
    }

    @Test
    void aTableOfReferencesIsReadThroughHadoopAndWhatCannotBeReadIsAnErrorRowOrFailsTheJob() throws Exception {
        List<Path> originals;
        try (Stream<Path> s = Files.walk(images)) {
            originals = s.filter(p -> p.toString().matches(".*\\.(jpg|png)")).sorted().limit(3).toList();
        }
        Path table = dir.resolve("references.jsonl");
        Files.write(table, List.of(
                "{\"image\": \"" + originals.get(0) + "\"}",
                "{\"image\": \"file:" + originals.get(1) + "\"}",
                "{\"image\": \"" + originals.get(2) + "\"}",
                "{\"image\": \"" + dir.resolve("no-such.jpg") + "\"}",
                "{\"image\": \"https://example.com/cat.jpg\"}"));
        String out = dir.resolve("from-table").toString();
        ShardedOutput.Written w = SparkEmbed.run(spark, SparkEmbed.Input.table(table.toString(), "image"), bundle, null,
                out, 0, SparkEmbed.OnBad.SKIP, false);
        assertEquals(3, w.rows());
        List<Row> errors = ShardedOutput.errors(spark, out).orderBy("key").collectAsList();
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).getString(0).endsWith("no-such.jpg"), errors.toString());
        assertEquals("read", errors.get(0).getString(1));
        assertEquals("https://example.com/cat.jpg", errors.get(1).getString(0));
        assertTrue(errors.get(1).getString(3).contains("not fetched over https"), errors.get(1).getString(3));
        Row r = ShardedOutput.read(spark, out).filter("sha256 = '" + Hashes.sha256(originals.get(1)) + "'").first();
        assertEquals("file:" + originals.get(1), r.getAs("path"), "paths as Hadoop qualifies them");

        Exception failed = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> SparkEmbed.run(spark,
                SparkEmbed.Input.table(table.toString(), "image"), bundle, null, dir.resolve("strict").toString(), 0,
                SparkEmbed.OnBad.FAIL, false));
        String message = String.valueOf(failed.getMessage()) + (failed.getCause() == null ? "" : failed.getCause());
        assertTrue(message.contains("no-such.jpg") || message.contains("https://example.com/cat.jpg"), message);
        assertThrows(IOException.class, () -> ShardedOutput.read(spark, dir.resolve("strict").toString()),
                "a failed job's folder is not read");
    }

    @Test
    void aJobKilledMidWriteAndRunAgainCommitsWhatAnUninterruptedRunCommits() throws Exception {
        String folder = images.toString();
        String whole = dir.resolve("uninterrupted").toString();
        embed(folder, whole, 6);
        String out = dir.resolve("killed").toString();
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect")).toList());
        command.addAll(List.of("-Xmx2g", "-Dspark.master=local[2]", "-Dspark.ui.enabled=false", "-cp",
                System.getProperty("java.class.path"), SparkMain.class.getName(), "embed", "--images", folder, "--model",
                bundle.toString(), "--out", out, "--shards", "6"));
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.log").toFile()).start();
        Path first = null;
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (first == null && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            try (Stream<Path> s = Files.list(Path.of(out)).filter(p -> p.getFileName().toString().startsWith("shard-"))) {
                first = s.findFirst().orElse(null);
            } catch (java.nio.file.NoSuchFileException e) {
                // not created yet
            }
        }
        child.destroyForcibly().waitFor();
        assertTrue(first != null, "a shard was committed before the kill: " + Files.readString(dir.resolve("killed.log")));
        assertFalse(Files.exists(Path.of(out, ShardedOutput.MANIFEST)), "killed before the manifest");
        assertThrows(IOException.class, () -> ShardedOutput.read(spark, out), "a killed job's folder is not read");
        long committed;
        try (Stream<Path> s = Files.list(Path.of(out)).filter(p -> p.getFileName().toString().startsWith("shard-"))) {
            committed = s.count();
        }
        java.nio.file.attribute.FileTime before = Files.getLastModifiedTime(first);

        ShardedOutput.Written again = embed(folder, out, 6);
        assertEquals(6 - committed, again.writtenNow(), "the rerun redoes only the shards without a commit");
        assertEquals(before, Files.getLastModifiedTime(first), "a committed shard is not rewritten");
        assertFalse(Files.exists(Path.of(out, "_staging")), "nothing half-written is left");
        java.util.Map<String, byte[]> expected = new java.util.HashMap<>();
        for (Row r : ShardedOutput.read(spark, whole).collectAsList()) {
            expected.put(r.getAs("sha256"), r.getAs("features"));
        }
        List<Row> got = ShardedOutput.read(spark, out).collectAsList();
        assertEquals(expected.size(), got.size());
        for (Row r : got) {
            float[] e = Precision.FLOAT16.decode(expected.get(r.<String>getAs("sha256")), r.<Integer>getAs("dimensions"));
            float[] g = Precision.FLOAT16.decode(r.getAs("features"), r.<Integer>getAs("dimensions"));
            for (int d = 0; d < e.length; d++) {
                assertEquals(e[d], g[d], Math.abs(e[d]) / 512 + 1e-6, r.getAs("path") + " dimension " + d);
            }
        }
        assertEquals(ShardedOutput.manifest(spark, whole).rowsPerShard(), ShardedOutput.manifest(spark, out).rowsPerShard());
    }

    @Test
    void theApiServesCandidatesFromAStoreThatEmbedWroteAsScoreScoresThem() throws Exception {
        Path copies = Files.createDirectories(dir.resolve("for-the-api"));
        List<Path> originals;
        try (Stream<Path> s = Files.walk(images)) {
            originals = s.filter(p -> p.toString().matches(".*\\.(jpg|png)")).sorted().limit(4).toList();
        }
        for (int i = 0; i < originals.size(); i++) {
            Files.copy(originals.get(i), copies.resolve("api" + i + extension(originals.get(i))));
        }
        String embedded = dir.resolve("for-the-api-features").toString();
        embed(copies.toString(), embedded, 0);
        Path store = dir.resolve("api-store");
        assertEquals(originals.size(), StoreImport.importInto(spark, embedded, store));
        String text = "A red circle on the left. The square is blue.";
        List<Row> input = new java.util.ArrayList<>();
        for (int i = 0; i < originals.size(); i++) {
            input.add(org.apache.spark.sql.RowFactory.create("q", text, "api" + i));
        }
        List<Row> spark = SparkScore.score(SparkJobsTest.spark.createDataFrame(input, SparkScore.CANDIDATES),
                ShardedOutput.read(SparkJobsTest.spark, embedded), bundle, null, null).collectAsList();

        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            org.infogap.serve.ServeConfig config = new org.infogap.serve.ServeConfig(0, "token", false, 2_000_000, 20, 1000,
                    300_000, 4_000_000, 20_000, 64, 16, 1, store, dir);
            org.infogap.serve.ApiServer server = new org.infogap.serve.ApiServer(vertx, config,
                    new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT), null, null, null, dir.resolve("api-cache"));
            int port = server.start().await();
            server.loadModel(bundle).await();
            io.vertx.core.json.JsonArray candidates = new io.vertx.core.json.JsonArray();
            for (int i = 0; i < originals.size(); i++) {
                candidates.add(new io.vertx.core.json.JsonObject().put("id", "c" + i)
                        .put("image", new io.vertx.core.json.JsonObject().put("id", "api" + i)));
            }
            var response = io.vertx.ext.web.client.WebClient.create(vertx).post(port, "localhost", "/v1/candidates")
                    .sendJsonObject(new io.vertx.core.json.JsonObject().put("text", text).put("order", "request")
                            .put("candidates", candidates)).await();
            assertEquals(200, response.statusCode(), response.bodyAsString());
            io.vertx.core.json.JsonArray results = response.bodyAsJsonObject().getJsonArray("results");
            assertEquals(originals.size(), results.size());
            for (Row r : spark) {
                int i = Integer.parseInt(r.<String>getAs("image").substring(3));
                io.vertx.core.json.JsonObject api = results.getJsonObject(i);
                assertEquals(r.<Double>getAs("cmi_expected"), api.getJsonObject("cmi").getDouble("expected"), 1e-5, api.encode());
                assertEquals(r.<Double>getAs("sc_expected"), api.getJsonObject("sc").getDouble("expected"), 1e-5, api.encode());
            }
            server.close().await();
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void aCorpusManifestsImagesAreEmbeddedOnceEach() throws Exception {
        Path manifest = images.resolve("corpus.json");
        java.util.Set<String> distinct = new java.util.HashSet<>();
        try (var pairs = org.infogap.data.CorpusManifest.read(manifest).pairs(org.infogap.data.ReadOptions.strict())) {
            pairs.filter(p -> p.imagePath() != null).forEach(p -> {
                try {
                    distinct.add(Hashes.sha256(p.imagePath()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        String out = dir.resolve("from-corpus").toString();
        // what a run killed while planning leaves: a staging folder and nothing else
        Files.createDirectories(Path.of(out, "_staging", "plan-killed", "rows"));
        ShardedOutput.Written w = SparkEmbed.run(spark, SparkEmbed.Input.corpus(manifest.toString()), bundle, null, out, 0,
                SparkEmbed.OnBad.FAIL, false);
        assertEquals(distinct.size(), w.rows());
        assertEquals(distinct, new java.util.HashSet<>(ShardedOutput.read(spark, out).select("sha256").as(
                org.apache.spark.sql.Encoders.STRING()).collectAsList()));
    }

    @Test
    void weightsShippedAsAnArchiveAreFoundUnderTheirName() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("weights-to-ship"));
        Files.writeString(folder.resolve("model.json"), "{}");
        Path zip = dir.resolve("weights.zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("model.json"));
            out.write("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.closeEntry();
        }
        spark.sparkContext().addArchive(zip.toUri() + "#shipped-weights");
        Path found = ShippedBundle.weights("shipped-weights");
        assertTrue(Files.isRegularFile(found.resolve("model.json")), found.toString());
        assertEquals(folder, ShippedBundle.weights(folder.toString()), "a path the executor reads is taken as it is");
        IOException missing = assertThrows(IOException.class, () -> ShippedBundle.weights("never-shipped"));
        assertTrue(missing.getMessage().contains("--archives"), missing.getMessage());
    }

    private static String extension(Path p) {
        String name = p.getFileName().toString();
        return name.substring(name.lastIndexOf('.'));
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void everyDistinctImageIsEncodedAsTheEncoderEncodesItWithTheBundlesHash() throws Exception {
        Path copies = dir.resolve("with-copies");
        Files.createDirectories(copies.resolve("sub"));
        List<Path> originals;
        try (Stream<Path> s = Files.walk(images)) {
            originals = s.filter(p -> p.toString().matches(".*\\.(jpg|png)")).sorted().toList();
        }
        for (int i = 0; i < originals.size(); i++) {
            Files.copy(originals.get(i), copies.resolve(i + "-" + originals.get(i).getFileName()));
        }
        Files.copy(originals.get(0), copies.resolve("sub/same-bytes-" + originals.get(0).getFileName()));
        long distinct = originals.stream().map(p -> {
            try {
                return Hashes.sha256(p);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).distinct().count();

        Files.writeString(copies.resolve("sub/not-an-image.jpg"), "<html>a page saved under an image's name</html>");
        String out = dir.resolve("embedded.parquet").toString();
        ShardedOutput.Written written = embed(copies.toString(), out, 3);
        long rows = written.rows();
        assertEquals(1, written.errors(), "the file that is not an image is skipped and counted");
        Row bad = ShardedOutput.errors(spark, out).first();
        assertTrue(bad.getString(0).endsWith("sub/not-an-image.jpg"), bad.toString());
        assertEquals("decode", bad.getString(1));
        assertTrue(originals.size() > 20, "images: " + originals.size());
        assertEquals(distinct, rows, "one row per distinct image (a copy of the same bytes is one image)");
        assertEquals(3, written.shards());
        assertEquals(0, embed(copies.toString(), out, 3).writtenNow(), "a rerun of a committed job does nothing");
        IOException other = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> embed(images.resolve("images").toString(), out, 3));
        assertTrue(other.getMessage().contains("its input is"), other.getMessage());

        Dataset<Row> read = ShardedOutput.read(spark, out);
        ModelBundle b = ModelBundle.load(bundle);
        ImageEncoder encoder = ImageEncoder.forBundle(b, null);
        for (Path p : originals.subList(0, 3)) {
            Row r = read.filter(read.col("sha256").equalTo(Hashes.sha256(p))).first();
            assertEquals(Hashes.sha256(bundle), r.getAs("bundle_sha256"));
            assertEquals(encoder.id(), r.getAs("encoder_id"));
            assertEquals(b.imageEncoderId(), r.getAs("encoder_id"), "the features the bundle reads");
            float[] expected = encoder.features(p);
            float[] got = Precision.valueOf(r.getAs("precision")).decode(r.getAs("features"), r.<Integer>getAs("dimensions"));
            assertEquals(expected.length, got.length);
            for (int d = 0; d < expected.length; d++) {
                assertEquals(expected[d], got[d], Math.abs(expected[d]) / 1024 + 1e-6, p + " dimension " + d);
            }
            assertTrue(r.<Integer>getAs("width") > 0 && r.<Integer>getAs("height") > 0);
        }

        // the API's store takes it in, each image under its file's name, its features as they are
        Path store = dir.resolve("serve-store");
        assertEquals(rows, StoreImport.importInto(spark, out, store));
        try (org.infogap.serve.ImageStore images = org.infogap.serve.ImageStore.open(store, encoder.id(), encoder.featureLength())) {
            assertEquals(rows, images.size());
            Row r = read.filter(read.col("sha256").equalTo(Hashes.sha256(originals.get(1)))).first();
            String name = java.nio.file.Path.of(r.<String>getAs("path").replace("file:", "")).getFileName().toString();
            String id = name.substring(0, name.lastIndexOf('.'));
            org.junit.jupiter.api.Assertions.assertArrayEquals(
                    Precision.valueOf(r.getAs("precision")).decode(r.getAs("features"), r.<Integer>getAs("dimensions")),
                    images.features(id).orElseThrow(), id);
            assertEquals(Hashes.sha256(originals.get(1)), images.get(id).orElseThrow().sha256());
        }
    }
}
