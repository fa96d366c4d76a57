package org.infogap.model;

import java.util.List;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The supervised stage: the {@link Encoder} (taken from an autoencoder by variable name, or random for
 * the paper's "no autoencoder" baseline), an FC layer, and two 5-way softmax heads, CMI and SC, trained
 * with the sum of their cross-entropies (plus, when the config matches sentences to images, the weighted
 * matching loss of {@link MatchHead}, which needs no labels).
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

    private Classifier(SameDiff sd, ModelConfig config, INDArray wordVectors) {
        super(sd, config, wordVectors, LOSS);
    }

    public static Classifier create(ModelConfig c, INDArray wordVectors) {
        Nd4j.getRandom().setSeed(c.seed() + 1); // variable initialisation draws from ND4J's generator
        SameDiff sd = SameDiff.create();
        Encoder.Outputs enc = Encoder.define(sd, c);
        SDVariable dropHidden = sd.placeHolder(DROP_HIDDEN, DataType.FLOAT, -1, c.classifierHidden());
        SDVariable hidden = sd.nn().relu(Encoder.dense(sd, "cls/hidden", enc.article(), c.articleDim(),
                c.classifierHidden(), false), 0).mul(dropHidden);
        SDVariable cmiLogits = Encoder.dense(sd, "cls/cmi", hidden, c.classifierHidden(), LEVELS, false);
        SDVariable scLogits = Encoder.dense(sd, "cls/sc", hidden, c.classifierHidden(), LEVELS, false);
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
