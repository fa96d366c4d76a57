package org.infogap.model;

import java.util.List;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The supervised stage: the {@link Encoder} (taken from an autoencoder by variable name, or random for
 * the paper's "no autoencoder" baseline), an FC layer, and two 5-way softmax heads, CMI and SC, trained
 * with the sum of their cross-entropies (plus, when the config matches sentences to images, the weighted
 * matching loss of {@link MatchHead}, which needs no labels). With {@link ModelConfig#sentenceCounts()} the
 * FC layer and both heads also read {@link #COUNTS} of the text's sentences.
 */
public final class Classifier extends Network {

    public static final int LEVELS = 5;
    public static final String CMI_LABELS = "cmi_labels";
    public static final String SC_LABELS = "sc_labels";
    public static final String DROP_HIDDEN = "drop_hidden";
    public static final String CMI_PROBABILITIES = "cmi_probabilities";
    public static final String SC_PROBABILITIES = "sc_probabilities";
    public static final String CMI_LOSS = "cmi_loss";
    public static final String SC_LOSS = "sc_loss";
    public static final String LOSS = "loss";
    /**
     * Per text, from each sentence's relatedness r (learnt from its embedding: is it about the image?) and truth p
     * (the match head's probability): the shares sum(r p)/n, sum(r (1 - p))/n and sum(r)/n of its n sentences, the
     * agreement (sum(r p) - sum(r (1 - p))) / sum(r), and n / maxSentences. The label rules are functions of these
     * with true roles; from labels alone, a network did not learn to count sentences it could check
     * ({@code src/tools/sentence_verifier_ceiling.py --supervision text}).
     */
    public static final String COUNTS = "sentence_counts_features";

    private Classifier(SameDiff sd, ModelConfig config, INDArray wordVectors) {
        super(sd, config, wordVectors, LOSS);
    }

    public static Classifier create(ModelConfig c, INDArray wordVectors) {
        Nd4j.getRandom().setSeed(c.seed() + 1); // variable initialisation draws from ND4J's generator
        SameDiff sd = SameDiff.create();
        Encoder.Outputs enc = Encoder.define(sd, c, (int) wordVectors.rows());
        SDVariable dropHidden = sd.placeHolder(DROP_HIDDEN, DataType.FLOAT, -1, c.classifierHidden());
        SDVariable input = enc.article();
        int inputs = c.articleDim();
        int extra = 0;
        if (c.sentenceCounts()) {
            SDVariable counts = counts(sd, c, enc);
            input = sd.concat(1, input, counts);
            extra = 5;
            inputs += extra;
        }
        SDVariable hidden = sd.nn().relu(Encoder.dense(sd, "cls/hidden", input, inputs,
                c.classifierHidden(), false), 0).mul(dropHidden);
        if (c.sentenceCounts()) {
            hidden = sd.concat(1, hidden, sd.getVariable(COUNTS));
        }
        SDVariable cmiLogits = Encoder.dense(sd, "cls/cmi", hidden, c.classifierHidden() + extra, LEVELS, false);
        SDVariable scLogits = Encoder.dense(sd, "cls/sc", hidden, c.classifierHidden() + extra, LEVELS, false);
        sd.nn().softmax(CMI_PROBABILITIES, cmiLogits, 1);
        sd.nn().softmax(SC_PROBABILITIES, scLogits, 1);
        SDVariable cmiLabels = sd.placeHolder(CMI_LABELS, DataType.FLOAT, -1, LEVELS);
        SDVariable scLabels = sd.placeHolder(SC_LABELS, DataType.FLOAT, -1, LEVELS);
        SDVariable cmiLoss = sd.loss().softmaxCrossEntropy(CMI_LOSS, cmiLabels, cmiLogits, null, LossReduce.MEAN_BY_WEIGHT, 0.0);
        SDVariable scLoss = sd.loss().softmaxCrossEntropy(SC_LOSS, scLabels, scLogits, null, LossReduce.MEAN_BY_WEIGHT, 0.0);
        if (c.matching()) {
            // the labelled pairs teach matching too, without their labels: more steps for the head than the
            // autoencoder gives it, and the same for the baseline without autoencoder
            cmiLoss.add(scLoss).add(LOSS, MatchHead.loss(sd, c, enc).mul(c.matchWeight()));
        } else {
            cmiLoss.add(LOSS, scLoss);
        }
        return new Classifier(sd, c, wordVectors);
    }

    /** {@link #COUNTS} of the batch's texts: [batch, 5]. */
    private static SDVariable counts(SameDiff sd, ModelConfig c, Encoder.Outputs enc) {
        SDVariable related = sd.nn().sigmoid(Encoder.dense(sd, "cls/related", enc.matchInput(),
                enc.matchWidth(), 1, false));
        SDVariable truth = sd.nn().sigmoid(enc.match());
        SDVariable perRow = sd.concat(1, related.mul(truth), related.mul(truth.rsub(1.0)), related); // [rows, 3]
        // rows to their texts' slots (caption rows go nowhere), then the slots of each text summed
        SDVariable sums = sd.sum(sd.reshape(sd.mmul(enc.placement(), perRow), -1, c.maxSentences(), 3), 1); // [batch, 3]
        SDVariable n = sd.math().max(sd.getVariable(Encoder.SENTENCE_COUNTS), sd.constant(Nd4j.scalar(1f)));
        SDVariable shares = sums.div(sd.expandDims(n, 1));
        SDVariable agreement = sd.expandDims(sums.get(SDIndex.all(), SDIndex.point(0)).sub(sums.get(SDIndex.all(), SDIndex.point(1)))
                .div(sums.get(SDIndex.all(), SDIndex.point(2)).add(1e-3)), 1);
        SDVariable length = sd.getVariable(Encoder.SENTENCE_COUNTS).div(c.maxSentences());
        return sd.concat(1, shares, agreement, sd.expandDims(length, 1)).rename(COUNTS);
    }

    /** Freezes the encoder: only the classifier's own layers train. */
    public void freezeEncoder() {
        setTrainable(name -> !name.startsWith(Encoder.PREFIX));
    }

    @Override
    protected List<String> lossParts() {
        return config.matching() ? List.of(CMI_LOSS, SC_LOSS, MatchHead.LOSS, MatchHead.ACCURACY)
                : List.of(CMI_LOSS, SC_LOSS);
    }
}
