package org.infogap.model;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The supervised stage, as in Henning & Ewerth: the {@link Encoder} (taken from an autoencoder by variable name,
 * or random for the paper's "no autoencoder" baseline), an FC layer over the article embedding, and two 5-way
 * softmax heads, CMI and SC, trained with the sum of their cross-entropies.
 *
 * <p>Components the config adds (none in the paper preset): the {@link MatchHead}'s weighted loss, which needs no
 * labels, {@link SentenceCounts}, which the FC layer and both heads read beside the article, and {@link OrdinalLoss}
 * beside the heads' cross-entropies.
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

    private Classifier(SameDiff sd, ModelConfig config, INDArray wordVectors, Encoder.Shape shape) {
        super(sd, config, wordVectors, LOSS, shape);
    }

    public static Classifier create(ModelConfig c, INDArray wordVectors) {
        return create(c, wordVectors, Encoder.Shape.full(c));
    }

    /** A classifier whose encoder reads its text as {@code shape} says: for scoring ({@link Predictor}). */
    public static Classifier create(ModelConfig c, INDArray wordVectors, Encoder.Shape shape) {
        Nd4j.getRandom().setSeed(c.training().seed() + 1); // variable initialisation draws from ND4J's generator
        SameDiff sd = SameDiff.create();
        Encoder.Outputs enc = Encoder.define(sd, c, (int) wordVectors.rows(), shape);
        boolean counts = c.sentenceCounts() != null;

        SDVariable input = enc.article();
        int inputs = c.text().articleDim();
        if (counts) {
            input = sd.concat(1, input, SentenceCounts.counts(sd, c, enc));
            inputs += SentenceCounts.WIDTH;
        }
        int width = c.classifier().hidden();
        SDVariable dropHidden = sd.placeHolder(DROP_HIDDEN, DataType.FLOAT, -1, width);
        SDVariable hidden = sd.nn().relu(Encoder.dense(sd, "cls/hidden", input, inputs, width, false), 0).mul(dropHidden);
        if (counts) {
            hidden = sd.concat(1, hidden, SentenceCounts.forHeads(sd, c, enc));
            width += SentenceCounts.headWidth(c);
        }

        SDVariable cmiLogits = Encoder.dense(sd, "cls/cmi", hidden, width, LEVELS, false);
        SDVariable scLogits = Encoder.dense(sd, "cls/sc", hidden, width, LEVELS, false);
        SDVariable cmiProbabilities = sd.nn().softmax(CMI_PROBABILITIES, cmiLogits, 1);
        SDVariable scProbabilities = sd.nn().softmax(SC_PROBABILITIES, scLogits, 1);
        SDVariable cmiLabels = sd.placeHolder(CMI_LABELS, DataType.FLOAT, -1, LEVELS);
        SDVariable scLabels = sd.placeHolder(SC_LABELS, DataType.FLOAT, -1, LEVELS);
        SDVariable cmiLoss = sd.loss().softmaxCrossEntropy(CMI_LOSS, cmiLabels, cmiLogits, null, LossReduce.MEAN_BY_WEIGHT, 0.0);
        SDVariable scLoss = sd.loss().softmaxCrossEntropy(SC_LOSS, scLabels, scLogits, null, LossReduce.MEAN_BY_WEIGHT, 0.0);
        SDVariable loss = cmiLoss.add(scLoss);
        if (c.ordinalLoss() != null) {
            SDVariable ordinal = OrdinalLoss.loss(sd, OrdinalLoss.CMI_LOSS, cmiProbabilities, cmiLabels, LEVELS)
                    .add(OrdinalLoss.loss(sd, OrdinalLoss.SC_LOSS, scProbabilities, scLabels, LEVELS));
            loss = loss.add(ordinal.mul(c.ordinalLoss().weight()));
        }
        if (c.matching()) {
            // the labelled pairs teach matching too, without their labels: more steps for the head than the
            // autoencoder gives it, and the same for the baseline without autoencoder
            loss = loss.add(MatchHead.loss(sd, c, enc).mul(c.matchHead().weight()));
        }
        loss.rename(LOSS);
        return new Classifier(sd, c, wordVectors, shape);
    }

    /** See {@link SentenceCounts#setVisualWords}. */
    public int setVisualWords(List<Example> train) {
        return SentenceCounts.setVisualWords(this, train);
    }

    @Override
    protected boolean fixed(String variable) {
        return SentenceCounts.fixed(variable);
    }

    /** Freezes the encoder: only the classifier's own layers train. */
    public void freezeEncoder() {
        setTrainable(name -> !name.startsWith(Encoder.PREFIX));
    }

    @Override
    protected List<String> lossParts() {
        List<String> parts = new ArrayList<>(List.of(CMI_LOSS, SC_LOSS));
        if (config.ordinalLoss() != null) {
            parts.addAll(List.of(OrdinalLoss.CMI_LOSS, OrdinalLoss.SC_LOSS));
        }
        if (config.sentenceCounts() != null) {
            parts.addAll(SentenceCounts.lossParts(config));
        }
        if (config.matching()) {
            parts.addAll(List.of(MatchHead.LOSS, MatchHead.ACCURACY));
        }
        return parts;
    }
}
