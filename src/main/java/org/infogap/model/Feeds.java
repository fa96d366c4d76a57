package org.infogap.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns a batch of {@link Example}s into the placeholders of the graphs: padded token ids with their
 * lengths, image features and targets, one-hot labels, and dropout masks (inverted dropout: kept units
 * scaled by 1/keep during training; all ones when {@code random} is null, i.e. at inference).
 */
public final class Feeds {

    private Feeds() {
    }

    /** One of the feed makers below, e.g. {@code Feeds::autoencoder}. */
    @FunctionalInterface
    public interface Maker {
        Map<String, INDArray> feed(List<Example> batch, Network net, Random random);
    }

    public static Map<String, INDArray> encoder(List<Example> batch, Network net, Random random) {
        return encoder(batch, net, random, net.config().matchCaptions());
    }

    /** @param captions whether the caption phrases follow the text rows (only the match head's loss reads them) */
    private static Map<String, INDArray> encoder(List<Example> batch, Network net, Random random, boolean captions) {
        ModelConfig c = net.config();
        int b = batch.size();
        int s = net.shape().sentences();
        int t = net.shape().tokens();
        int pooled = c.imageFeatures();
        int cells = c.matchGrid() ? batch.get(0).gridCells(pooled) : 0;
        int gridLength = cells * InceptionV3.GRID_CHANNELS;
        for (Example e : batch) { // refusals before any native memory is taken
            int own = e.gridCells(pooled); // also checks the length: features of another image layer are refused
            if (c.matchGrid() && (own == 0 || own != cells)) {
                throw new IllegalArgumentException(e.key() + ": the match head reads the image's "
                        + c.matchHead().grid() + " grid, of " + cells + " cells; its features have "
                        + own + " (an image encoder without the grid?)");
            }
        }
        // written straight into the arrays' native buffers: a Java copy of a batch's features first (200 KB a pair
        // with the 8 x 8 grid) was a third of what a scoring request allocated, and the young collections it caused
        // paused the scoring thread (docs/decisions/2026-12-06-scoring-throughput.md)
        INDArray features = Nd4j.createUninitialized(DataType.FLOAT, b, pooled);
        INDArray grid = c.matchGrid() ? Nd4j.createUninitialized(DataType.FLOAT, b, cells, InceptionV3.GRID_CHANNELS) : null;
        java.nio.FloatBuffer featureBuffer = features.data().asNioFloat();
        java.nio.FloatBuffer gridBuffer = grid == null ? null : grid.data().asNioFloat();
        float[] counts = new float[b];
        List<int[]> real = new java.util.ArrayList<>();
        List<Integer> slots = new java.util.ArrayList<>();
        List<Integer> owners = new java.util.ArrayList<>();
        for (int i = 0; i < b; i++) {
            Example e = batch.get(i);
            float[] f = e.features(); // once: a stored image's are read from disk
            featureBuffer.put(i * pooled, f, 0, pooled);
            if (gridBuffer != null) {
                gridBuffer.put(i * gridLength, f, pooled, gridLength);
            }
            int n = Math.min(s, e.sentences().size());
            counts[i] = n;
            for (int j = 0; j < n; j++) {
                real.add(e.sentences().get(j));
                slots.add(i * s + j);
                owners.add(i);
            }
        }
        if (captions) {
            // after the text rows, placed nowhere: only the match head's loss reads them
            for (int i = 0; i < b; i++) {
                for (int[] phrase : batch.get(i).captions()) {
                    real.add(phrase);
                    slots.add(-1);
                    owners.add(i);
                }
            }
        }
        if (real.isEmpty()) {
            real.add(new int[0]); // the LSTM needs a row; placed nowhere, it reaches no embedding
            slots.add(-1);
            owners.add(0);
        }
        int n = real.size();
        INDArray placement = Nd4j.zeros(DataType.FLOAT, (long) b * s, n);
        for (int r = 0; r < n; r++) {
            if (slots.get(r) >= 0) {
                placement.putScalar(slots.get(r), r, 1f);
            }
        }
        // the rows the word LSTM reads: every row, or each distinct sentence once when the graph shares them
        List<int[]> distinct = real;
        INDArray rowsOf = null;
        if (net.shape().shareSentences()) {
            Map<java.nio.IntBuffer, Integer> index = new HashMap<>();
            distinct = new java.util.ArrayList<>();
            int[] of = new int[n];
            for (int r = 0; r < n; r++) {
                int[] ids = real.get(r);
                int[] kept = java.util.Arrays.copyOf(ids, Math.min(t, ids.length)); // rows equal as the LSTM reads them
                List<int[]> d = distinct;
                of[r] = index.computeIfAbsent(java.nio.IntBuffer.wrap(kept), k -> {
                    d.add(kept);
                    return d.size() - 1;
                });
            }
            rowsOf = Nd4j.zeros(DataType.FLOAT, n, distinct.size());
            for (int r = 0; r < n; r++) {
                rowsOf.putScalar(r, of[r], 1f);
            }
        }
        int u = distinct.size();
        int[] tokens = new int[u * t];
        float[] lengths = new float[u];
        for (int r = 0; r < u; r++) {
            int[] ids = distinct.get(r);
            int len = Math.min(t, ids.length);
            System.arraycopy(ids, 0, tokens, r * t, len);
            lengths[r] = Math.max(1, len); // an LSTM needs one step
        }
        INDArray vectors = net.wordVectors();
        // pad id 0 looks up the <pad> row; lengths keep it out of every embedding
        INDArray pulled = Nd4j.pullRows(vectors, 1, tokens);
        // a copy, not a reshaped view: views are not closeable, and the pulled rows (n x t x 300 floats, MBs
        // per batch) must be freed now, not whenever the collector gets to them
        INDArray words = pulled.reshape('c', u, t, vectors.columns()).dup();
        pulled.close();
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(Encoder.FEATURES, features);
        if (grid != null) {
            feed.put(Encoder.GRID, grid);
            feed.put(Encoder.OWNER, Nd4j.createFromArray(owners.stream().mapToInt(Integer::intValue).toArray()));
        }
        feed.put(Encoder.WORDS, words);
        if (c.matching() && c.matchHead().bag()) {
            feed.put(Encoder.BAG, bag(distinct, t, (int) vectors.rows()));
        }
        if (rowsOf != null) {
            feed.put(Encoder.SENTENCE_ROWS, rowsOf);
        }
        feed.put(Encoder.TOKEN_LENGTHS, Nd4j.createFromArray(lengths));
        feed.put(Encoder.SENTENCE_COUNTS, Nd4j.createFromArray(counts));
        feed.put(Encoder.PLACEMENT, placement);
        feed.put(Encoder.DROP_IMAGE, mask(b, c.image().dim(), c.training().keepEncoder(), random));
        feed.put(Encoder.DROP_SENTENCES, mask(n, c.text().sentenceDim(), c.training().keepEncoder(), random));
        feed.put(Encoder.DROP_ARTICLE, mask(b, c.text().articleDim(), c.training().keepEncoder(), random));
        if (net.imageTuner() != null) {
            feed.put(ImageTuner.PIXELS, net.imageTuner().pixels(batch)); // features from the image, not the cache
        }
        return feed;
    }

