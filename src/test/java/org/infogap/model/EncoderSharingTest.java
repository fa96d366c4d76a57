package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.infogap.text.Vocabulary;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scoring graphs ({@link Encoder.Shape}: the text side once per distinct sentence, LSTMs unrolled over only the steps a
 * batch needs) score every pair as the training graph does: a search request's candidates (one text, many images)
 * mixed with pairs of other texts, on the presets' component sets, with the LSTMs unrolled and as lstmLayer ops; and
 * {@link Predictor}, which picks the shape per batch (fused LSTMs), on short and long texts.
 */
class EncoderSharingTest {

    /** Room for 10 sentences of 8 tokens, so that shorter shapes exist. */
    static ModelConfig roomy(ModelConfig c) {
        return c.with(Map.of("maxSentences", "10", "maxTokens", "8"));
    }

    static ModelConfig generated(boolean bag) {
        return roomy(NetworksTest.tiny().with(Map.of("imageLayer", "mixed5", "matchBag", String.valueOf(bag))));
    }

    static Example pair(Random r, String key, float[] features, List<int[]> text) {
        return new Example(key, features, text, List.of(text.get(0)), null, r.nextInt(5), r.nextInt(5));
    }

    static List<int[]> text(Random r, int sentences, int maxTokens) {
        List<int[]> text = new ArrayList<>();
        for (int s = 0; s < sentences; s++) {
            int[] ids = new int[1 + r.nextInt(maxTokens)];
            for (int k = 0; k < ids.length; k++) {
                ids[k] = 2 + r.nextInt(NetworksTest.VOCAB - 2);
            }
            text.add(ids);
        }
        return text;
    }

    static float[] image(Random r, ModelConfig c) {
        float[] f = NetworksTest.features(c);
        for (int i = 0; i < f.length; i++) {
            f[i] = r.nextFloat();
        }
        return f;
    }

