package org.infogap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.infogap.annotate.LabelledPairs;
import org.infogap.data.Split;
import org.infogap.model.Example;
import org.infogap.model.ModelBundle;
import org.infogap.model.ModelConfig;
import org.infogap.model.Feeds;
import org.infogap.model.Classifier;
import org.infogap.model.InceptionV3;
import org.infogap.model.ImageEncoder;
import org.infogap.model.ImageTuner;
import org.infogap.model.Predictor;
import org.infogap.train.ExampleBuilder;
import org.infogap.eval.StoragePrecision;
import org.infogap.store.FeatureStore;
import org.infogap.store.Precision;
import org.infogap.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The training commands end to end on a tiny generated corpus, as {@code make run} chains them. */
class TrainingPipelineTest {

    @TempDir
    static Path dir;
    static Path manifest;
    static Path labelled;
    static Path config;

    static int run(String... args) {
        return Main.commandLine().execute(args);
    }

    @BeforeAll
    static void corpus() throws Exception {
        Path corpus = dir.resolve("corpus");
        assertEquals(0, run("generate", "--out", corpus.toString(), "--unlabelled", "60", "--labelled", "80",
                "--image-size", "80"));
        manifest = corpus.resolve("corpus.json");
        assertEquals(0, run("vocab", "--corpus", manifest.toString(), "--min-count", "2", "--out", dir.resolve("vocab.txt").toString()));
        assertEquals(0, run("word2vec", "--corpus", manifest.toString(), "--dim", "16", "--epochs", "1", "--min-count", "2",
                "--workers", "1", "--out", dir.resolve("w2v.zip").toString()));
        String store = dir.resolve("a.db").toString();
        assertEquals(0, run("annotations", "import", "--store", store, "--corpus", manifest.toString(),
                corpus.resolve("labels/bbc_annotations.jsonl").toString(), corpus.resolve("labels/wiki_annotations.jsonl").toString()));
        labelled = dir.resolve("labelled.jsonl");
        assertEquals(0, run("annotations", "export", "--store", store, "--split", "corpus", "--out", labelled.toString()));
        ModelConfig tiny = ModelConfig.generated().with(Map.of("imageSize", "75", "imageDim", "8", "sentenceDim", "8",
                "textDim", "8", "articleDim", "16", "wordDim", "16", "thumbnail", "2", "classifierHidden", "8",
                "aeEpochs", "1", "classifierEpochs", "2")).with(Map.of("maxSentences", "10", "maxTokens", "12", "matchEpochs", "2"));
        // shorter texts than the presets': the LSTMs are unrolled, one set of ops per step (Lstm)
        config = Files.writeString(dir.resolve("tiny.json"), tiny.toJson());
    }