    public static Map<String, INDArray> autoencoder(List<Example> batch, Network net, Random random) {
        ModelConfig c = net.config();
        Map<String, INDArray> feed = encoder(batch, net, random);
        int vocabulary = (int) net.wordVectors().rows();
        int b = batch.size();
        int r = c.decodedSize();
        int t = c.text().maxTokens();
        int rows = (int) feed.get(Encoder.WORDS).size(0);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, (long) rows * t, vocabulary);
        float[] tokenMask = new float[rows * t];
        float[] target = new float[b * 3 * r * r];
        int row = 0;
        for (int i = 0; i < b; i++) {
            Example e = batch.get(i);
            float[] pixels = e.imageTarget(); // once: a stored target is read from disk
            if (pixels == null || pixels.length != 3 * r * r) {
                throw new IllegalArgumentException(e.key() + ": the autoencoder needs the image at " + r + " px");
            }
            System.arraycopy(pixels, 0, target, i * 3 * r * r, 3 * r * r);
            int n = Math.min(c.text().maxSentences(), e.sentences().size());
            for (int j = 0; j < n; j++, row++) {
                int[] ids = e.sentences().get(j);
                for (int k = 0; k < Math.min(t, ids.length); k++) {
                    tokenMask[row * t + k] = 1;
                    labels.putScalar((long) row * t + k, ids[k], 1f);
                }
            }
        }
        // caption rows (after the text's) are not decoded: their token mask stays 0
        feed.put(Autoencoder.IMAGE_TARGET, floats(target, b, 3, r, r));
        feed.put(Autoencoder.TOKEN_MASK, Nd4j.createFromArray(tokenMask));
        feed.put(Autoencoder.TOKEN_LABELS, labels);
        feed.put(Autoencoder.DROP_DECODER, mask(b, c.text().articleDim(), c.training().keepDecoder(), random));
        if (c.matching()) {
            feed.put(MatchHead.TARGETS, matchTargets(batch, feed, c));
        }
        return feed;
    }

    /** The match head's warm-up ({@link Matcher}): the encoder's placeholders and the matching targets. */
    public static Map<String, INDArray> matcher(List<Example> batch, Network net, Random random) {
        Map<String, INDArray> feed = encoder(batch, net, random);
        feed.put(MatchHead.TARGETS, matchTargets(batch, feed, net.config()));
        return feed;
    }

    public static Map<String, INDArray> classifier(List<Example> batch, Network net, Random random) {
        ModelConfig c = net.config();
        Map<String, INDArray> feed = encoder(batch, net, random);
        int b = batch.size();
        float[] cmi = new float[b * Classifier.LEVELS];
        float[] sc = new float[b * Classifier.LEVELS];
        for (int i = 0; i < b; i++) {
            Example e = batch.get(i);
            if (e.cmi() >= 0) {
                cmi[i * Classifier.LEVELS + e.cmi()] = 1;
            }
            if (e.sc() >= 0) {
                sc[i * Classifier.LEVELS + e.sc()] = 1;
            }
        }
        feed.put(Classifier.CMI_LABELS, floats(cmi, b, Classifier.LEVELS));
        feed.put(Classifier.SC_LABELS, floats(sc, b, Classifier.LEVELS));
        feed.put(Classifier.DROP_HIDDEN, mask(b, c.classifier().hidden(), c.training().keepDecoder(), random));
        if (c.countsCoverage()) {
            putObjectTargets(batch, feed);
        }
        if (c.matching()) {
            feed.put(MatchHead.TARGETS, matchTargets(batch, feed, c));
        }
        return feed;
    }

    /**
     * What scoring needs of a classifier's placeholders: the encoder's and the hidden layer's (all-ones) mask; no
     * labels, match targets, object counts or caption rows, which only the losses read.
     */
    public static Map<String, INDArray> inference(List<Example> batch, Network net) {
        Map<String, INDArray> feed = encoder(batch, net, null, false);
        feed.put(Classifier.DROP_HIDDEN, mask(batch.size(), net.config().classifier().hidden(), 1, null));
        return feed;
    }

    /**
     * The object count's pre-fit ({@link ObjectCounter}): the images' grids and how many objects their captions
     * name.
     */
    public static Map<String, INDArray> objects(List<Example> batch, Network net, Random random) {
        int b = batch.size();
        int pooled = net.config().imageFeatures();
        int cells = batch.get(0).gridCells(pooled);
        int length = cells * InceptionV3.GRID_CHANNELS;
        float[] grid = new float[b * length];
        for (int i = 0; i < b; i++) {
            Example e = batch.get(i);
            if (cells == 0 || e.gridCells(pooled) != cells) {
                throw new IllegalArgumentException(e.key() + ": the object count reads the image's grid of " + cells
                        + " cells; its features have " + e.gridCells(pooled));
            }
            System.arraycopy(e.features(), pooled, grid, i * length, length);
        }
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(Encoder.GRID, floats(grid, b, cells, InceptionV3.GRID_CHANNELS));
        putObjectTargets(batch, feed);
        return feed;
    }

    private static void putObjectTargets(List<Example> batch, Map<String, INDArray> feed) {
        int b = batch.size();
        float[] objects = new float[b];
        float[] known = new float[b];
        for (int i = 0; i < b; i++) {
            int n = SentenceCounts.objectsNamed(batch.get(i));
            objects[i] = Math.max(n, 0);
            known[i] = n >= 0 ? 1 : 0;
        }
        feed.put(SentenceCounts.OBJECT_TARGETS, floats(objects, b, 1));
        feed.put(SentenceCounts.OBJECT_MASK, floats(known, b, 1));
    }

    /**
     * Each row's own image(s) among the batch's, one row per row of the encoder feed's words, as {@link
     * MatchHead#TARGETS}; sets {@link MatchHead#WEIGHTS} in the feed: the caption rows teach with
     * {@link ModelConfig#matchCaptions()}, every text sentence without.
     */
    private static INDArray matchTargets(List<Example> batch, Map<String, INDArray> encoderFeed, ModelConfig c) {
        int b = batch.size();
        long rows = encoderFeed.get(Encoder.DROP_SENTENCES).size(0); // every row, shared or not
        INDArray targets = Nd4j.zeros(DataType.FLOAT, rows, b);
        INDArray weights = Nd4j.zeros(DataType.FLOAT, rows, b);
        List<List<Integer>> sameImage = new java.util.ArrayList<>(); // per pair, the pairs showing its image
        for (int i = 0; i < b; i++) {
            List<Integer> same = new java.util.ArrayList<>();
            for (int k = 0; k < b; k++) {
                if (batch.get(i).image().sameImage(batch.get(k).image())) {
                    same.add(k);
                }
            }
            sameImage.add(same);
        }
        int row = 0;
        for (boolean captions : new boolean[] {false, true}) {
            if (captions && !c.matchCaptions()) {
                break;
            }
            for (int i = 0; i < b; i++) {
                List<Integer> same = sameImage.get(i);
                int n = captions ? batch.get(i).captions().size() : Math.min(c.text().maxSentences(), batch.get(i).sentences().size());
                boolean teaches = captions == c.matchCaptions();
                for (int j = 0; j < n; j++, row++) {
                    for (int k = 0; k < b; k++) {
                        boolean own = same.contains(k);
                        targets.putScalar(row, k, own ? 1f : 0f);
                        if (teaches) {
                            weights.putScalar(row, k, 0.5f / (own ? same.size() : b - same.size()));
                        }
                    }
                }
            }
        }
        encoderFeed.put(MatchHead.WEIGHTS, weights);
        return targets;
    }

    /** [rows, vocabulary]: 1 where a row holds the word (pad id 0 never: an empty row's bag is empty). */
    static INDArray bag(List<int[]> rows, int maxTokens, int vocabulary) {
        float[] bag = new float[rows.size() * vocabulary];
        for (int r = 0; r < rows.size(); r++) {
            int[] ids = rows.get(r);
            for (int k = 0; k < Math.min(maxTokens, ids.length); k++) {
                if (ids[k] > 0) {
                    bag[r * vocabulary + ids[k]] = 1f;
                }
            }
        }
        return floats(bag, rows.size(), vocabulary);
    }

    private static INDArray mask(int rows, int cols, double keep, Random random) {
        if (random == null || keep >= 1) {
            return Nd4j.ones(DataType.FLOAT, rows, cols);
        }
        float[] m = new float[rows * cols];
        float kept = (float) (1 / keep);
        for (int i = 0; i < m.length; i++) {
            m[i] = random.nextDouble() < keep ? kept : 0f;
        }
        return floats(m, rows, cols);
    }

    /**
     * {@code data} as a new array of {@code shape}, copied in one bulk put. {@code Nd4j.create(float[], ...)} copies
     * element by element through an indexer: for a batch's 8 x 8 grids (60 pairs: 2.9 million floats) that took
     * 12-19 ms against 6 ms in bulk, on every scoring pass (a JFR profile of bench api: 15% of the scoring thread).
     */
    static INDArray floats(float[] data, long... shape) {
        if (data.length == 0) {
            return Nd4j.create(data, shape, DataType.FLOAT);
        }
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, shape);
        if (out.length() != data.length) {
            throw new IllegalArgumentException(data.length + " values for shape " + java.util.Arrays.toString(shape));
        }
        out.data().asNioFloat().put(data);
        return out;
    }
}
