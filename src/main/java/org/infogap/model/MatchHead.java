package org.infogap.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.weightinit.impl.XavierInitScheme;
import org.nd4j.weightinit.impl.ZeroInitScheme;

/**
 * Scores a sentence against an image (not in the paper; {@link MatchHead.Settings#weight()}). The sentence
 * (the bag of its words with {@link MatchHead.Settings#bag()}; else its word-LSTM embedding beside the mean of its
 * word vectors) and the image are projected to a common space, m = 2 x sentenceDim; their
 * product and both projections go through a ReLU layer to one logit:
 * {@code relu((s*i) W1 + s W2 + i W3 + b) w + c}. The image is its pooled InceptionV3 features, or with
 * {@link ModelConfig#matchGrid()} what the sentence picks from its grid: attention over the cells, the
 * sentence's query against each cell's key ({@code softmax(q k_c / sqrt(m))}), averaging the cells. The weights
 * ({@code enc/match/...}) are created by the first call in a graph and shared by later ones, so the
 * autoencoder trains, against all images of its batch, the head that the encoder applies to each sentence's
 * own image.
 */
public final class MatchHead {

    private static final String NAME = "enc/match/";
    /**
     * [rows, batch]: 1 where the pair's image is row r's own (several when pairs share an image, as COCO's
     * captions do), 0 elsewhere.
     */
    public static final String TARGETS = "match_targets";
    /**
     * [rows, batch]: each logit's weight in the loss; a row that teaches (a caption phrase, or every sentence)
     * puts 1/2 on its own image(s) and 1/2 on the others, the other rows 0.
     */
    public static final String WEIGHTS = "match_weights";
    public static final String LOSS = "match_loss";
    /** [rows, batch]: every row's logit against every image of the batch. */
    public static final String LOGITS = "match_logits";
    /** With {@link ModelConfig#matchGrid()}: [rows, cells], each row's attention over its own image's cells. */
    public static final String ATTENTION = "sentence_attention";
    /** Share of the teaching rows whose own image scores above all the batch's others (1/batch by chance). */
    public static final String ACCURACY = "match_accuracy";

    /**
     * The match head's section of {@link ModelConfig.Components}.
     *
     * @param weight       the matching loss's weight beside the stage's own loss (flat name {@code matchWeight})
     * @param grid         the 17x17-stage block ({@code mixed3..mixed7}, 768 channels, 8x8 cells at 160 px) the head
     *                     attends over, with the sentence as query; null: the pooled features. Every generated claim
     *                     ties an attribute to a position, which pooling drops (a verifier told the truth of each
     *                     sentence reached 0.65 on pooled features, 0.81 on a grid, tools/sentence_verifier_ceiling.py;
     *                     on nsfwjs's mixed5 grid 0.79, mixed7 0.69; docs/decisions/2026-11-30-pretrained-image-encoder.md)
     *                     (flat: {@code matchGrid}, {@code gridLayer})
     * @param captions     learn from captions (COCO texts, BBC image captions) split into object phrases, each picking
     *                     its own image among the batch's; false: from every sentence of every text, which teaches
     *                     contradicting sentences to match their image too ({@code matchCaptions})
     * @param warmupEpochs epochs of the head's warm-up ({@link Matcher}) on caption phrases alone, before the
     *                     autoencoder's; needs captions ({@code matchEpochs})
     * @param bag          read each sentence as the bag of its words (a 0/1 vector over the vocabulary through learnt
     *                     layers) instead of its word-LSTM embedding beside the mean of its fixed Word2Vec vectors: the
     *                     head must tell "red" from "blue", which fixed vectors barely do (a PyTorch replica of the head,
     *                     3 epochs: test-claim ROC AUC 0.85 from the bag, 0.78 from whitened Word2Vec means)
     *                     ({@code matchBag})
     */
    public record Settings(double weight, String grid, boolean captions, int warmupEpochs, boolean bag) {
        public Settings {
            if (!(weight > 0)) {
                throw new IllegalArgumentException("matchHead.weight must be > 0 (remove the component to turn it off), got " + weight);
            }
            if (grid != null) {
                InceptionV3.checkGridLayer(grid);
            }
            if (warmupEpochs < 0) {
                throw new IllegalArgumentException("matchHead.warmupEpochs must be >= 0, got " + warmupEpochs);
            }
            if (warmupEpochs > 0 && !captions) {
                throw new IllegalArgumentException("matchHead.warmupEpochs: the warm-up learns from captions, it needs matchHead.captions");
            }
        }
    }

    private MatchHead() {
    }

