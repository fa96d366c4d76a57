package org.infogap.eval;

import org.nd4j.evaluation.classification.Evaluation;

/**
 * Metrics of one measure (CMI or SC) on one set of pairs, levels as indices 0..4: accuracy, the
 * confusion matrix (rows actual, columns predicted), per-level precision/recall/F1/support, their
 * macro, micro and support-weighted averages, and the mean absolute error in level steps (the levels
 * are ordinal, so predicting 0.75 for 1 is a smaller error than predicting 0). Counts and per-level
 * figures come from DL4J's {@link Evaluation}; a level never predicted (or never present) has precision
 * (recall) 0, and averages run over all five levels, as scikit-learn's with {@code zero_division=0}.
 */
public record Metrics(int n, double accuracy, double meanAbsoluteError, int[][] confusion, double[] precision,
                      double[] recall, double[] f1, int[] support, double macroPrecision, double macroRecall,
                      double macroF1, double microF1, double weightedPrecision, double weightedRecall,
                      double weightedF1) {

    public static final int LEVELS = 5;

    public static Metrics of(int[] actual, int[] predicted) {
        if (actual.length != predicted.length || actual.length == 0) {
            throw new IllegalArgumentException("need equally many (> 0) actual and predicted levels");
        }
        Evaluation e = new Evaluation(LEVELS);
        double absolute = 0;
        for (int i = 0; i < actual.length; i++) {
            e.eval(predicted[i], actual[i]);
            absolute += Math.abs(predicted[i] - actual[i]);
        }
        int[][] confusion = new int[LEVELS][LEVELS];
        double[] p = new double[LEVELS];
        double[] r = new double[LEVELS];
        double[] f = new double[LEVELS];
        int[] support = new int[LEVELS];
        for (int a = 0; a < LEVELS; a++) {
            for (int b = 0; b < LEVELS; b++) {
                confusion[a][b] = e.getConfusionMatrix().getCount(a, b);
            }
            support[a] = e.classCount(a);
            p[a] = e.precision(a, 0.0);
            r[a] = e.recall(a, 0.0);
            f[a] = p[a] + r[a] == 0 ? 0 : 2 * p[a] * r[a] / (p[a] + r[a]);
        }
        int n = actual.length;
        double wp = 0;
        double wr = 0;
        double wf = 0;
        for (int a = 0; a < LEVELS; a++) {
            wp += p[a] * support[a] / n;
            wr += r[a] * support[a] / n;
            wf += f[a] * support[a] / n;
        }
        // single-label multiclass: micro precision = micro recall = micro F1 = accuracy
        return new Metrics(n, e.accuracy(), absolute / n, confusion, p, r, f, support, mean(p), mean(r), mean(f),
                e.accuracy(), wp, wr, wf);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}
