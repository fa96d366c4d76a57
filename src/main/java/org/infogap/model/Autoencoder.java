package org.infogap.model;

import java.util.List;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.weightinit.impl.XavierInitScheme;
import org.nd4j.weightinit.impl.ZeroInitScheme;

/**
 * The unsupervised stage: the {@link Encoder}, and two decoders from the article embedding.
 * Image: FC -> 3-channel thumbnail -> three times (nearest-neighbour upsampling x2, 3x3 convolution)
 * with 32, 8 and 3 feature maps -> an image 8 times the thumbnail, squared error against the input
 * image at that size. Text: an LSTM fed the article embedding at every sentence step gives sentence
 * states; a second LSTM fed each state at every token step, and a linear map, give token embeddings; their cosine
 * similarities to every vocabulary embedding, scaled, go through a softmax, with cross-entropy
 * against the input tokens (padding weighted 0). The loss is the sum of the two, plus, when the config
 * matches sentences to images ({@link MatchHead.Settings#weight()}), the weighted matching loss.
 */
public final class Autoencoder extends Network {

    public static final String IMAGE_TARGET = "image_target";
    public static final String TOKEN_MASK = "token_mask";
    public static final String DROP_DECODER = "drop_decoder";
    public static final String IMAGE_LOSS = "image_loss";
    public static final String TEXT_LOSS = "text_loss";
    public static final String LOSS = "loss";
    /**
     * Validation's image plus text loss, without the match head's: the autoencoder's own objective, which selects
     * its kept checkpoint. The head's binary cross-entropy against 15-31 other images rises as its verdicts sharpen
     * (confident mistakes cost more) while it ranks its own image better; selected on the total, the real-image
     * corpus kept epoch 1 of 3, with the head at 4.2x chance instead of 6.3x (the classifiers' accuracy and own-image
     * AUC did not tell the two apart over three seeds; docs/decisions/2026-12-07-swapped-negatives-frozen-encoder-kept-epoch.md).
     * Without the head it is the total.
     */
    public static final String RECONSTRUCTION_LOSS = "reconstruction_loss";
    public static final String RECONSTRUCTION = "image_reconstruction";

    public static final String TOKEN_LABELS = "token_labels";
    private Autoencoder(SameDiff sd, ModelConfig config, INDArray wordVectors) {
        super(sd, config, wordVectors, LOSS);
    }

    /** @param wordVectors [vocabulary size, wordDim], row i the vector of id i */
    public static Autoencoder create(ModelConfig c, INDArray wordVectors) {
        Nd4j.getRandom().setSeed(c.training().seed()); // variable initialisation draws from ND4J's generator
        SameDiff sd = SameDiff.create();
        Encoder.Outputs enc = Encoder.define(sd, c, (int) wordVectors.rows());
        int vocabularySize = (int) wordVectors.rows();
        int r = c.decodedSize();
        SDVariable target = sd.placeHolder(IMAGE_TARGET, DataType.FLOAT, -1, 3, r, r);
        SDVariable tokenMask = sd.placeHolder(TOKEN_MASK, DataType.FLOAT, -1);
        SDVariable dropDecoder = sd.placeHolder(DROP_DECODER, DataType.FLOAT, -1, c.text().articleDim());
        SDVariable article = enc.article().mul(dropDecoder);

        // image decoder
        int t = c.decoder().thumbnail();
        SDVariable thumb = sd.reshape(Encoder.dense(sd, "dec/thumbnail", article, c.text().articleDim(), 3 * t * t, true),
                -1, 3, t, t);
        SDVariable x = thumb;
        int[] maps = {32, 8, 3};
        int in = 3;
        int side = t;
        for (int i = 0; i < maps.length; i++) {
            x = upsample2(sd, x, in, side);
            side *= 2;
            SDVariable w = sd.var("dec/conv" + (i + 1) + "/W", new XavierInitScheme('c', 9 * in, 9 * maps[i]),
                    DataType.FLOAT, 3, 3, in, maps[i]);
            SDVariable b = sd.var("dec/conv" + (i + 1) + "/b", new ZeroInitScheme('c'), DataType.FLOAT, maps[i]);
            x = sd.cnn().conv2d(x, w, b, Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).paddingMode(org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode.SAME)
                    .dataFormat(Conv2DConfig.NCHW).build());
            x = i < maps.length - 1 ? sd.nn().relu(x, 0) : sd.nn().sigmoid(x);
            in = maps[i];
        }
        x.rename(RECONSTRUCTION);
        SDVariable imageLoss = sd.loss().meanSquaredError(IMAGE_LOSS, target, x, null, LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT);