    /** Six candidates of one text, with two pairs of other texts among them; at most 4 sentences of 5 tokens. */
    static List<Example> candidatesAndOthers(ModelConfig c) {
        Random r = new Random(7);
        List<int[]> query = text(r, 4, 5);
        List<Example> batch = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            batch.add(pair(r, "candidate" + i, image(r, c), query));
        }
        batch.add(2, pair(r, "other", image(r, c), text(r, 3, 5))); // another request's pair in the same batch
        batch.add(pair(r, "short", image(r, c), text(r, 1, 5)));
        return batch;
    }

    static final String[] OUTPUTS = {Classifier.CMI_PROBABILITIES, Classifier.SC_PROBABILITIES, Encoder.ARTICLE};

    static void sameScores(ModelConfig c) {
        sameScores(c, false);
        sameScores(c, true);
    }

    /** @param fused whether the scoring graph's LSTMs are lstmLayer ops (the training graph's are unrolled) */
    static void sameScores(ModelConfig c, boolean fused) {
        Classifier perPair = Classifier.create(c, NetworksTest.VECTORS);
        Classifier shared = Classifier.create(c, NetworksTest.VECTORS, new Encoder.Shape(true, 4, 5, fused));
        shared.setParameters(perPair.parameters());
        List<Example> batch = candidatesAndOthers(c);
        Map<String, INDArray> sharedFeed = Feeds.inference(batch, shared);
        long rows = sharedFeed.get(Encoder.DROP_SENTENCES).size(0);
        long distinct = sharedFeed.get(Encoder.WORDS).size(0);
        assertEquals(6 * 4 + 3 + 1, rows, "every pair keeps its sentences, and no caption rows are read at inference");
        assertTrue(distinct <= 4 + 3 + 1, "the candidates' text is read once: " + distinct + " distinct rows");
        Map<String, INDArray> want = perPair.output(Feeds.classifier(batch, perPair, null), OUTPUTS);
        Map<String, INDArray> got = shared.output(sharedFeed, OUTPUTS);
        for (String name : OUTPUTS) {
            assertArrayEquals(values(want.get(name)), values(got.get(name)), 1e-5f, name);
        }
    }

    static float[] values(INDArray a) {
        return a.dup().data().asFloat();
    }

    @Test
    void theGeneratedPresetsComponentsScoreTheSameShared() {
        sameScores(generated(true));
    }

    @Test
    void theMatchHeadOnWordVectorsScoresTheSameShared() {
        sameScores(generated(false));
    }

    @Test
    void thePapersModelScoresTheSameShared() {
        sameScores(roomy(NetworksTest.tiny().with(Map.of("imageLayer", "mixed10")).withComponents(ModelConfig.paper().components())));
    }

    static ModelBundle bundle(ModelConfig c, Classifier trained, com.fasterxml.jackson.databind.node.ObjectNode state) {
        Vocabulary.Builder vb = Vocabulary.builder();
        for (int i = 0; i < NetworksTest.VOCAB - 2; i++) {
            vb.add(List.of("w" + i));
        }
        return new ModelBundle(ModelBundle.CLASSIFIER, c, vb.build(1), NetworksTest.VECTORS,
                FeatureNorm.identity(NetworksTest.features(c).length), "test", state, trained.parameters());
    }

    /** A bundle that records temperatures scores with them: each head's probabilities scaled, its level kept. */
    @Test
    void thePredictorAppliesTheBundlesCalibration() {
        ModelConfig c = generated(true);
        var state = org.infogap.io.Json.mapper().createObjectNode();
        new Calibration(2.0, 0.5).toJson(state.putObject("calibration"));
        ModelBundle bundle = bundle(c, Classifier.create(c, NetworksTest.VECTORS), state);
        assertEquals(new Calibration(2.0, 0.5), Calibration.of(bundle));
        List<Example> batch = candidatesAndOthers(c);
        List<Predictor.Prediction> raw = new Predictor(bundle, Calibration.NONE).predict(batch);
        List<Predictor.Prediction> calibrated = new Predictor(bundle).predict(batch);
        for (int i = 0; i < batch.size(); i++) {
            assertArrayEquals(Calibration.scale(raw.get(i).cmiProbabilities(), 2.0), calibrated.get(i).cmiProbabilities(), 1e-6f);
            assertArrayEquals(Calibration.scale(raw.get(i).scProbabilities(), 0.5), calibrated.get(i).scProbabilities(), 1e-6f);
            assertEquals(raw.get(i).cmi(), calibrated.get(i).cmi());
        }
    }

    /** Short batches run on short graphs, a batch with a long text on the full one; every score is the training graph's. */
    @Test
    void thePredictorScoresShortAndLongTextsAsTheTrainingGraph() {
        ModelConfig c = generated(true);
        Classifier trained = Classifier.create(c, NetworksTest.VECTORS);
        ModelBundle bundle = bundle(c, trained, org.infogap.io.Json.mapper().createObjectNode());
        Predictor predictor = new Predictor(bundle);
        Random r = new Random(3);
        List<Example> shortTexts = candidatesAndOthers(c);
        List<Example> longTexts = new ArrayList<>(shortTexts);
        longTexts.add(pair(r, "long", image(r, c), text(r, 12, 8))); // past maxSentences: cut to 10, as in training
        for (List<Example> batch : List.of(shortTexts, longTexts)) {
            Map<String, INDArray> want = trained.output(Feeds.classifier(batch, trained, null), OUTPUTS);
            List<Predictor.Prediction> got = predictor.predict(batch);
            float[] cmi = values(want.get(Classifier.CMI_PROBABILITIES));
            float[] article = values(want.get(Encoder.ARTICLE));
            int width = article.length / batch.size();
            for (int i = 0; i < batch.size(); i++) {
                assertArrayEquals(java.util.Arrays.copyOfRange(cmi, i * 5, i * 5 + 5), got.get(i).cmiProbabilities(), 1e-5f);
                assertArrayEquals(java.util.Arrays.copyOfRange(article, i * width, (i + 1) * width), got.get(i).article(), 1e-5f);
            }
        }
    }
}