    /**
     * Per row of {@code sentences}, its logit against its own pair's image: [rows, 1]; {@code slots} per text. With
     * {@code bySlot} (scoring graphs, whose rows are all placed text sentences) the attention runs per pair, its slots'
     * queries against its own grid in one product, instead of copying the grid once per row: same values, without a
     * [rows, cells, channels] copy, which was most of a pass's cost per pair.
     */
    static SDVariable ownImage(SameDiff sd, ModelConfig c, SDVariable sentences, int nIn, SDVariable placement,
                               SDVariable features, SDVariable grid, SDVariable owner, int slots, boolean bySlot) {
        int m = width(c);
        SDVariable s = sentenceProjection(sd, c, sentences, nIn);
        SDVariable i;
        if (c.matchGrid() && bySlot) {
            int channels = InceptionV3.GRID_CHANNELS;
            SDVariable query = sd.reshape(sd.mmul(placement, keyQuery(sd, c, sentences, nIn)), -1, slots, channels);
            SDVariable cells = sd.slice(sd.shape(grid), new int[] {1}, 1); // [1]: the grid's cell count
            SDVariable slotScores = sd.mmul(query, grid, false, true, false); // [batch, slots, cells]
            SDVariable scores = sd.mmul(placement, sd.reshape(slotScores, sd.concat(0,
                    sd.constant(org.nd4j.linalg.factory.Nd4j.createFromArray(-1L)), cells)), true, false, false); // [rows, cells]
            SDVariable attention = sd.nn().softmax(ATTENTION, scores.div(Math.sqrt(m)), 1);
            SDVariable slotAttention = sd.reshape(sd.mmul(placement, attention), sd.concat(0,
                    sd.constant(org.nd4j.linalg.factory.Nd4j.createFromArray(-1L, (long) slots)), cells));
            SDVariable attended = sd.reshape(sd.mmul(slotAttention, grid), -1, channels); // [batch x slots, channels]
            i = cellProjection(sd, c, sd.mmul(placement, attended, true, false, false));
        } else if (c.matchGrid()) {
            SDVariable cells = sd.gather(grid, owner, 0); // [rows, cells, channels]
            SDVariable scores = sd.squeeze(sd.mmul(cells, sd.expandDims(keyQuery(sd, c, sentences, nIn), 2)), 2);
            SDVariable attention = sd.nn().softmax(ATTENTION, scores.div(Math.sqrt(m)), 1);
            i = cellProjection(sd, c, sd.squeeze(sd.mmul(sd.expandDims(attention, 1), cells), 1));
        } else {
            SDVariable images = imageProjection(sd, c, features);
            // each pair's image at each of its slots, then the placement's transpose picks the real sentences'
            SDVariable perSlot = sd.reshape(sd.tile(sd.expandDims(images, 1), 1, slots, 1), -1, m);
            i = sd.mmul(placement, perSlot, true, false, false);
        }
        SDVariable hidden = sd.nn().relu(sd.mmul(s.mul(i), w(sd, "product", m, m)).add(sd.mmul(s, w(sd, "sentence", m, m)))
                .add(sd.mmul(i, w(sd, "image", m, m))).add(b(sd, "hidden", m)), 0);
        return sd.mmul(hidden, w(sd, "out", m, 1)).add(b(sd, "out", 1));
    }

    /**
     * The matching loss of a graph holding the encoder: each teaching row is true of its own image and false of
     * the batch's others (binary cross-entropy of every logit against {@link #TARGETS}, weighted by
     * {@link #WEIGHTS}: half on the own image, half spread over the others; summed, per teaching row); also
     * defines {@link #ACCURACY}. Returns the loss.
     *
     * <p>Not a softmax over the batch's images, which it was: a softmax only ranks the images for one sentence,
     * so its logits say nothing comparable across sentences, and the classifier reads them as probabilities
     * (a PyTorch replica, 1 epoch on the same captions: test-claim ROC AUC 0.59 with the softmax, 0.82 binary).
     */
    static SDVariable loss(SameDiff sd, ModelConfig c, Encoder.Outputs enc) {
        SDVariable targets = sd.placeHolder(TARGETS, DataType.FLOAT, -1, -1);
        SDVariable weights = sd.placeHolder(WEIGHTS, DataType.FLOAT, -1, -1);
        SDVariable logits = allImages(sd, c, enc.matchInput(), enc.matchWidth(), sd.getVariable(Encoder.FEATURES),
                c.matchGrid() ? sd.getVariable(Encoder.GRID) : null).rename(LOGITS);
        SDVariable teaching = sd.math().sign(sd.sum(weights, 1)); // [rows]: 1 for the rows that teach
        // max(.., 1): a batch without a teaching row (no captions in it) adds nothing rather than 0/0
        SDVariable rows = sd.math().max(sd.sum(teaching), sd.constant(org.nd4j.linalg.factory.Nd4j.scalar(1f)));
        SDVariable loss = sd.loss().sigmoidCrossEntropy(targets, logits, weights,
                org.nd4j.autodiff.loss.LossReduce.SUM, 0.0).div(rows).rename(LOSS);
        // a row's best own image against its best other (a large negative hides the images not of its kind)
        SDVariable own = sd.max(logits.add(targets.sub(1.0).mul(1e4)), 1);
        SDVariable other = sd.max(logits.sub(targets.mul(1e4)), 1);
        sd.sum(sd.gt(own, other).castTo(DataType.FLOAT).mul(teaching)).div(rows).rename(ACCURACY);
        return loss;
    }