        // text decoder
        int s = c.text().maxSentences();
        int tk = c.text().maxTokens();
        SDVariable perSentence = sd.tile(sd.expandDims(article, 1), 1, s, 1);
        SDVariable sentenceStates = Lstm.sequence(sd, "dec/sentence_lstm", perSentence, s, c.text().articleDim(),
                c.text().sentenceDim());
        SDVariable flatStates = sd.reshape(sentenceStates, -1, c.text().sentenceDim());
        // decode the real sentences only: the transposed placement picks their states
        SDVariable realStates = sd.mmul(enc.placement(), flatStates, true, false, false);
        SDVariable perToken = sd.tile(sd.expandDims(realStates, 1), 1, tk, 1);
        SDVariable tokenStates = Lstm.sequence(sd, "dec/token_lstm", perToken, tk, c.text().sentenceDim(), c.text().sentenceDim());
        // the token LSTM runs at the sentence size and a projection maps to word-vector space: an LSTM
        // 300 wide there cost 4x the time for the same output
        SDVariable predicted = unit(sd, Encoder.dense(sd, "dec/token_projection",
                sd.reshape(tokenStates, -1, c.text().sentenceDim()), c.text().sentenceDim(), c.text().wordDim(), false));
        SDVariable vocabulary = sd.constant("vocabulary_unit", unitRows(wordVectors));
        SDVariable logits = sd.mmul(predicted, vocabulary, false, true, false).mul(c.decoder().cosineScale());
        SDVariable labels = sd.placeHolder(TOKEN_LABELS, DataType.FLOAT, -1, vocabularySize);
        SDVariable textLoss = sd.loss().softmaxCrossEntropy(TEXT_LOSS, labels, logits, tokenMask,
                LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT, 0.0);
        if (!c.matching()) {
            imageLoss.add(LOSS, textLoss);
            return new Autoencoder(sd, c, wordVectors);
        }
        // sentence-image matching: each sentence picks its own image among the batch's, 15 negatives per
        // sentence in a batch of 16 rather than one (MatchHead)
        SDVariable matchLoss = MatchHead.loss(sd, c, enc);
        imageLoss.add(textLoss).add(LOSS, matchLoss.mul(c.matchHead().weight()));
        return new Autoencoder(sd, c, wordVectors);
    }

    /**
     * Nearest-neighbour upsampling by 2 of [batch, channels, side, side], as reshapes and a tile
     * (SameDiff's upsampling2d op fails its shape inference here).
     */
    private static SDVariable upsample2(SameDiff sd, SDVariable x, int channels, int side) {
        SDVariable six = sd.reshape(x, -1, channels, side, 1, side, 1);
        SDVariable tiled = sd.tile(six, 1, 1, 1, 2, 1, 2);
        return sd.reshape(tiled, -1, channels, 2 * side, 2 * side);
    }

    private static INDArray unitRows(INDArray rows) {
        INDArray norms = rows.norm2(1).addi(1e-8).reshape(rows.rows(), 1);
        return rows.divColumnVector(norms).castTo(DataType.FLOAT);
    }

    private static SDVariable unit(SameDiff sd, SDVariable rows) {
        SDVariable norm = sd.math().sqrt(sd.sum(rows.mul(rows), true, 1).add(1e-8));
        return rows.div(norm);
    }

    @Override
    protected List<String> lossParts() {
        return config.matching() ? List.of(IMAGE_LOSS, TEXT_LOSS, MatchHead.LOSS, MatchHead.ACCURACY)
                : List.of(IMAGE_LOSS, TEXT_LOSS);
    }
}
