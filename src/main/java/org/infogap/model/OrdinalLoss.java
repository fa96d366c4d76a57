package org.infogap.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An ordinal term (not in the paper): beside each head's cross-entropy, the squared earth mover's distance between
 * its probabilities and its label, computed on the cumulative distributions over the five levels (Hou, Yu and
 * Samaras, 2016). For a one-hot label it is the sum over the four cut points between levels of the squared
 * difference between the probability the head puts below the cut and 1 or 0: a CMI 1 predicted as 0.75 costs one
 * cut, as 0 four.
 *
 * <p>Why it holds beyond the generated corpus: CMI and SC are ordered scales, and the paper's annotators, like any,
 * disagree mostly by one level. Cross-entropy treats the levels as unrelated classes, so what the head learns about
 * CMI 0.5 tells it nothing about 0.75; with a few hundred labels and rare levels (the paper's 52 pairs of CMI 0.75,
 * 7 of SC -1) the term shares their strength with their neighbours and pushes the head's mass to the labelled side
 * of each cut. The arg-max still picks the level; a calibration temperature is fitted on top of it as before.
 */
public final class OrdinalLoss {

    public static final String CMI_LOSS = "cmi_ordinal_loss";
    public static final String SC_LOSS = "sc_ordinal_loss";

    /**
     * The component's section of {@link ModelConfig.Components}.
     *
     * @param weight the term's weight beside the heads' cross-entropies (flat name {@code ordinalWeight}; 0 turns
     *               the component off)
     */
    public record Settings(double weight) {
        public Settings {
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("ordinalLoss.weight must be above 0 (remove the component to turn it off), got "
                        + weight);
            }
        }
    }

    private OrdinalLoss() {
    }

    /**
     * The mean squared earth mover's distance of {@code probabilities} [batch, levels] from {@code labels} (one-hot,
     * or all zero where the level is unknown, as a mismatched pair's SC: such rows count for nothing).
     */
    static SDVariable loss(SameDiff sd, String name, SDVariable probabilities, SDVariable labels, int levels) {
        SDVariable upper = upperOnes(sd, levels);
        SDVariable known = labels.sum(true, 1);
        SDVariable gap = probabilities.mmul(upper).sub(labels.mmul(upper)).mul(known);
        return gap.pow(2).sum().div(known.sum().add(1e-6)).rename(name);
    }

    /** U[i][j] = 1 for i <= j: p x U is p's cumulative distribution. */
    private static SDVariable upperOnes(SameDiff sd, int levels) {
        String name = "ordinal/cumulative";
        if (sd.hasVariable(name)) {
            return sd.getVariable(name);
        }
        float[][] u = new float[levels][levels];
        for (int i = 0; i < levels; i++) {
            for (int j = i; j < levels; j++) {
                u[i][j] = 1;
            }
        }
        return sd.constant(name, Nd4j.createFromArray(u));
    }
}