    /** Every row's logit against every image of the batch: [rows, batch]. */
    static SDVariable allImages(SameDiff sd, ModelConfig c, SDVariable sentences, int nIn, SDVariable features,
                                SDVariable grid) {
        int m = width(c);
        SDVariable s = sentenceProjection(sd, c, sentences, nIn);
        SDVariable images; // [rows, batch, m] or [batch, m]
        if (c.matchGrid()) {
            // scores[r, b, cell] = query_r . key(grid[b, cell]); attention over cells; attended [batch, rows, channels]
            SDVariable scores = sd.tensorMmul(keyQuery(sd, c, sentences, nIn), grid, new int[] {1}, new int[] {2});
            SDVariable attention = sd.nn().softmax(scores.div(Math.sqrt(m)), 2);
            SDVariable attended = sd.mmul(sd.permute(attention, 1, 0, 2), grid);
            SDVariable projected = cellProjection(sd, c, sd.reshape(attended, -1, InceptionV3.GRID_CHANNELS));
            images = sd.permute(sd.reshape(projected, sd.concat(0, sd.slice(sd.shape(attended), new int[] {0}, 2),
                    sd.constant(org.nd4j.linalg.factory.Nd4j.createFromArray((long) m)))), 1, 0, 2);
        } else {
            images = sd.expandDims(imageProjection(sd, c, features), 0);
        }
        SDVariable product = sd.expandDims(s, 1).mul(images); // [rows, batch, m]
        SDVariable shape = sd.shape(product);
        SDVariable productTerm = sd.reshape(sd.mmul(sd.reshape(product, -1, m), w(sd, "product", m, m)), shape);
        SDVariable imageTerm = sd.mmul(sd.reshape(images, -1, m), w(sd, "image", m, m));
        imageTerm = c.matchGrid() ? sd.reshape(imageTerm, shape) : sd.expandDims(imageTerm, 0);
        SDVariable hidden = productTerm
                .add(sd.expandDims(sd.mmul(s, w(sd, "sentence", m, m)), 1))
                .add(imageTerm)
                .add(b(sd, "hidden", m));
        SDVariable logits = sd.mmul(sd.reshape(sd.nn().relu(hidden, 0), -1, m), w(sd, "out", m, 1)).add(b(sd, "out", 1));
        return sd.reshape(logits, sd.slice(shape, new int[] {0}, 2));
    }

    private static int width(ModelConfig c) {
        return 2 * c.text().sentenceDim();
    }

    private static SDVariable sentenceProjection(SameDiff sd, ModelConfig c, SDVariable sentences, int nIn) {
        return sd.math().tanh(sd.mmul(sentences, w(sd, "sentence_in", nIn, width(c))).add(b(sd, "sentence_in", width(c))));
    }

    private static SDVariable imageProjection(SameDiff sd, ModelConfig c, SDVariable features) {
        return sd.math().tanh(sd.mmul(features, w(sd, "image_in", c.imageFeatures(), width(c))).add(b(sd, "image_in", width(c))));
    }

    private static SDVariable cellProjection(SameDiff sd, ModelConfig c, SDVariable cells) {
        return sd.math().tanh(sd.mmul(cells, w(sd, "image_in", InceptionV3.GRID_CHANNELS, width(c))).add(b(sd, "image_in", width(c))));
    }

    /**
     * The sentence's query taken back through the keys' projection: q K^T, [rows, channels], so that a cell's
     * score is one product with its raw channels (q . (cell K) = (q K^T) . cell) and no [cells, m] keys are made.
     */
    private static SDVariable keyQuery(SameDiff sd, ModelConfig c, SDVariable sentences, int nIn) {
        int m = width(c);
        SDVariable query = sd.mmul(sentences, w(sd, "query", nIn, m)).add(b(sd, "query", m));
        return sd.mmul(query, w(sd, "key", InceptionV3.GRID_CHANNELS, m), false, true, false);
    }

    private static SDVariable w(SameDiff sd, String name, int nIn, int nOut) {
        String full = NAME + name + "/W";
        return sd.hasVariable(full) ? sd.getVariable(full)
                : sd.var(full, new XavierInitScheme('c', nIn, nOut), DataType.FLOAT, nIn, nOut);
    }

    private static SDVariable b(SameDiff sd, String name, int n) {
        String full = NAME + name + "/b";
        return sd.hasVariable(full) ? sd.getVariable(full) : sd.var(full, new ZeroInitScheme('c'), DataType.FLOAT, n);
    }
}
