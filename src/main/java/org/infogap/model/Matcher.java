package org.infogap.model;

import java.util.List;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The encoder with nothing but the {@link MatchHead}'s loss: what the match head's warm-up trains
 * ({@link MatchHead.Settings#warmupEpochs()}) before the autoencoder's epochs, on caption phrases alone. Its variables
 * have the encoder's names, so the autoencoder takes the trained head and word LSTM by name. A step computes
 * the word LSTM over the phrases and the head against the batch's images, no text LSTM and no decoder: many
 * steps for little time, which the head needs (it learns slowly beside the decoders, docs/decisions/2026-11-measurements-log.md).
 */
public final class Matcher extends Network {

    private Matcher(SameDiff sd, ModelConfig config, INDArray wordVectors) {
        super(sd, config, wordVectors, MatchHead.LOSS);
    }

    public static Matcher create(ModelConfig c, INDArray wordVectors) {
        if (!c.matchCaptions()) {
            throw new IllegalArgumentException("the match head's warm-up learns from captions: it needs matchCaptions");
        }
        Nd4j.getRandom().setSeed(c.training().seed()); // as the autoencoder, so an untrained matcher's head is the autoencoder's
        SameDiff sd = SameDiff.create();
        MatchHead.loss(sd, c, Encoder.define(sd, c, (int) wordVectors.rows()));
        return new Matcher(sd, c, wordVectors);
    }

    @Override
    protected List<String> lossParts() {
        return List.of(MatchHead.ACCURACY);
    }
}
