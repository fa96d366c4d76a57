package org.infogap.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.weightinit.impl.XavierInitScheme;
import org.nd4j.weightinit.impl.ZeroInitScheme;

/**
 * Scores a sentence against an image (not in the paper; {@link ModelConfig#matchWeight}). The sentence
 * (its word-LSTM embedding beside the mean of its word vectors, which alone already names its shapes and
 * colours, while the LSTM learns) and the image (its InceptionV3 features, not the image embedding, whose
 * width serves the decoders) are projected to a common space, m = 2 x sentenceDim; their product and
 * both projections go through a ReLU layer to one logit:
 * {@code relu((s*i) W1 + s W2 + i W3 + b) w + c}. The weights ({@code enc/match/...}) are created by the
 * first call in a graph and shared by later ones, so the autoencoder trains, against all images of its
 * batch, the head that the encoder applies to each sentence's own image.
 */
public final class MatchHead {

    private static final String NAME = "enc/match/";
    /**
     * [sentences, batch]: row r spreads 1 over the pairs whose image is sentence r's own (several when pairs
     * share an image, as COCO's captions do).
     */
    public static final String TARGETS = "match_targets";
    public static final String LOSS = "match_loss";
    /** Share of sentences whose own image scores highest among the batch's (1/batch by chance). */
    public static final String ACCURACY = "match_accuracy";

    private MatchHead() {
    }

    /** Per real sentence, its logit against its own pair's image: [sentences, 1]. */
    static SDVariable ownImage(SameDiff sd, ModelConfig c, SDVariable sentences, SDVariable placement,
                               SDVariable features) {
        int m = width(c);
        SDVariable s = sentenceProjection(sd, c, sentences);
        SDVariable images = imageProjection(sd, c, features);
        // each pair's image at each of its slots, then the placement's transpose picks the real sentences'
        SDVariable perSlot = sd.reshape(sd.tile(sd.expandDims(images, 1), 1, c.maxSentences(), 1), -1, m);
        SDVariable i = sd.mmul(placement, perSlot, true, false, false);
        SDVariable hidden = sd.nn().relu(sd.mmul(s.mul(i), w(sd, "product", m, m)).add(sd.mmul(s, w(sd, "sentence", m, m)))
                .add(sd.mmul(i, w(sd, "image", m, m))).add(b(sd, "hidden", m)), 0);
        return sd.mmul(hidden, w(sd, "out", m, 1)).add(b(sd, "out", 1));
    }

    /**
     * The matching loss of a graph holding the encoder: each sentence picks its own image among the batch's
     * (softmax cross-entropy against {@link #TARGETS}); also defines {@link #ACCURACY}. Returns the loss.
     */
    static SDVariable loss(SameDiff sd, ModelConfig c, Encoder.Outputs enc) {
        SDVariable targets = sd.placeHolder(TARGETS, DataType.FLOAT, -1, -1);
        SDVariable logits = allImages(sd, c, enc.matchInput(), sd.getVariable(Encoder.FEATURES));
        SDVariable loss = sd.loss().softmaxCrossEntropy(LOSS, targets, logits, null,
                org.nd4j.autodiff.loss.LossReduce.MEAN_BY_WEIGHT, 0.0);
        SDVariable own = sd.sum(targets.mul(logits), 1);
        sd.mean(sd.gte(own, sd.max(logits, 1)).castTo(DataType.FLOAT)).rename(ACCURACY);
        return loss;
    }

    /** Every real sentence's logit against every image of the batch: [sentences, batch]. */
    static SDVariable allImages(SameDiff sd, ModelConfig c, SDVariable sentences, SDVariable features) {
        int m = width(c);
        SDVariable s = sentenceProjection(sd, c, sentences);
        SDVariable images = imageProjection(sd, c, features);
        SDVariable product = sd.expandDims(s, 1).mul(sd.expandDims(images, 0)); // [sentences, batch, m]
        SDVariable productTerm = sd.mmul(sd.reshape(product, -1, m), w(sd, "product", m, m));
        SDVariable hidden = sd.reshape(productTerm, sd.shape(product))
                .add(sd.expandDims(sd.mmul(s, w(sd, "sentence", m, m)), 1))
                .add(sd.expandDims(sd.mmul(images, w(sd, "image", m, m)), 0))
                .add(b(sd, "hidden", m));
        SDVariable logits = sd.mmul(sd.reshape(sd.nn().relu(hidden, 0), -1, m), w(sd, "out", m, 1)).add(b(sd, "out", 1));
        return sd.reshape(logits, sd.slice(sd.shape(product), new int[] {0}, 2));
    }

    private static int width(ModelConfig c) {
        return 2 * c.sentenceDim();
    }

    private static SDVariable sentenceProjection(SameDiff sd, ModelConfig c, SDVariable sentences) {
        return sd.math().tanh(sd.mmul(sentences, w(sd, "sentence_in", c.sentenceDim() + c.wordDim(), width(c))).add(b(sd, "sentence_in", width(c))));
    }

    private static SDVariable imageProjection(SameDiff sd, ModelConfig c, SDVariable features) {
        return sd.math().tanh(sd.mmul(features, w(sd, "image_in", InceptionV3.FEATURES, width(c))).add(b(sd, "image_in", width(c))));
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
