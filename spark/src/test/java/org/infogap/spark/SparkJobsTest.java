package org.infogap.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals(0, SparkEmbed.embedTo(spark, copies.toString(), bundle, null, embedded).rejected());
        String[] texts = {"A red circle on the left. The square is blue.", "The river is about 321 km long."};
        List<Row> input = new java.util.ArrayList<>();
        Dataset<Row> written = spark.read().parquet(embedded);
        String pathOf2 = written.filter(written.col("path").endsWith("/img2" + extension(originals.get(2)))).first()
                .getAs("path");
        for (int i = 0; i < originals.size(); i++) {
            // by id, and two by content hash and by path as embed read them
            String image = i == 1 ? Hashes.sha256(originals.get(1)) : i == 2 ? pathOf2 : "img" + i;
            input.add(org.apache.spark.sql.RowFactory.create("q" + (i % 2), texts[i % 2], image));
        }
        input.add(org.apache.spark.sql.RowFactory.create("q0", texts[0], "no-such-image"));
        Dataset<Row> candidates = spark.createDataFrame(input, new org.apache.spark.sql.types.StructType()
                .add("query_id", "string").add("text", "string").add("image", "string"));
        List<Row> missing = SparkScore.unmatched(candidates, written).collectAsList();
        assertEquals(1, missing.size());
        assertEquals("no-such-image", missing.get(0).getAs("image"));
        List<Row> scored = SparkScore.score(candidates, spark.read().parquet(embedded), bundle, 0.25, null)
                .orderBy("query_id", "image").collectAsList();
        assertEquals(originals.size(), scored.size());

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
        SparkEmbed.Written written = SparkEmbed.embedTo(spark, copies.toString(), bundle, null, out);
        long rows = written.rows();
        assertEquals(1, written.rejected(), "the file that is not an image is skipped and counted");
        assertTrue(originals.size() > 20, "images: " + originals.size());
        assertEquals(distinct, rows, "one row per distinct image (a copy of the same bytes is one image)");

        Dataset<Row> read = spark.read().parquet(out);
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
