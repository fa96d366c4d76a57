package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class NetworksTest {

    static final int VOCAB = 30;
    static final INDArray VECTORS = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, VOCAB, 6).subi(0.5);

    /** Tiny dimensions, so a step takes milliseconds; every component of the classifier, coverage included. */
    static ModelConfig tiny() {
        // plain SGD, the paper's optimiser, which the steps below call with its learning rate 0.1; the paper's pooled
        // mixed10 (2048 features), as ImageTuner's end-to-end steps give (the generated preset's mixed5 is tested by
        // InceptionV3Test, ApiServerTest and TrainingPipelineTest)
        return ModelConfig.generated().with(Map.of("imageDim", "8", "sentenceDim", "8", "textDim", "8", "articleDim", "16",
                "wordDim", "6", "maxSentences", "4", "maxTokens", "5", "thumbnail", "2", "classifierHidden", "8",
                "imageSize", "75")).with(Map.of("optimizer", "sgd", "imageLayer", "mixed10", "countsCoverage", "true"));
    }

    /** Zero features of the length the config's image encoder gives: with the grid, 4 cells of it. */
    static float[] features(ModelConfig c) {
        return new float[c.imageFeatures() + (c.matchGrid() ? 4 * InceptionV3.GRID_CHANNELS : 0)];
    }

    static Example example(Random r, String key, int sentences, ModelConfig c) {
        float[] f = features(c);
        for (int i = 0; i < f.length; i++) {
            f[i] = r.nextFloat();
        }
        List<int[]> text = new ArrayList<>();
        for (int s = 0; s < sentences; s++) {
            int[] ids = new int[1 + r.nextInt(c.text().maxTokens())];
            for (int k = 0; k < ids.length; k++) {
                ids[k] = 2 + r.nextInt(VOCAB - 2);
            }
            text.add(ids);
        }
        int px = c.decodedSize();
        float[] image = new float[3 * px * px];
        for (int i = 0; i < image.length; i++) {
            image[i] = r.nextFloat();
        }
        // the first sentence doubles as the image's caption, which the match head learns from
        return new Example(key, f, text, text.isEmpty() ? List.of() : List.of(text.get(0)), image, r.nextInt(5), r.nextInt(5));
    }

    static INDArray article(Network net, Example... batch) {
        return net.output(Feeds.encoder(List.of(batch), net, null), Encoder.ARTICLE).get(Encoder.ARTICLE);
    }

    @Test
    void paddingNeverChangesTheArticleEmbedding() {
        ModelConfig c = tiny();
        Autoencoder ae = Autoencoder.create(c, VECTORS);
        Random r = new Random(1);
        Example shortText = example(r, "a", 2, c);
        Example longText = example(r, "b", 4, c);
        INDArray alone = article(ae, shortText);
        INDArray padded = article(ae, shortText, longText);
        assertArrayEquals(alone.toFloatVector(), padded.getRow(0).toFloatVector(), 1e-5f);
        // a change in the padding after a sentence's last token must not matter either
        Map<String, INDArray> feed = Feeds.encoder(List.of(shortText), ae, null);
        INDArray words = feed.get(Encoder.WORDS); // [real sentences, tokens, dim]
        int len = shortText.sentences().get(0).length;
        if (len < c.text().maxTokens()) {
            words.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.point(len)).assign(9);
        }
        INDArray changed = ae.output(feed, Encoder.ARTICLE).get(Encoder.ARTICLE);
        assertArrayEquals(alone.toFloatVector(), changed.toFloatVector(), 1e-5f);
    }

    @Test
    void captionPhrasesOnlyTeachTheMatchHeadAndReachNoEmbedding() {
        ModelConfig c = tiny();
        Autoencoder ae = Autoencoder.create(c, VECTORS);
        Random r = new Random(12);
        Example a = example(r, "a", 2, c);
        Example b = example(r, "b", 3, c);
        Example noCaptions = new Example("a", a.features(), a.sentences(), List.of(), a.imageTarget(), -1, -1);
        assertArrayEquals(article(ae, noCaptions, b).reshape(-1).toFloatVector(), article(ae, a, b).reshape(-1).toFloatVector(), 1e-6f);
        Map<String, INDArray> feed = Feeds.autoencoder(List.of(a, b), ae, null);
        // rows: a's 2 sentences, b's 3, then a's and b's caption phrase; only the phrases teach, half on their
        // own image and half on the other
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 1}, feed.get(MatchHead.WEIGHTS).sum(1).toFloatVector(), 0f);
        assertArrayEquals(new float[] {0.5f, 0.5f}, feed.get(MatchHead.WEIGHTS).getRow(5).toFloatVector(), 0f);
        assertArrayEquals(new int[] {0, 0, 1, 1, 1, 0, 1}, feed.get(Encoder.OWNER).toIntVector());
        assertArrayEquals(new float[] {1, 0}, feed.get(MatchHead.TARGETS).getRow(5).toFloatVector(), 0f);
        assertArrayEquals(new float[] {0, 1}, feed.get(MatchHead.TARGETS).getRow(6).toFloatVector(), 0f);
        assertArrayEquals(new long[] {2, 4, InceptionV3.GRID_CHANNELS}, feed.get(Encoder.GRID).shape());
        // the head reads each row as the set of its words
        INDArray bag = feed.get(Encoder.BAG);
        assertArrayEquals(new long[] {7, VOCAB}, bag.shape());
        for (int id = 0; id < VOCAB; id++) {
            int word = id;
            boolean inPhrase = java.util.Arrays.stream(b.captions().get(0)).anyMatch(w -> w == word);
            assertEquals(inPhrase ? 1f : 0f, bag.getFloat(6, id), 0f, "word " + id);
        }
        // untrained, each logit is near 0: binary cross-entropy log 2 on both halves of each phrase's weight
        assertEquals(Math.log(2), ae.losses(feed).get(MatchHead.LOSS), 0.3);
        // without matchCaptions every text sentence teaches, and there are no caption rows
        Autoencoder sentences = Autoencoder.create(c.with(Map.of("matchCaptions", "false")), VECTORS);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1},
                Feeds.autoencoder(List.of(a, b), sentences, null).get(MatchHead.WEIGHTS).sum(1).toFloatVector(), 0f);
        // bundles from before matchBag read sentences through the word LSTM: no bag is fed or needed
        Autoencoder lstm = Autoencoder.create(c.with(Map.of("matchBag", "false")), VECTORS);
        Map<String, INDArray> lstmFeed = Feeds.autoencoder(List.of(a, b), lstm, null);
        assertFalse(lstmFeed.containsKey(Encoder.BAG));
        assertEquals(Math.log(2), lstm.losses(lstmFeed).get(MatchHead.LOSS), 0.3);
        // features without the grid are refused by name
        Example pooled = new Example("pooled", new float[ae.config().imageFeatures()], a.sentences(), null, -1, -1);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Feeds.encoder(List.of(pooled), ae, null));
        assertTrue(e.getMessage().startsWith("pooled: the match head reads the image's " + ae.config().matchHead().grid() + " grid"), e.getMessage());
    }

    @Test
    void theMatcherLearnsFromCaptionsAloneAndHandsItsHeadToTheAutoencoder() {
        ModelConfig c = tiny().with(Map.of("optimizer", "adam"));
        Matcher matcher = Matcher.create(c, VECTORS);
        Random r = new Random(14);
        List<Example> batch = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            // image i shows "object" i % 4 in cell i % 4; its one caption phrase names it among random words
            float[] f = features(c);
            f[c.imageFeatures() + (i % 4) * InceptionV3.GRID_CHANNELS + i % 4] = 3f;
            int[] phrase = example(r, "p" + i, 1, c).sentences().get(0).clone();
            phrase[0] = 2 + i % 4;
            batch.add(new Example("p" + i, f, List.of(), List.of(phrase), null, -1, -1));
        }
        Map<String, Double> before = matcher.losses(Feeds.matcher(batch, matcher, null));
        for (int i = 0; i < 150; i++) {
            matcher.trainStep(Feeds.matcher(batch, matcher, null), 0.01);
        }
        Map<String, Double> after = matcher.losses(Feeds.matcher(batch, matcher, null));
        assertTrue(after.get(MatchHead.LOSS) < before.get(MatchHead.LOSS) * 0.5, before + " -> " + after);
        assertEquals(1.0, after.get(MatchHead.ACCURACY), 1e-6, before + " -> " + after);
        // every variable the matcher trained is one of the autoencoder's, by name
        Map<String, INDArray> trained = new java.util.HashMap<>(matcher.parameters());
        trained.keySet().removeIf(n -> n.startsWith(Network.OPTIMIZER));
        Autoencoder ae = Autoencoder.create(c, VECTORS);
        assertEquals(trained.size(), ae.setParameters(trained));
        assertEquals(after.get(MatchHead.LOSS), ae.losses(Feeds.autoencoder(batch.stream().map(e -> new Example(e.key(),
                e.features(), List.of(), e.captions(), new float[3 * c.decodedSize() * c.decodedSize()], -1, -1)).toList(), ae, null))
                .get(MatchHead.LOSS), 1e-5);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Matcher.create(c.with(Map.of("matchCaptions", "false")), VECTORS));
    }

    @Test
    void theClassifierCountsSentencesByRelatednessAndTruth() {
        ModelConfig c = tiny();
        Classifier cl = Classifier.create(c, VECTORS);
        Random r = new Random(13);
        List<Example> batch = List.of(example(r, "a", 1, c), example(r, "b", 4, c), example(r, "c", 0, c));
        INDArray counts = cl.output(Feeds.encoder(batch, cl, null), SentenceCounts.COUNTS).get(SentenceCounts.COUNTS);
        assertArrayEquals(new long[] {3, 5}, counts.shape());
        for (int i = 0; i < 3; i++) {
            float[] x = counts.getRow(i).toFloatVector();
            int n = batch.get(i).sentences().size();
            assertEquals(n / (double) c.text().maxSentences(), x[4], 1e-6, "length share");
            // true and false related shares add up to the related share, each within [0, 1]; agreement within [-1, 1]
            assertEquals(x[2], x[0] + x[1], 1e-5);
            assertTrue(x[2] >= 0 && x[2] <= 1 && Math.abs(x[3]) <= 1, java.util.Arrays.toString(x));
            if (n == 0) {
                assertArrayEquals(new float[] {0, 0, 0, 0, 0}, x, 1e-6f, "an empty text counts nothing");
            }
        }
        assertFalse(Classifier.create(c.with(Map.of("sentenceCounts", "false")), VECTORS).variableNames().contains("cls/related/W"));
        // the heads read the FC layer and the counts' own ReLU layer, or (countsHidden 0) the counts themselves
        Map<String, INDArray> own = cl.parameters();
        assertArrayEquals(new long[] {c.classifier().hidden() + c.sentenceCounts().hidden(), 5}, own.get("cls/sc/W").shape());
        Map<String, INDArray> raw = Classifier.create(c.with(Map.of("countsHidden", "0")), VECTORS).parameters();
        assertFalse(raw.containsKey("cls/counts_hidden/W"));
        assertArrayEquals(new long[] {c.classifier().hidden() + 5, 5}, raw.get("cls/cmi/W").shape());
        // the counts' layer reads the counts, and with countsCoverage the coverage, the objects shown and the share
        // described
        Classifier plain = Classifier.create(c.with(Map.of("countsCoverage", "false")), VECTORS);
        assertArrayEquals(new long[] {5, c.sentenceCounts().hidden()}, plain.parameters().get("cls/counts_hidden/W").shape());
        assertFalse(plain.sameDiff().hasVariable(SentenceCounts.COVERAGE) || plain.sameDiff().hasVariable(SentenceCounts.OBJECTS));
        assertTrue(c.countsCoverage(), "on in tiny()");
        counts = cl.output(Feeds.encoder(batch, cl, null), SentenceCounts.COUNTS).get(SentenceCounts.COUNTS);
        assertArrayEquals(new long[] {5 + 3, c.sentenceCounts().hidden()}, cl.parameters().get("cls/counts_hidden/W").shape());
        INDArray coverage = cl.output(Feeds.encoder(batch, cl, null), SentenceCounts.COVERAGE).get(SentenceCounts.COVERAGE);
        assertArrayEquals(new long[] {3, 1}, coverage.shape());
        INDArray shown = cl.output(Feeds.encoder(batch, cl, null), SentenceCounts.OBJECTS).get(SentenceCounts.OBJECTS);
        assertArrayEquals(new long[] {3, 1}, shown.shape());
        for (int i = 0; i < 3; i++) {
            // a probability per cell (4 here), summed; untrained, each cell starts well below 1/2
            assertTrue(shown.getDouble(i, 0) > 0 && shown.getDouble(i, 0) < 2, "objects shown " + shown.getDouble(i, 0));
        }
        for (int i = 0; i < 3; i++) {
            // each sentence's attention sums to 1 over the cells: the most it gives is its weight, all of them
            // together at most the sum of the weights (related and true sentences, counts[0] x n)
            float[] x = counts.getRow(i).toFloatVector();
            int n = batch.get(i).sentences().size();
            double v = coverage.getDouble(i, 0);
            assertTrue(v >= 0 && v <= x[0] * n + 1e-5, v + " > " + x[0] * n);
            if (n == 1) {
                assertEquals(x[0], v, 1e-5, "one sentence covers its own weight");
            }
        }
        assertEquals(0.0, coverage.getDouble(2, 0), 1e-6, "an empty text covers nothing");
    }

    @Test
    void theObjectCountLearnsFromCaptionPhrasesAloneAndTheClassifierKeepsIt() {
        ModelConfig c = tiny();
        Classifier cl = Classifier.create(c, VECTORS);
        Random r = new Random(5);
        // an object is a cell with a pattern of its own, the background noise; the caption lists one phrase per object
        float[] pattern = new float[InceptionV3.GRID_CHANNELS];
        for (int k = 0; k < pattern.length; k++) {
            pattern[k] = (float) r.nextGaussian();
        }
        List<Example> batch = new ArrayList<>();
        for (int objects : new int[] {1, 2, 3, 4, 1, 2, 3, 4}) {
            float[] f = features(c);
            for (int cell = 0; cell < 4; cell++) {
                for (int k = 0; k < InceptionV3.GRID_CHANNELS; k++) {
                    float v = cell < objects ? pattern[k] : 0f;
                    f[c.imageFeatures() + cell * InceptionV3.GRID_CHANNELS + k] = v + 0.1f * (float) r.nextGaussian();
                }
            }
            List<int[]> phrases = new ArrayList<>();
            for (int k = 0; k < objects; k++) {
                phrases.add(new int[] {2 + k, 7});
            }
            batch.add(new Example("bbc:" + batch.size(), f, List.of(new int[] {2, 3}), phrases, null, 1, 2));
        }
        assertEquals(3, SentenceCounts.objectsNamed(batch.get(2)));
        assertEquals(-1, SentenceCounts.objectsNamed(new Example("bbc:x", features(c), List.of(), null, 0, 0)), "no caption");
        assertEquals(-1, SentenceCounts.objectsNamed(new Example("coco:1", features(c), List.of(), List.of(new int[] {2},
                new int[] {2}), null, 0, 0)), "a COCO pair's captions repeat its objects, one caption each");
        assertEquals(-1, SentenceCounts.objectsNamed(new Example("wiki:1", features(c), List.of(), List.of(new int[] {2, 3}),
                null, 0, 0)), "a Wikipedia caption names the figure");
        assertEquals(-1, SentenceCounts.objectsNamed(new Example("v", features(c), List.of(), List.of(new int[] {2}), null, 0,
                0)), "a key that names no source");
        assertEquals(3.0, Feeds.classifier(batch, cl, null).get(SentenceCounts.OBJECT_TARGETS).getDouble(2, 0));
        // the counter fits the count alone, then the classifier takes it and keeps it as it is
        ObjectCounter counter = ObjectCounter.create(c, VECTORS);
        Map<String, INDArray> feed = Feeds.objects(batch, counter, null);
        double first = counter.losses(feed).get(SentenceCounts.OBJECTS_LOSS);
        for (int step = 0; step < 150; step++) {
            counter.trainStep(Feeds.objects(batch, counter, null), 0.1);
        }
        double last = counter.losses(Feeds.objects(batch, counter, null)).get(SentenceCounts.OBJECTS_LOSS);
        assertTrue(last < 0.1 * first && last < 0.1, first + " -> " + last);
        Map<String, INDArray> fitted = counter.parameters();
        assertEquals(4, cl.setParameters(fitted), "the count's two layers, weights and biases");
        for (int step = 0; step < 3; step++) {
            cl.trainStep(Feeds.classifier(batch, cl, null), 0.1);
        }
        fitted.forEach((name, value) -> assertEquals(value, cl.parameters().get(name), name + " trained on"));
        INDArray shown = cl.output(Feeds.encoder(batch, cl, null), SentenceCounts.OBJECTS).get(SentenceCounts.OBJECTS);
        for (int i = 0; i < batch.size(); i++) {
            assertEquals(SentenceCounts.objectsNamed(batch.get(i)), shown.getDouble(i, 0), 0.4, "pair " + i);
        }
    }

    @Test
    void theClassifiersRelatednessIsTheShareOfVisualWordsSetFromCaptionsAndNeverTrained() {
        ModelConfig c = tiny();
        assertTrue(c.sentenceCounts().visualWords());
        Classifier cl = Classifier.create(c, VECTORS);
        float[] f = features(c);
        // words 2..4 occur in two caption phrases each, word 5 in one (not enough), the others in none
        List<int[]> captions = List.of(new int[] {2, 3, 4, 5}, new int[] {4, 3, 2, 2});
        Example visual = new Example("v", f, List.of(new int[] {2, 3, 4}), captions, null, 0, 0);
        Example other = new Example("o", f, List.of(new int[] {6, 7, 5}), List.of(), null, 0, 0);
        Example mixed = new Example("m", f, List.of(new int[] {2, 7}, new int[] {3, 4}), List.of(), null, 0, 0);
        assertEquals(3, cl.setVisualWords(List.of(visual, other)));
        INDArray counts = cl.output(Feeds.encoder(List.of(visual, other, mixed), cl, null), SentenceCounts.COUNTS)
                .get(SentenceCounts.COUNTS);
        // related share of the text: its rows' relatedness sigmoid(15 (share - 1/2)) over its sentences
        double all = 1 / (1 + Math.exp(-7.5));
        double half = 0.5;
        double none = 1 / (1 + Math.exp(7.5));
        assertEquals(all, counts.getDouble(0, 2), 1e-4);
        assertEquals(none, counts.getDouble(1, 2), 1e-4);
        assertEquals((half + all) / 2, counts.getDouble(2, 2), 1e-4, "rows of 1/2 and 2/2 visual words");
        // the words stay as set through training, and travel with the parameters
        INDArray before = cl.parameters().get(SentenceCounts.VISUAL_WORDS);
        List<Example> batch = List.of(new Example("v", f, visual.sentences(), visual.captions(), null, 4, 4),
                new Example("o", f, other.sentences(), List.of(), null, 0, 2));
        INDArray related = cl.parameters().get("cls/related/W");
        for (int i = 0; i < 3; i++) {
            cl.trainStep(Feeds.classifier(batch, cl, null), 0.1);
        }
        assertArrayEquals(before.toFloatVector(), cl.parameters().get(SentenceCounts.VISUAL_WORDS).toFloatVector());
        assertFalse(java.util.Arrays.equals(related.toFloatVector(), cl.parameters().get("cls/related/W").toFloatVector()),
                "the threshold learns");
        Classifier copy = Classifier.create(c, VECTORS);
        copy.setParameters(cl.parameters());
        assertArrayEquals(before.toFloatVector(), copy.parameters().get(SentenceCounts.VISUAL_WORDS).toFloatVector());
        // without the setting (or without counts), no visual words: relatedness learnt over the whole bag
        assertNull(c.with(Map.of("sentenceCounts", "false")).sentenceCounts());
        Classifier learnt = Classifier.create(c.with(Map.of("visualWords", "false")), VECTORS);
        assertFalse(learnt.variableNames().contains(SentenceCounts.VISUAL_WORDS));
        assertEquals(0, learnt.setVisualWords(List.of(visual)));
        assertArrayEquals(new long[] {VOCAB, 1}, learnt.parameters().get("cls/related/W").shape());
    }

    @Test
    void autoencoderStepsLowerBothLosses() {
        ModelConfig c = tiny();
        Autoencoder ae = Autoencoder.create(c, VECTORS);
        Random r = new Random(2);
        List<Example> batch = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            batch.add(example(r, "p" + i, 1 + i % 4, c));
        }
        Map<String, Double> before = ae.losses(Feeds.autoencoder(batch, ae, null));
        for (int i = 0; i < 60; i++) {
            ae.trainStep(Feeds.autoencoder(batch, ae, null), 0.5);
        }
        Map<String, Double> after = ae.losses(Feeds.autoencoder(batch, ae, null));
        assertTrue(after.get(Autoencoder.TEXT_LOSS) < before.get(Autoencoder.TEXT_LOSS), before + " -> " + after);
        assertTrue(after.get(Autoencoder.IMAGE_LOSS) < before.get(Autoencoder.IMAGE_LOSS), before + " -> " + after);
    }

    @Test
    void matchingLearnsWhichSentencesAreAboutWhichImageAndTheClassifierTakesItByName() {
        // pooled features, sentences read by the LSTM and every sentence teaching (the first matching), and the
        // grid learnt from captions read as bags of words
        matchingLearns(tiny().with(Map.of("matchGrid", "false", "matchCaptions", "false", "sentenceCounts", "false",
                "matchBag", "false")));
        matchingLearns(tiny());
    }

    private static void matchingLearns(ModelConfig tiny) {
        // Adam, as the generated preset: the match head's own weights then learn at full rate beside the text loss
        ModelConfig c = tiny.with(Map.of("matchWeight", "1", "optimizer", "adam"));
        Autoencoder ae = Autoencoder.create(c, VECTORS);
        Random r = new Random(5);
        List<Example> batch = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            // image i shows "object" i % 4 (on the grid: in cell i % 4); each of its sentences, and its caption, names
            // it (word 2 + i % 4) among random words
            float[] f = features(c);
            f[c.matchGrid() ? c.imageFeatures() + (i % 4) * InceptionV3.GRID_CHANNELS + i % 4 : i % 4] = 3f;
            Example e = example(r, "p" + i, 1 + i % 3, c);
            List<int[]> text = new ArrayList<>();
            for (int[] ids : e.sentences()) {
                int[] named = ids.clone();
                named[0] = 2 + i % 4;
                text.add(named);
            }
            batch.add(new Example(e.key(), f, text, List.of(text.get(0)), e.imageTarget(), 0, 0));
        }
        // pairs i and i + 4 show the same image: both count as a sentence's own
        Map<String, Double> before = ae.losses(Feeds.autoencoder(batch, ae, null));
        for (int i = 0; i < 150; i++) {
            ae.trainStep(Feeds.autoencoder(batch, ae, null), 0.01);
        }
        Map<String, Double> after = ae.losses(Feeds.autoencoder(batch, ae, null));
        assertTrue(after.get(MatchHead.LOSS) < before.get(MatchHead.LOSS) * 0.5, before + " -> " + after);
        assertEquals(1.0, after.get(MatchHead.ACCURACY), 1e-6, before + " -> " + after);
        assertTrue(after.get(Autoencoder.LOSS) > after.get(Autoencoder.IMAGE_LOSS) + after.get(Autoencoder.TEXT_LOSS));

        // the classifier's encoder scores the same sentences the same way, once it has the autoencoder's weights
        Classifier cl = Classifier.create(c, VECTORS);
        Map<String, INDArray> encoder = new java.util.HashMap<>(ae.parameters());
        encoder.keySet().removeIf(n -> !n.startsWith(Encoder.PREFIX));
        assertTrue(encoder.keySet().stream().anyMatch(n -> n.startsWith("enc/match/")), encoder.keySet().toString());
        assertEquals(encoder.size(), cl.setParameters(encoder));
        INDArray fromAe = ae.output(Feeds.encoder(batch, ae, null), Encoder.MATCH).get(Encoder.MATCH);
        INDArray fromCl = cl.output(Feeds.encoder(batch, cl, null), Encoder.MATCH).get(Encoder.MATCH);
        assertArrayEquals(fromAe.toFloatVector(), fromCl.toFloatVector(), 1e-5f);
        // and without matching (the paper) there are no matching variables at all
        assertFalse(Classifier.create(tiny().with(Map.of("matchWeight", "0")), VECTORS).variableNames().stream().anyMatch(n -> n.startsWith("enc/match/")));
    }

    @Test
    void classifierLearnsAFixedBatchAndSharesTheEncoderByName() {
        ModelConfig c = tiny();
        Autoencoder ae = Autoencoder.create(c, VECTORS);
        Classifier cl = Classifier.create(c, VECTORS);
        Map<String, INDArray> encoder = new java.util.HashMap<>(ae.parameters());
        encoder.keySet().removeIf(n -> !n.startsWith(Encoder.PREFIX));
        assertEquals(encoder.size(), cl.setParameters(encoder));
        Random r = new Random(3);
        List<Example> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Example e = example(r, "p" + i, 2, c);
            // labels the features determine, so there is something to learn
            float[] f = features(c); // nothing but the signal, as standardised features would make it
            f[i % 5] = 3f;
            f[5 + (i * 3) % 5] = 3f;
            batch.add(new Example(e.key(), f, e.sentences(), null, i % 5, (i * 3) % 5));
        }
        double first = cl.trainStep(Feeds.classifier(batch, cl, new Random(4)), 0.1).losses().get(Classifier.LOSS);
        for (int i = 0; i < 150; i++) {
            cl.trainStep(Feeds.classifier(batch, cl, null), 0.1);
        }
        double last = cl.losses(Feeds.classifier(batch, cl, null)).get(Classifier.LOSS);
        assertTrue(last < first * 0.5, first + " -> " + last);
        INDArray p = cl.output(Feeds.classifier(batch, cl, null), Classifier.CMI_PROBABILITIES).get(Classifier.CMI_PROBABILITIES);
        assertArrayEquals(new long[] {10, 5}, p.shape());
        assertEquals(10, p.sum(1).sumNumber().doubleValue(), 1e-4);
    }

    @Test
    void paperSizedAutoencoderAndClassifierRunAForwardAndABackwardPass() {
        ModelConfig paper = ModelConfig.paper();
        INDArray vectors = org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 50, paper.text().wordDim());
        Autoencoder ae = Autoencoder.create(paper, vectors);
        Random r = new Random(5);
        List<Example> batch = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            List<int[]> text = new ArrayList<>();
            for (int s = 0; s < paper.text().maxSentences(); s++) {
                text.add(r.ints(paper.text().maxTokens(), 2, 50).toArray());
            }
            float[] image = new float[3 * paper.decodedSize() * paper.decodedSize()];
            batch.add(new Example("p" + i, new float[InceptionV3.FEATURES], text, image, -1, -1));
        }
        Map<String, INDArray> out = ae.output(Feeds.autoencoder(batch, ae, null), Encoder.ARTICLE,
                Autoencoder.RECONSTRUCTION, Autoencoder.LOSS);
        assertArrayEquals(new long[] {2, 2400}, out.get(Encoder.ARTICLE).shape());
        assertArrayEquals(new long[] {2, 3, 240, 240}, out.get(Autoencoder.RECONSTRUCTION).shape());
        assertTrue(Double.isFinite(out.get(Autoencoder.LOSS).getDouble(0)));
        Classifier cl = Classifier.create(paper, vectors);
        INDArray p = cl.output(Feeds.classifier(batch, cl, null), Classifier.SC_PROBABILITIES).get(Classifier.SC_PROBABILITIES);
        assertArrayEquals(new long[] {2, 5}, p.shape());

        // and one backward pass each (two pairs: SameDiff's backward pass fails on a batch of one, see below)
        List<Example> labelled = batch.stream().map(e -> new Example(e.key(), e.features(), e.sentences(), e.imageTarget(), 1, 3))
                .toList();
        INDArray before = cl.parameters().get("enc/word_lstm/W");
        Network.Step step = cl.trainStep(Feeds.classifier(labelled, cl, new Random(6)), paper.training().learningRate());
        assertTrue(Double.isFinite(step.losses().get(Classifier.LOSS)) && step.gradientNorm() > 0, step.toString());
        assertTrue(cl.parameters().get("enc/word_lstm/W").sub(before).amaxNumber().doubleValue() > 0, "the encoder moved");
        Network.Step aeStep = ae.trainStep(Feeds.autoencoder(batch, ae, new Random(7)), paper.training().learningRate());
        assertTrue(Double.isFinite(aeStep.losses().get(Autoencoder.LOSS)) && aeStep.gradientNorm() > 0, aeStep.toString());
    }

    /**
     * SameDiff M2.1's backward pass fails on a batch of one (a reduction's gradient meets a null input in
     * BaseReduceOp.noOp; not the LSTMs, which are plain ops now); the trainer never makes one (this test fails if
     * that changes).
     */
    @Test
    void aBatchOfOnePairFailsToTrainWhichIsWhyTheTrainerNeverMakesOne() {
        ModelConfig c = tiny();
        Random r = new Random(9);
        Example one = example(r, "one", 3, c);
        Classifier cl = Classifier.create(c, VECTORS);
        org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> cl.trainStep(Feeds.classifier(List.of(one), cl, r), 0.1));
        Example two = example(r, "two", 2, c);
        assertTrue(Double.isFinite(cl.trainStep(Feeds.classifier(List.of(one, two), cl, r), 0.1).losses().get(Classifier.LOSS)));
        assertEquals(1, cl.output(Feeds.classifier(List.of(one), cl, null), Classifier.SC_PROBABILITIES)
                .get(Classifier.SC_PROBABILITIES).rows(), "inference on one pair works");
    }

    /**
     * The trainer reads each example when its batch is made, not all of them at an epoch's start (a spooled corpus
     * would otherwise be read into memory whole: issue 34).
     */
    @Test
    void anEpochReadsItsExamplesOneBatchAtATime(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        ModelConfig c = tiny();
        Random r = new Random(12);
        List<Example> held = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            held.add(example(r, "p" + i, 2, c));
        }
        int[] reads = {0};
        List<Example> onDisk = new java.util.AbstractList<>() {
            @Override
            public Example get(int i) {
                reads[0]++;
                return held.get(i);
            }

            @Override
            public int size() {
                return held.size();
            }
        };
        Classifier cl = Classifier.create(c, VECTORS);
        int[] fed = {0};
        List<Integer> readAhead = new ArrayList<>();
        class EpochEnded extends RuntimeException {
        }
        org.infogap.train.Trainer trainer = new org.infogap.train.Trainer(cl, (batch, random) -> {
            fed[0] += batch.size();
            readAhead.add(reads[0] - fed[0]);
            return Feeds.classifier(batch, cl, random);
        }, net -> new java.util.HashMap<>(Map.of("loss", 1.0)), "loss", false, state -> {
            throw new EpochEnded(); // the epoch is over: nothing to save for this test
        });
        org.junit.jupiter.api.Assertions.assertThrows(EpochEnded.class, () -> trainer.run(onDisk, 1, dir, false));
        assertEquals(40, fed[0]);
        assertEquals(40, reads[0], "each example read once in the epoch");
        assertTrue(readAhead.stream().allMatch(n -> n == 0), "no example read before its batch: " + readAhead);
    }

    @Test
    void zeroEpochsAreRefusedSinceTheRunWouldWriteNoModel() {
        for (String key : List.of("aeEpochs", "classifierEpochs")) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> tiny().with(Map.of(key, "0")));
            assertTrue(e.getMessage().contains(key + " must be positive"), e.getMessage());
        }
    }

    @Test
    void aBundleConfigFromBeforeMatchingAndWhiteningReadsAsItWasTrained() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode old = org.infogap.io.Json.mapper().valueToTree(FlatConfig.of(ModelConfig.generated()));
        old.remove(List.of("whitenFloor", "matchWeight", "whitenWords", "matchGrid", "matchCaptions", "sentenceCounts",
                "visualWords", "countsHidden", "countsCoverage"));
        ModelConfig read = ModelConfig.fromJson(old.toString());
        assertEquals(List.of(), read.components().names(), "no component: matching and whitening came later");
        // a bundle from before the grid, with matching: pooled features, every sentence teaching, no counts
        old.put("matchWeight", 1.0);
        ModelConfig pooled = ModelConfig.fromJson(old.toString());
        assertEquals(new MatchHead.Settings(1.0, null, false, 0, true), pooled.matchHead());
        assertEquals(List.of("matchHead"), pooled.components().names());
        // a version-1 config of today's preset: every component it had, whitened with the floor it used
        com.fasterxml.jackson.databind.node.ObjectNode flat = org.infogap.io.Json.mapper().valueToTree(FlatConfig.of(ModelConfig.generated()));
        flat.remove("whitenFloor");
        assertEquals(ModelConfig.generated(), ModelConfig.fromJson(flat.toString()));
        assertEquals(ModelConfig.generated(), ModelConfig.fromJson(ModelConfig.generated().toJson()));
    }

    @Test
    void weightDecayShrinksWeightMatricesButNotBiases() {
        Random r = new Random(11);
        List<Example> batch = List.of(example(r, "a", 2, tiny()), example(r, "b", 3, tiny()));
        INDArray[] after = new INDArray[2];
        INDArray[] bias = new INDArray[2];
        for (int i = 0; i < 2; i++) {
            ModelConfig c = tiny().with(Map.of("weightDecay", i == 0 ? "0" : "5"));
            Classifier cl = Classifier.create(c, VECTORS);
            cl.trainStep(Feeds.classifier(batch, cl, null), 0.1);
            after[i] = cl.parameters().get("cls/hidden/W");
            bias[i] = cl.parameters().get("cls/hidden/b");
        }
        assertTrue(after[1].norm2Number().doubleValue() < after[0].norm2Number().doubleValue() * 0.9);
        assertArrayEquals(bias[0].toFloatVector(), bias[1].toFloatVector(), 1e-3f, "biases are not decayed");
    }

    @Test
    void adamLearnsAndItsStateMakesAStoppedRunContinueExactly() {
        ModelConfig c = tiny().with(Map.of("optimizer", "adam"));
        Random r = new Random(5);
        List<Example> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            float[] f = features(c);
            f[i % 5] = 3f;
            batch.add(new Example("p" + i, f, example(r, "p" + i, 2, c).sentences(), null, i % 5, i % 5));
        }
        Classifier straight = Classifier.create(c, VECTORS);
        double first = straight.losses(Feeds.classifier(batch, straight, null)).get(Classifier.LOSS);
        for (int i = 0; i < 40; i++) {
            straight.trainStep(Feeds.classifier(batch, straight, null), 0.01);
        }
        double last = straight.losses(Feeds.classifier(batch, straight, null)).get(Classifier.LOSS);
        assertTrue(last < first * 0.5, "Adam at lr 0.01: " + first + " -> " + last);

        Classifier a = Classifier.create(c, VECTORS);
        for (int i = 0; i < 20; i++) {
            a.trainStep(Feeds.classifier(batch, a, null), 0.01);
        }
        Map<String, INDArray> saved = a.parameters();
        assertTrue(saved.containsKey(Network.OPTIMIZER + "cls/hidden/W"), "moments are saved with the weights");
        Classifier b = Classifier.create(c, VECTORS);
        b.setParameters(saved);
        for (int i = 0; i < 20; i++) {
            b.trainStep(Feeds.classifier(batch, b, null), 0.01);
        }
        assertArrayEquals(straight.parameters().get("cls/hidden/W").reshape(-1).toFloatVector(),
                b.parameters().get("cls/hidden/W").reshape(-1).toFloatVector(),
                1e-5f, "20 + 20 steps through a checkpoint equal 40 straight");
        assertFalse(Classifier.create(tiny().with(Map.of("matchWeight", "0")), VECTORS).parameters().keySet().stream().anyMatch(k -> k.startsWith(Network.OPTIMIZER)),
                "SGD has no state");
    }

    @Test
    void endToEndStepsTrainInceptionV3ThroughTheFeatureGradient(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // end to end trains pooled features; the match head as before the grid, so the loss stays close to linear in the step
        ModelConfig c = tiny().with(Map.of("fineTuneImage", "true", "imageLrScale", "1", "matchGrid", "false",
                "matchCaptions", "false", "sentenceCounts", "false"));
        Random r = new Random(5);
        List<Example> batch = new ArrayList<>();
        Map<String, java.nio.file.Path> files = new java.util.HashMap<>();
        List<float[]> initial = new ArrayList<>();
        ImageEncoder fixed = ImageEncoder.create(c.image().size(), null, c.training().seed());
        for (int i = 0; i < 6; i++) {
            java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(75, 75, java.awt.image.BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = image.createGraphics();
            g.setColor(new java.awt.Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            g.fillRect(0, 0, 75, 75);
            g.setColor(java.awt.Color.WHITE);
            g.fillOval(r.nextInt(40), r.nextInt(40), 30, 30);
            g.dispose();
            java.nio.file.Path file = dir.resolve("i" + i + ".png");
            javax.imageio.ImageIO.write(image, "png", file.toFile());
            files.put("p" + i, file);
            initial.add(fixed.features(file));
            batch.add(example(r, "p" + i, 2, c));
        }
        FeatureNorm norm = FeatureNorm.estimate(initial);
        Classifier net = Classifier.create(c, VECTORS);
        ImageTuner tuner = ImageTuner.create(c, null, null, norm, files);
        net.attach(tuner);
        net.setTrainable(n -> false); // only InceptionV3 learns: the loss can fall through the image side alone
        INDArray start = tuner.params().dup();
        double before = net.losses(Feeds.classifier(batch, net, null)).get(Classifier.LOSS);
        double[] drops = new double[2];
        double[] rates = {1e-6, 1e-5};
        for (int i = 0; i < rates.length; i++) {
            tuner.setParams(start.dup());
            Map<String, INDArray> feed = Feeds.classifier(batch, net, null);
            assertTrue(feed.containsKey(ImageTuner.PIXELS));
            // the step's own loss is computed before its update, on the same (folded, so mode-free) function
            assertEquals(before, net.trainStep(feed, rates[i]).losses().get(Classifier.LOSS), 1e-6);
            drops[i] = before - net.losses(Feeds.classifier(batch, net, null)).get(Classifier.LOSS);
        }
        // a small SGD step along the backpropagated gradient lowers the loss, in proportion to the step
        // (first order): the gradient reaches InceptionV3 with the right sign and scale; measured drops
        // 0.006 and 0.056 here
        assertTrue(drops[0] > 0, "a step should lower the loss: " + java.util.Arrays.toString(drops));
        double ratio = drops[1] / drops[0];
        assertTrue(ratio > 5 && ratio < 15, "ten times the step, about ten times the drop: " + java.util.Arrays.toString(drops));
        assertFalse(start.equalsWithEps(tuner.params(), 1e-9), "InceptionV3 parameters should move");
        // the parameters (with the optimiser's state) round-trip through parameters()/setParameters
        Map<String, INDArray> saved = net.parameters();
        assertTrue(saved.containsKey(ImageTuner.PARAMS));
        Classifier other = Classifier.create(c, VECTORS);
        ImageTuner otherTuner = ImageTuner.create(c, null, null, norm, files);
        other.attach(otherTuner);
        other.setParameters(saved);
        assertArrayEquals(tuner.params().toFloatVector(), otherTuner.params().toFloatVector(), 0f);
    }
}