    private static String[] ae(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train-autoencoder", "--corpus", manifest.toString(),
                "--vocab", dir.resolve("vocab.txt").toString(), "--word2vec", dir.resolve("w2v.zip").toString(),
                "--config", config.toString(), "--feature-cache", dir.resolve("features").toString(), "--out", out.toString(),
                "--image-weights", "random"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void theMatchHeadWarmsUpOnCaptionsBeforeTheAutoencoder() throws Exception {
        Path out = dir.resolve("ae-warm");
        assertEquals(0, run(ae(out, "--set", "matchEpochs=2")));
        ModelBundle matcher = ModelBundle.load(out.resolve("matcher").resolve(Trainer.BEST));
        assertEquals(ModelBundle.MATCHER, matcher.kind());
        JsonNode history = ModelBundle.load(out.resolve("matcher").resolve(Trainer.LAST)).state().withArray("history");
        assertEquals(2, history.size());
        assertTrue(history.get(1).path("validation").has("match_accuracy"), history.toString());
        ModelBundle ae = ModelBundle.load(out.resolve(Trainer.LAST));
        assertEquals(1, ae.state().withArray("history").size());
        assertNotEquals(matcher.parameters().get("enc/match/out/W"), ae.parameters().get("enc/match/out/W"),
                "the autoencoder trained the head further");
        // both trainings read their examples from spools on disk, which the run deletes when it ends
        assertFalse(Files.exists(out.resolve("examples.tmp")) || Files.exists(out.resolve("matcher-examples.tmp")));
    }

    @Test
    void epochsInChildProcessesEndWhereOneProcessEnds() throws Exception {
        Path straight = dir.resolve("ae-one-process");
        assertEquals(0, run(ae(straight, "--set", "aeEpochs=2")));
        Path children = dir.resolve("ae-children");
        assertEquals(0, run(ae(children, "--set", "aeEpochs=2", "--epochs-per-process", "1")));
        ModelBundle a = ModelBundle.load(straight.resolve(Trainer.LAST));
        ModelBundle b = ModelBundle.load(children.resolve(Trainer.LAST));
        assertEquals(2, b.state().withArray("history").size(), "two processes of one epoch each");
        for (Map.Entry<String, INDArray> p : a.parameters().entrySet()) {
            assertArrayEquals(p.getValue().reshape(-1).toFloatVector(), b.parameters().get(p.getKey()).reshape(-1).toFloatVector(),
                    1e-4f, p.getKey());
        }
    }

    @Test
    void resumingAfterAnEpochEndsWhereAnUninterruptedRunEnds() throws Exception {
        Path straight = dir.resolve("ae-straight");
        assertEquals(0, run(ae(straight, "--set", "aeEpochs=2")));
        Path resumed = dir.resolve("ae-resumed");
        assertEquals(0, run(ae(resumed)));
        ModelBundle first = ModelBundle.load(resumed.resolve(Trainer.LAST));
        assertEquals(1, first.state().path("epoch").asInt());
        assertEquals(0, run(ae(resumed, "--set", "aeEpochs=2", "--resume")));
        ModelBundle a = ModelBundle.load(straight.resolve(Trainer.LAST));
        ModelBundle b = ModelBundle.load(resumed.resolve(Trainer.LAST));
        assertEquals(2, b.state().path("epoch").asInt());
        assertEquals(2, b.state().withArray("history").size());
        for (Map.Entry<String, INDArray> p : a.parameters().entrySet()) {
            assertArrayEquals(p.getValue().reshape(-1).toFloatVector(), b.parameters().get(p.getKey()).reshape(-1).toFloatVector(),
                    1e-4f, p.getKey());
        }
        assertNotEquals(first.parameters().get("enc/article/W"), b.parameters().get("enc/article/W"));
        JsonNode epoch2 = b.state().withArray("history").get(1);
        ModelConfig c = ModelConfig.read(config);
        assertEquals(c.training().learningRate() * c.training().lrDecay(), epoch2.path("learning_rate").asDouble(), 1e-12, "lr decayed after epoch 1");
        assertTrue(b.parameters().keySet().stream().anyMatch(k -> k.startsWith(org.infogap.model.Network.OPTIMIZER)),
                "Adam's moments travel with the checkpoint");
        assertTrue(epoch2.path("validation").has("text_perplexity"));
        assertTrue(Files.exists(resumed.resolve(Trainer.BEST)));
        // the kept checkpoint is the epoch of least image plus text loss: the match head's loss does not choose it
        assertEquals(org.infogap.model.Autoencoder.RECONSTRUCTION_LOSS, b.state().path("select_by").asText());
        double least = Double.MAX_VALUE;
        int leastEpoch = 0;
        for (JsonNode record : b.state().withArray("history")) {
            JsonNode v = record.path("validation");
            double reconstruction = v.path("reconstruction_loss").asDouble();
            assertEquals(v.path("image_loss").asDouble() + v.path("text_loss").asDouble(), reconstruction, 1e-9, v.toString());
            if (reconstruction < least) {
                least = reconstruction;
                leastEpoch = record.path("epoch").asInt();
            }
        }
        assertEquals(least, b.state().path("best").asDouble(), 1e-12);
        assertEquals(leastEpoch, ModelBundle.load(resumed.resolve(Trainer.BEST)).state().path("epoch").asInt());
    }

    @Test
    void resumingWithOtherSettingsFailsNamingTheCheckpointAndTheSettingAndKeepsIt() throws Exception {
        Path out = dir.resolve("ae-other-settings");
        assertEquals(0, run(ae(out)));
        Path last = out.resolve(Trainer.LAST);
        byte[] saved = Files.readAllBytes(last);
        picocli.CommandLine cli = Main.commandLine();
        java.io.StringWriter err = new java.io.StringWriter();
        cli.setErr(new java.io.PrintWriter(err, true));
        int exit = cli.execute(ae(out, "--set", "aeEpochs=2", "--set", "classifierHidden=12", "--resume"));
        assertEquals(Main.EXIT_BAD_INPUT, exit, err.toString());
        assertTrue(err.toString().contains(last.toString()), err.toString());
        assertTrue(err.toString().contains("classifierHidden: 8 -> 12"), err.toString());
        assertFalse(err.toString().contains("aeEpochs"), "more epochs is what a resume is for: " + err);
        assertArrayEquals(saved, Files.readAllBytes(last), "the checkpoint is left as it was");
    }

    @Test
    void aRunKilledWithSigkillResumesFromItsLastCheckpoint() throws Exception {
        Path out = dir.resolve("ae-killed");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-D" + org.infogap.model.NativeBuild.EXTENSION_PROPERTY + "=" + org.infogap.model.NativeBuild.chosen().extension(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(ae(out, "--set", "aeEpochs=200")));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while (!Files.exists(out.resolve(Trainer.LAST)) && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(200);
            }
            assertTrue(Files.exists(out.resolve(Trainer.LAST)), "no checkpoint: " + Files.readString(dir.resolve("killed.log")));
            Thread.sleep(1500); // into the next epoch, or into writing its checkpoint
        } finally {
            p.destroyForcibly(); // SIGKILL
            p.waitFor();
        }
        int done = ModelBundle.load(out.resolve(Trainer.LAST)).state().path("epoch").asInt();
        assertTrue(done >= 1 && done < 200, "epochs done " + done);
        assertEquals(0, run(ae(out, "--set", "aeEpochs=" + (done + 1), "--resume")));
        ModelBundle resumed = ModelBundle.load(out.resolve(Trainer.LAST));
        assertEquals(done + 1, resumed.state().path("epoch").asInt());
        JsonNode history = resumed.state().withArray("history");
        for (int i = 0; i < history.size(); i++) {
            assertEquals(i + 1, history.get(i).path("epoch").asInt());
        }
        File[] leftovers = out.toFile().listFiles((d, name) -> name.endsWith(".tmp"));
        assertTrue(leftovers == null || leftovers.length <= 1, "at most the temp file the kill interrupted");
    }

    @Test
    void classifierTrainsFromTheAutoencoderOrAtRandomAndPredictsEveryLevel() throws Exception {
        Path ae = dir.resolve("ae-for-cl");
        assertEquals(0, run(ae(ae)));
        Path cl = dir.resolve("cl");
        assertEquals(0, run("train-classifier", "--labelled", labelled.toString(), "--autoencoder",
                ae.resolve(Trainer.BEST).toString(), "--feature-cache", dir.resolve("features").toString(), "--out", cl.toString()));
        ModelBundle bundle = ModelBundle.load(cl.resolve(Trainer.BEST));
        assertEquals(ModelBundle.CLASSIFIER, bundle.kind());
        assertTrue(bundle.state().path("provenance").path("encoder_from_autoencoder").asBoolean());
        assertTrue(bundle.state().path("provenance").path("image_encoder").asText().contains("random init"));
        Path noAe = dir.resolve("cl-no-ae");
        assertEquals(0, run("train-classifier", "--labelled", labelled.toString(), "--no-autoencoder", "--config", config.toString(),
                "--vocab", dir.resolve("vocab.txt").toString(), "--word2vec", dir.resolve("w2v.zip").toString(),
                "--feature-cache", dir.resolve("features").toString(), "--out", noAe.toString(), "--image-weights", "random"));
        assertTrue(!ModelBundle.load(noAe.resolve(Trainer.BEST)).state().path("provenance").path("encoder_from_autoencoder").asBoolean());
        Path predicted = dir.resolve("predictions.jsonl");
        assertEquals(0, run("predict", "--model", cl.resolve(Trainer.BEST).toString(), "--pairs", labelled.toString(),
                "--feature-cache", dir.resolve("features").toString(), "--embeddings", "--out", predicted.toString()));
        JsonNode first = org.infogap.io.Json.parseWhole(Files.readAllLines(predicted).get(0));
        assertEquals(5, first.withArray("sc_probabilities").size());
        assertEquals(16, first.withArray("article_embedding").size());

        Predictor predictor = new Predictor(bundle);
        List<LabelledPairs.Labelled> test = LabelledPairs.read(labelled).stream().filter(l -> l.split() == Split.TEST).toList();
        List<Example> examples = ExampleBuilder.forBundle(bundle, null, dir.resolve("features"))
                .classifierExamples(test, bundle.featureNorm());
        List<Predictor.Prediction> predictions = predictor.predict(examples);
        assertEquals(test.size(), predictions.size());
        for (Example e : examples) { // an epoch holds ids and references: the features stay in the store until a batch
            assertTrue(e.image() instanceof org.infogap.model.ImageFeatures.Stored, e.key());
        }
        // the best bundle records each head's temperature, fitted on the validation pairs, and scores with it
        JsonNode calibration = bundle.state().path("calibration");
        assertTrue(calibration.path("cmi_temperature").asDouble() > 0 && calibration.path("sc_temperature").asDouble() > 0,
                calibration.toString());
        assertTrue(calibration.has("cmi_ece_before") && calibration.has("sc_ece_after"), calibration.toString());
        org.infogap.model.Calibration fitted = org.infogap.model.Calibration.of(bundle);
        List<Predictor.Prediction> raw = new Predictor(bundle, org.infogap.model.Calibration.NONE).predict(examples);
        for (int i = 0; i < raw.size(); i++) {
            assertArrayEquals(org.infogap.model.Calibration.scale(raw.get(i).scProbabilities(), fitted.scTemperature()),
                    predictions.get(i).scProbabilities(), 1e-6f);
            assertEquals(raw.get(i).sc(), predictions.get(i).sc(), "a temperature keeps the most probable level");
        }
        for (Predictor.Prediction p : predictions) {
            float sum = 0;
            for (float v : p.cmiProbabilities()) {
                sum += v;
            }
            assertEquals(1, sum, 1e-4);
            assertEquals(16, p.article().length);
            assertTrue(p.expectedSc() >= -1 && p.expectedSc() <= 1);
        }

        // the labelling page's queue ordered by this classifier: the training pairs it is least sure of first, every
        // fifth at random; the test pairs in the same places and order as without a model
        LabellingOptions order = new LabellingOptions();
        order.review = labelled;
        order.orderModel = cl.resolve(Trainer.BEST);
        order.uncertainty = "entropy";
        order.batch = "top";
        order.randomShare = 0.2;
        order.seed = 3;
        FeatureOptions features = new FeatureOptions();
        features.featureCache = dir.resolve("features");
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            org.infogap.annotate.AnnotationStore store = org.infogap.annotate.AnnotationStore.open(dir.resolve("page.db"));
            org.infogap.labelling.Annotators one = org.infogap.labelling.Annotators.parse(List.of("a=token-0123456789"));
            var byModel = order.page(vertx, store, one, "/annotate", features);
            order.batch = "diverse";
            var spread = order.page(vertx, store, one, "/annotate", features);
            order.orderModel = null;
            var random = order.page(vertx, store, one, "/annotate", features);
            assertEquals(LabelledPairs.read(labelled).size(), byModel.size());
            List<String> modelKeys = byModel.queueKeys();
            List<String> randomKeys = random.queueKeys();
            java.util.Set<String> testKeys = new java.util.HashSet<>();
            test.forEach(t -> testKeys.add(t.pair().key()));
            List<String> spreadKeys = spread.queueKeys();
            assertEquals(java.util.Set.copyOf(randomKeys), java.util.Set.copyOf(spreadKeys));
            for (int i = 0; i < modelKeys.size(); i++) {
                if (testKeys.contains(randomKeys.get(i))) {
                    assertEquals(randomKeys.get(i), modelKeys.get(i), "test pairs keep their place");
                    assertEquals(randomKeys.get(i), spreadKeys.get(i), "test pairs keep their place");
                }
            }
            List<LabelledPairs.Labelled> train = LabelledPairs.read(labelled).stream().filter(l -> l.split() != Split.TEST)
                    .toList();
            List<Predictor.Prediction> trainPredictions = predictor.predict(ExampleBuilder.forBundle(bundle, null,
                    dir.resolve("features")).classifierExamples(train, bundle.featureNorm()));
            String leastSure = trainPredictions.stream().max(java.util.Comparator.comparingDouble(
                    org.infogap.labelling.Uncertainty.ENTROPY::of)).orElseThrow().key();
            String firstTrain = modelKeys.stream().filter(k -> !testKeys.contains(k)).findFirst().orElseThrow();
            assertEquals(leastSure, firstTrain);
        } finally {
            vertx.close().await();
        }

        // the store's precision keeps every test-split prediction of features computed afresh (float32)
        ExampleBuilder builder = ExampleBuilder.forBundle(bundle, null, dir.resolve("features"));
        Map<Path, float[]> exact = new java.util.LinkedHashMap<>();
        test.forEach(l -> exact.computeIfAbsent(l.pair().imagePath(), builder.encoder()::features));
        for (StoragePrecision.Effect e : StoragePrecision.compare(bundle, builder, test, exact,
                List.of(Precision.FLOAT32, FeatureStore.DEFAULT_PRECISION))) {
            assertEquals(test.size(), e.pairs());
            assertTrue(e.keepsPredictions(), e.toString());
            if (e.precision() == Precision.FLOAT32) {
                assertEquals(0, e.maxShift(), e.toString());
            }
        }
    }

    /** How far a bundle's probabilities may be from the in-memory network's: features stored in half precision. */
    private static final float HALF_PRECISION = 5e-4f;

    @Test
    void endToEndTrainingMovesInceptionV3AndBundlesPredictWithTheTrainedWeights() throws Exception {
        Path ae = dir.resolve("ae-e2e");
        // end to end trains the pooled features only, so the match head reads those
        assertEquals(0, run(ae(ae, "--max-pairs", "24", "--set", "fineTuneImage=true", "--set", "imageLrScale=0.1",
                "--set", "matchGrid=false")));
        ModelBundle aeBundle = ModelBundle.load(ae.resolve(Trainer.LAST));
        INDArray tunedByAe = aeBundle.parameters().get(ImageTuner.PARAMS);
        ModelConfig c = aeBundle.config();
        INDArray untrained = InceptionV3.foldBatchNorm(InceptionV3.withoutTop(c.image().size(), c.training().seed()).init(), c.image().size()).params();
        assertEquals(untrained.length(), tunedByAe.length());
        assertFalse(untrained.equalsWithEps(tunedByAe, 1e-7), "InceptionV3 should have trained");
        assertTrue(aeBundle.imageEncoderId().startsWith("inception_v3-75-tuned-"), aeBundle.imageEncoderId());
        assertTrue(aeBundle.state().path("provenance").path("image_trained_end_to_end").asBoolean());

        Path cl = dir.resolve("cl-e2e");
        assertEquals(0, run("train-classifier", "--labelled", labelled.toString(), "--autoencoder",
                ae.resolve(Trainer.LAST).toString(), "--set", "classifierEpochs=1", "--set", "fineTuneImage=true",
                "--feature-cache", dir.resolve("features").toString(), "--out", cl.toString()));
        ModelBundle bundle = ModelBundle.load(cl.resolve(Trainer.LAST));
        INDArray tuned = bundle.parameters().get(ImageTuner.PARAMS);
        assertFalse(tunedByAe.equalsWithEps(tuned, 1e-7), "the classifier should train InceptionV3 further");
        assertEquals(ImageEncoder.tunedId(c.image().size(), tuned, org.infogap.model.ImageWeights.Input.KERAS), bundle.imageEncoderId());

        // the bundle predicts through its own InceptionV3 as the in-memory network with it attached, to the half
        // precision the feature store keeps (11 significant bits, a relative 4.9e-4 per feature): the bundle's
        // features pass through it, the network's do not. Probabilities differed by up to 1.6e-4 with the
        // onednn-avx512 build on an AMD EPYC, under 1e-4 on an Intel Xeon. One classifier epoch moves InceptionV3 too
        // little to show in the probabilities (with the autoencoder's InceptionV3 the difference was the same 1.6e-4):
        // which weights the bundle scores with is checked by its image-encoder id above.
        List<LabelledPairs.Labelled> test = LabelledPairs.read(labelled).stream().filter(l -> l.split() == Split.TEST)
                .limit(6).toList();
        List<Example> examples = ExampleBuilder.forBundle(bundle, null, dir.resolve("features"))
                .classifierExamples(test, bundle.featureNorm());
        List<Predictor.Prediction> fromBundle = new Predictor(bundle).predict(examples);
        Classifier inMemory = Classifier.create(bundle.config(), bundle.wordVectors());
        inMemory.attach(ImageTuner.create(bundle.config(), null, tuned, bundle.featureNorm(),
                org.infogap.train.AutoencoderTraining.imageFiles(test.stream().map(LabelledPairs.Labelled::pair).toList())));
        inMemory.setParameters(bundle.parameters());
        INDArray probabilities = inMemory.output(Feeds.classifier(examples, inMemory, null), Classifier.SC_PROBABILITIES)
                .get(Classifier.SC_PROBABILITIES);
        for (int i = 0; i < examples.size(); i++) {
            assertArrayEquals(probabilities.getRow(i).toFloatVector(), fromBundle.get(i).scProbabilities(), HALF_PRECISION);
        }
    }

    @Test
    void aClassifierRefusesAnAutoencoderWhoseImageFeaturesDiffer() {
        Path ae = dir.resolve("ae-mismatch");
        assertEquals(0, run(ae(ae)));
        int exit = run("train-classifier", "--labelled", labelled.toString(), "--autoencoder", ae.resolve(Trainer.BEST).toString(),
                "--config", config.toString(), "--set", "imageSize=80", "--feature-cache", dir.resolve("features").toString(),
                "--out", dir.resolve("cl-mismatch").toString());
        assertEquals(Main.EXIT_BAD_INPUT, exit);
    }

    @Test
    void theAccuracyReportRendersEverySectionForATinyRun() throws Exception {
        Path ae = dir.resolve("ae-for-report");
        assertEquals(0, run(ae(ae)));
        Path report = dir.resolve("report");
        assertEquals(0, run("report", "--labelled", labelled.toString(), "--autoencoder", ae.resolve(Trainer.BEST).toString(),
                "--set", "classifierEpochs=1", "--folds", "2", "--feature-cache", dir.resolve("features").toString(),
                "--out", report.toString()));
        JsonNode results = org.infogap.io.Json.mapper().readTree(report.resolve("results.json").toFile());
        for (String system : List.of("CL", "CL without AE", "SVM", "Most frequent")) {
            for (String measure : List.of("CMI", "SC")) {
                double acc = results.path("test_split").path(system).path(measure).path("accuracy").asDouble(-1);
                assertTrue(acc >= 0 && acc <= 1, system + " " + measure);
                JsonNode accuracy = results.path("kfold").path(system).path(measure).path("accuracy");
                assertEquals(2, accuracy.withArray("folds").size());
                assertTrue(accuracy.path("ci95_low").asDouble() <= accuracy.path("mean").asDouble()
                        && accuracy.path("mean").asDouble() <= accuracy.path("ci95_high").asDouble(), accuracy.toString());
                if (!system.equals("Most frequent")) {
                    assertTrue(results.path("kfold").path(system).path(measure).path("accuracy_over_most_frequent")
                            .has("distinguishable"), system);
                }
            }
        }
        // the systems that read images, scored again with the test images shuffled among the test pairs
        JsonNode dependence = results.path("image_dependence");
        for (String system : List.of("CL", "CL without AE", "SVM")) {
            for (String measure : List.of("CMI", "SC")) {
                JsonNode m = dependence.path(system).path(measure);
                assertEquals(results.path("test_split").path(system).path(measure).path("accuracy").asDouble(),
                        m.path("accuracy").asDouble(), 1e-12, system + " " + measure);
                double shuffled = m.path("shuffled").asDouble(-1);
                assertTrue(shuffled >= 0 && shuffled <= 1, system + " " + measure + " shuffled");
                assertEquals(m.path("accuracy").asDouble() - shuffled, m.path("drop").asDouble(), 1e-12);
            }
        }
        for (String system : List.of("CL", "CL without AE")) {
            double auc = dependence.path(system).path("own_image_auc").asDouble(-1);
            assertTrue(auc >= 0 && auc <= 1, system + " own-image AUC " + auc);
        }
        assertFalse(dependence.has("Most frequent"), "the most frequent label reads no image");
        // each classifier's calibration error on the test split, as trained and calibrated, with its reliability points
        for (String system : List.of("CL", "CL without AE")) {
            for (String measure : List.of("CMI", "SC")) {
                JsonNode m = results.path("calibration").path(system).path(measure);
                double before = m.path("ece_before").asDouble(-1);
                assertTrue(before >= 0 && before <= 1 && m.path("ece_after").asDouble(-1) >= 0, system + " " + measure + " " + m);
                int counted = 0;
                for (JsonNode point : m.withArray("reliability_before")) {
                    counted += point.path("count").asInt();
                }
                assertEquals(results.path("sizes").path("test").asInt(), counted, "every test pair in one bin");
                JsonNode interval = m.path("ece_after_interval");
                assertTrue(interval.get(0).asDouble() <= interval.get(1).asDouble(), m.toString());
                JsonNode floor = m.path("ece_after_if_calibrated_interval");
                double median = m.path("ece_after_if_calibrated").asDouble(-1);
                assertTrue(median > 0 && floor.get(0).asDouble() <= median && median <= floor.get(1).asDouble(), m.toString());
                // the folds' out-of-fold predictions pooled: every labelled pair once, scored by the fold that held it out
                JsonNode folds = results.path("kfold_calibration").path(system);
                assertEquals(results.path("sizes").path("all").asInt(), folds.path("pairs").asInt(), system);
                int pooled = 0;
                for (JsonNode point : folds.path(measure).withArray("reliability_after")) {
                    pooled += point.path("count").asInt();
                }
                assertEquals(results.path("sizes").path("all").asInt(), pooled, system + " " + measure);
                JsonNode t = folds.path(measure);
                assertTrue(t.path("temperature_min").asDouble() <= t.path("temperature").asDouble()
                        && t.path("temperature").asDouble() <= t.path("temperature_max").asDouble(), t.toString());
            }
        }
        String md = Files.readString(report.resolve("report.md"));
        for (String section : List.of("Accuracy on the test split", "2-fold cross-validation", "CMI on the test split, in detail",
                "SC per level", "Image dependence (test split)", "own-image AUC", "Calibration (test split)", "SVM regularisation",
                "Accuracy over the most frequent label (cross-validation)", "Calibration (cross-validation)",
                "plots/reliability_folds_CMI.png", "(paper, reference)", "plots/confusion_cl_CMI.png", "plots/reliability_SC.png",
                "plots/curve_autoencoder.png", "plots/distribution_SC.png")) {
            assertTrue(md.contains(section), section);
        }
        String html = Files.readString(report.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,"));
        byte[] png = Files.readAllBytes(report.resolve("plots/confusion_svm_SC.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
    }

    @Test
    void theAblationReportTrainsEachDistinctVariantFromOneAutoencoderAndRendersItsTable() throws Exception {
        Path ae = dir.resolve("ae-for-ablation");
        assertEquals(0, run(ae(ae)));
        Path out = dir.resolve("ablation");
        assertEquals(0, run("report", "ablation", "--labelled", labelled.toString(), "--autoencoder",
                ae.resolve(Trainer.BEST).toString(), "--set", "classifierEpochs=1", "--set", "countsCoverage=true",
                "--feature-cache", dir.resolve("features").toString(), "--out", out.toString()));
        JsonNode results = org.infogap.io.Json.mapper().readTree(out.resolve("ablation.json").toFile());
        List<String> names = new ArrayList<>();
        results.path("variants").forEach(v -> names.add(v.path("name").asText()));
        assertEquals(List.of("paper's classifier", "+ matchHead", "+ sentenceCounts", "+ visualWords", "+ coverage", "all"), names);
        for (JsonNode v : results.path("variants")) {
            for (String measure : List.of("CMI", "SC")) {
                double acc = v.path(measure).path("accuracy").asDouble(-1);
                assertTrue(acc >= 0 && acc <= 1, v.path("name") + " " + measure);
                assertTrue(v.path(measure).has("macro_f1") && v.path(measure).has("mean_absolute_error"));
                assertEquals(acc, v.path("image_dependence").path(measure).path("accuracy").asDouble(), 1e-12);
                double shuffled = v.path("image_dependence").path(measure).path("shuffled").asDouble(-1);
                assertTrue(shuffled >= 0 && shuffled <= 1, v.path("name") + " " + measure + " with shuffled images");
            }
            double auc = v.path("image_dependence").path("own_image_auc").asDouble(-1);
            assertTrue(auc >= 0 && auc <= 1, v.path("name") + " own-image AUC");
        }
        List<String> components = new ArrayList<>();
        for (JsonNode c : results.path("components")) {
            components.add(c.path("component").asText());
            for (String part : List.of("alone", "within_all")) {
                JsonNode d = c.path(part).path("SC");
                assertTrue(d.path("low").asDouble(2) <= d.path("accuracy_difference").asDouble(9)
                        && d.path("accuracy_difference").asDouble(9) <= d.path("high").asDouble(-2), c.toString());
            }
        }
        assertEquals(List.of("matchHead", "sentenceCounts", "visualWords", "coverage"), components);
        // the paper's classifier took the autoencoder's encoder less the match score's input to the text LSTM
        ModelBundle paper = ModelBundle.load(out.resolve("models/paper-classifier").resolve(Trainer.BEST));
        assertEquals(List.of(), paper.config().components().names(), "the generated preset has no autoencoder-level component");
        assertTrue(paper.parameters().keySet().stream().noneMatch(k -> k.startsWith("enc/match/") || k.startsWith("cls/related")));
        ModelBundle source = ModelBundle.load(ae.resolve(Trainer.BEST));
        assertEquals(source.parameters().get("enc/text_lstm/W").rows() - 1, paper.parameters().get("enc/text_lstm/W").rows());
        String md = Files.readString(out.resolve("ablation.md"));
        assertTrue(md.contains("paper's classifier (= all - matchHead)")
                && md.contains("most frequent label (reference)") && md.contains("| coverage | ")
                && md.contains("plots/ablation.png"), md);
        assertTrue(Files.readString(out.resolve("ablation.html")).contains("data:image/png;base64,"));
        assertEquals((byte) 0x89, Files.readAllBytes(out.resolve("plots/ablation.png"))[0]);
    }

    @Test
    void theReportTakesTheTrainedClassifierAsCLOnTheSplitInsteadOfTrainingItAgain() throws Exception {
        Path ae = dir.resolve("ae-for-given-cl");
        assertEquals(0, run(ae(ae)));
        Path cl = dir.resolve("given-cl");
        assertEquals(0, run("train-classifier", "--labelled", labelled.toString(), "--autoencoder", ae.resolve(Trainer.BEST).toString(),
                "--feature-cache", dir.resolve("features").toString(), "--out", cl.toString()));
        Path report = dir.resolve("report-given-cl");
        assertEquals(0, run("report", "--labelled", labelled.toString(), "--autoencoder", ae.resolve(Trainer.BEST).toString(),
                "--folds", "0", "--classifier", cl.resolve(Trainer.BEST).toString(), "--feature-cache", dir.resolve("features").toString(),
                "--out", report.toString()));
        assertFalse(Files.exists(report.resolve("models/split/cl")), "CL was not trained again");
        assertTrue(Files.exists(report.resolve("models/split/cl-no-ae").resolve(Trainer.BEST)), "CL without AE was");
        ModelBundle bundle = ModelBundle.load(cl.resolve(Trainer.BEST));
        List<LabelledPairs.Labelled> test = LabelledPairs.read(labelled).stream().filter(l -> l.split() == Split.TEST).toList();
        List<Predictor.Prediction> predictions = new Predictor(bundle).predict(
                ExampleBuilder.forBundle(bundle, null, dir.resolve("features")).classifierExamples(test, bundle.featureNorm()));
        long right = 0;
        for (int i = 0; i < test.size(); i++) {
            right += predictions.get(i).cmi() == test.get(i).cmi() ? 1 : 0;
        }
        JsonNode results = org.infogap.io.Json.mapper().readTree(report.resolve("results.json").toFile());
        assertEquals((double) right / test.size(), results.path("test_split").path("CL").path("CMI").path("accuracy").asDouble(), 1e-9,
                "the report's CL is the given classifier");
        assertEquals(Main.EXIT_BAD_INPUT, run("report", "--labelled", labelled.toString(), "--autoencoder",
                ae.resolve(Trainer.BEST).toString(), "--folds", "0", "--classifier", ae.resolve(Trainer.BEST).toString(),
                "--feature-cache", dir.resolve("features").toString(), "--out", dir.resolve("report-wrong").toString()));
        assertEquals(Main.EXIT_BAD_INPUT, run("report", "--labelled", labelled.toString(), "--autoencoder",
                ae.resolve(Trainer.BEST).toString(), "--folds", "0", "--classifier", cl.resolve(Trainer.BEST).toString(),
                "--set", "classifierHidden=12", "--feature-cache", dir.resolve("features").toString(),
                "--out", dir.resolve("report-other-settings").toString()), "CL trained otherwise than CL without AE is refused");
    }

    @Test
    void aClassifierLearnsFromMismatchedPairsBesideItsLabelledOnesAndRecordsTheComponent() throws Exception {
        Path ae = dir.resolve("ae-for-mismatch");
        assertEquals(0, run(ae(ae)));
        Path cl = dir.resolve("cl-mismatch-pairs");
        assertEquals(0, run("train-classifier", "--labelled", labelled.toString(), "--autoencoder",
                ae.resolve(Trainer.BEST).toString(), "--set", "classifierEpochs=1", "--set", "mismatchShare=0.5",
                "--feature-cache", dir.resolve("features").toString(), "--out", cl.toString()));
        ModelBundle trained = ModelBundle.load(cl.resolve(Trainer.BEST));
        assertEquals(0.5, trained.config().mismatchedPairs().share());
        JsonNode epoch = trained.state().path("history").get(0);
        assertTrue(epoch.path("train").path("cmi_loss").asDouble(-1) > 0, epoch.toString());
    }

    @Test
    void fineTuneEncoderOffKeepsTheAutoencodersEncoderAsTheFlagDoes() throws Exception {
        Path ae = dir.resolve("ae-for-frozen");
        assertEquals(0, run(ae(ae)));
        ModelBundle autoencoder = ModelBundle.load(ae.resolve(Trainer.BEST));
        for (List<String> freezing : List.of(List.of("--set", "fineTuneEncoder=false"), List.of("--freeze-encoder"))) {
            Path cl = dir.resolve("cl-frozen-" + freezing.size());
            List<String> args = new java.util.ArrayList<>(List.of("train-classifier", "--labelled", labelled.toString(),
                    "--autoencoder", ae.resolve(Trainer.BEST).toString(), "--set", "classifierEpochs=1",
                    "--feature-cache", dir.resolve("features").toString(), "--out", cl.toString()));
            args.addAll(freezing);
            assertEquals(0, run(args.toArray(String[]::new)));
            ModelBundle trained = ModelBundle.load(cl.resolve(Trainer.LAST));
            assertFalse(trained.state().path("provenance").path("fine_tune_encoder").asBoolean(true), freezing.toString());
            assertFalse(trained.config().training().fineTuneEncoder(), freezing + ": the bundle's config records the freeze");
            int encoderArrays = 0;
            for (var e : trained.parameters().entrySet()) {
                if (e.getKey().startsWith(org.infogap.model.Encoder.PREFIX) && autoencoder.parameters().containsKey(e.getKey())) {
                    assertEquals(autoencoder.parameters().get(e.getKey()), e.getValue(), freezing + " moved " + e.getKey());
                    encoderArrays++;
                }
            }
            assertTrue(encoderArrays > 5, "the encoder's arrays were compared: " + encoderArrays);
        }
    }

    @Test
    void anEnsembleTrainsEachMemberWithItsOwnSeedAndScoresTheMeanOfTheirProbabilities() throws Exception {
        Path ae = dir.resolve("ae-for-ensemble");
        assertEquals(0, run(ae(ae)));
        Path alone = dir.resolve("cl-alone");
        assertEquals(0, run("train-classifier", "--labelled", labelled.toString(), "--autoencoder",
                ae.resolve(Trainer.BEST).toString(), "--set", "classifierEpochs=1",
                "--feature-cache", dir.resolve("features").toString(), "--out", alone.toString()));
        Path cl = dir.resolve("cl-ensemble");
        assertEquals(0, run("train-classifier", "--labelled", labelled.toString(), "--autoencoder",
                ae.resolve(Trainer.BEST).toString(), "--set", "classifierEpochs=1", "--set", "ensembleMembers=2",
                "--feature-cache", dir.resolve("features").toString(), "--out", cl.toString()));
        ModelBundle ensemble = ModelBundle.load(cl.resolve(Trainer.BEST));
        assertEquals(2, ensemble.config().ensemble().members());
        JsonNode members = ensemble.state().withArray("ensemble");
        assertEquals(2, members.size());
        assertEquals(42, members.get(0).path("seed").asLong());
        assertEquals(43, members.get(1).path("seed").asLong());
        assertTrue(ensemble.state().path("calibration").has("sc_temperature"), "calibrated on the members' mean");
        assertTrue(Files.exists(cl.resolve(Trainer.LAST)), "member 0's last checkpoint, for the report's curves");

        ModelBundle first = ModelBundle.load(cl.resolve("members/0").resolve(Trainer.BEST));
        ModelBundle second = ModelBundle.load(cl.resolve("members/1").resolve(Trainer.BEST));
        ModelBundle single = ModelBundle.load(alone.resolve(Trainer.BEST));
        for (Map.Entry<String, INDArray> p : single.parameters().entrySet()) {
            if (!p.getKey().startsWith(org.infogap.model.Network.OPTIMIZER)) {
                assertArrayEquals(p.getValue().reshape(-1).toFloatVector(),
                        first.parameters().get(p.getKey()).reshape(-1).toFloatVector(), 1e-5f, "member 0 is the classifier alone: " + p.getKey());
            }
        }

        List<LabelledPairs.Labelled> test = LabelledPairs.read(labelled).stream().filter(l -> l.split() == Split.TEST).toList();
        List<Example> examples = ExampleBuilder.forBundle(ensemble, null, dir.resolve("features"))
                .classifierExamples(test, ensemble.featureNorm());
        var none = org.infogap.model.Calibration.NONE;
        List<Predictor.Prediction> mean = new Predictor(ensemble, none).predict(examples);
        List<Predictor.Prediction> a = new Predictor(first, none).predict(examples);
        List<Predictor.Prediction> b = new Predictor(second, none).predict(examples);
        List<Predictor.Prediction> calibrated = new Predictor(ensemble).predict(examples);
        org.infogap.model.Calibration fitted = org.infogap.model.Calibration.of(ensemble);
        boolean membersDiffer = false;
        for (int i = 0; i < examples.size(); i++) {
            float[] expected = new float[5];
            for (int l = 0; l < 5; l++) {
                expected[l] = (a.get(i).scProbabilities()[l] + b.get(i).scProbabilities()[l]) / 2;
                membersDiffer |= Math.abs(a.get(i).cmiProbabilities()[l] - b.get(i).cmiProbabilities()[l]) > 1e-4;
            }
            assertArrayEquals(expected, mean.get(i).scProbabilities(), 1e-5f, examples.get(i).key());
            assertArrayEquals(a.get(i).article(), mean.get(i).article(), 1e-6f, "member 0's article embedding");
            assertArrayEquals(org.infogap.model.Calibration.scale(mean.get(i).scProbabilities(), fitted.scTemperature()),
                    calibrated.get(i).scProbabilities(), 1e-6f);
        }
        assertTrue(membersDiffer, "two seeds, two classifiers");
    }

    @Test
    void theRetrievalReportSweepsThresholdsOnGeneratedAndGivenLists() throws Exception {
        Path ae = dir.resolve("ae-for-retrieval");
        assertEquals(0, run(ae(ae)));
        Path cl = dir.resolve("cl-for-retrieval");
        assertEquals(0, run("train-classifier", "--labelled", labelled.toString(), "--autoencoder",
                ae.resolve(Trainer.BEST).toString(), "--set", "classifierEpochs=1", "--feature-cache", dir.resolve("features").toString(),
                "--out", cl.toString()));
        // the same classifier's image dependence, alone, without training anything
        Path dependence = dir.resolve("dependence");
        assertEquals(0, run("report", "dependence", "--model", cl.resolve(Trainer.BEST).toString(), "--labelled", labelled.toString(),
                "--autoencoder", ae.resolve(Trainer.BEST).toString(), "--feature-cache", dir.resolve("features").toString(),
                "--out", dependence.toString()));
        JsonNode d = org.infogap.io.Json.mapper().readTree(dependence.resolve("dependence.json").toFile());
        for (String measure : List.of("CMI", "SC")) {
            double shuffled = d.path(measure).path("shuffled").asDouble(-1);
            assertTrue(shuffled >= 0 && shuffled <= 1, measure);
            assertEquals(d.path(measure).path("accuracy").asDouble() - shuffled, d.path(measure).path("drop").asDouble(), 1e-12);
        }
        assertTrue(d.path("own_image_auc").asDouble(-1) >= 0 && d.path("texts").asInt() > 0, d.toString());
        assertEquals(1.0 / 32, d.path("match_head").path("chance").asDouble(-1), 1e-12, "twice the batch of 16 per validation batch");
        Path out = dir.resolve("retrieval");
        assertEquals(0, run("report", "retrieval", "--model", cl.resolve(Trainer.BEST).toString(), "--labelled", labelled.toString(),
                "--composition", manifest.getParent().resolve("labels/composition.jsonl").toString(), "--per-query", "6",
                "--feature-cache", dir.resolve("features").toString(), "--out", out.toString()));
        JsonNode results = org.infogap.io.Json.mapper().readTree(out.resolve("retrieval.json").toFile());
        JsonNode none = results.withArray("sweep").get(0);
        assertEquals("none", none.path("filter").asText());
        assertEquals(0, none.path("dropped").asDouble(), 1e-12);
        assertEquals(1, none.path("recall@10").asDouble(), 1e-12, "lists of 6: every relevant candidate is in the top 10");
        JsonNode strictest = results.withArray("sweep").get(5); // SC >= 1
        assertTrue(strictest.path("dropped").asDouble() >= none.path("dropped").asDouble());
        assertEquals(11, results.withArray("sweep").size());
        assertTrue(Files.readString(out.resolve("retrieval.md")).contains("plots/retrieval_precision_recall.png"));

        // a list made elsewhere, image paths relative to the file
        Path anyImage;
        try (var files = Files.list(manifest.getParent().resolve("bbc/train"))) {
            anyImage = files.filter(f -> f.toString().endsWith(".jpg")).findFirst().orElseThrow();
        }
        Path given = Files.writeString(manifest.getParent().resolve("lists.jsonl"), "{\"query\": \"q1\", \"text\": \"A red circle.\", "
                + "\"candidates\": [{\"id\": \"a\", \"image\": \"" + manifest.getParent().relativize(anyImage) + "\", \"relevance\": 2}, "
                + "{\"id\": \"b\", \"image\": \"" + manifest.getParent().relativize(anyImage) + "\"}]}\n");
        assertEquals(0, run("report", "retrieval", "--model", cl.resolve(Trainer.BEST).toString(), "--candidates", given.toString(),
                "--feature-cache", dir.resolve("features").toString(), "--out", dir.resolve("retrieval-given").toString()));
        Path broken = Files.writeString(dir.resolve("broken.jsonl"), "{\"query\": \"q1\", \"text\": \"x\", \"candidates\": [{\"id\": \"a\"}]}\n");
        assertEquals(Main.EXIT_BAD_INPUT, run("report", "retrieval", "--model", cl.resolve(Trainer.BEST).toString(),
                "--candidates", broken.toString(), "--out", dir.resolve("retrieval-broken").toString()));
    }
}
