package org.infogap.labelling;

import org.infogap.model.Predictor;

/**
 * How unsure a classifier is of a pair, over both heads: the pairs it is least sure of are the ones whose labels
 * teach it most (uncertainty sampling). Which of the two measures orders the queue better is measured by
 * {@code bench active-learning} (docs/decisions/2026-12-06-labelling-page.md).
 */
public enum Uncertainty {
    /** Entropy of the CMI head's five probabilities plus that of the SC head's, in nats (0 to 2 ln 5). */
    ENTROPY,
    /** Two minus the margins between each head's two most likely levels (0: sure, 2: a tie in both). */
    MARGIN;

    /** The pair's uncertainty: larger is less sure. */
    public double of(Predictor.Prediction p) {
        return of(p.cmiProbabilities()) + of(p.scProbabilities());
    }

    double of(float[] probabilities) {
        if (this == ENTROPY) {
            double h = 0;
            for (float q : probabilities) {
                h -= q > 0 ? q * Math.log(q) : 0;
            }
            return h;
        }
        float first = 0;
        float second = 0;
        for (float q : probabilities) {
            if (q > first) {
                second = first;
                first = q;
            } else if (q > second) {
                second = q;
            }
        }
        return 1 - (first - second);
    }
}
