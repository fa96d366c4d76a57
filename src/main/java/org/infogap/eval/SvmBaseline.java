package org.infogap.eval;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import java.util.List;

/**
 * The paper's linear SVM baseline: a linear SVM from LIBLINEAR's Java port (L2-regularised, squared hinge
 * loss, dual solver, one-vs-rest over the five levels: LIBLINEAR's default; Crammer-Singer took minutes
 * per fit on 1,000 pairs here) on article embeddings, standardised with statistics of the training pairs, its regularisation C chosen
 * by k-fold cross-validation accuracy over a grid, on the training pairs only: {@link #fit} is never
 * given anything else.
 */
public final class SvmBaseline {

    /** The C grid: 2^-11 .. 2^3 (on random-encoder features the smallest Cs won; larger ones only slow the solver). */
    public static final List<Double> GRID = List.of(1 / 2048.0, 1 / 512.0, 1 / 128.0, 1 / 32.0, 1 / 8.0, 0.5, 2.0, 8.0);

    /** A trained SVM with the C it chose and the cross-validation accuracy of every C tried. */
    public record Fitted(Model model, double c, double[] cvAccuracy, double[] mean, double[] std) {
        public int[] predict(float[][] x) {
            int[] out = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                out[i] = (int) Linear.predict(model, features(x[i], mean, std));
            }
            return out;
        }
    }

    private SvmBaseline() {
    }

    /** Chooses C by {@code folds}-fold cross-validation on ({@code x}, {@code y}), then trains on all of it. */
    public static Fitted fit(float[][] x, int[] y, int folds, long seed) {
        int d = x[0].length;
        double[] mean = new double[d];
        double[] std = new double[d];
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / (double) x.length;
            }
        }
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                std[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / x.length;
            }
        }
        for (int j = 0; j < d; j++) {
            std[j] = Math.sqrt(std[j]) + 1e-9;
        }
        Problem problem = new Problem();
        problem.l = x.length;
        problem.n = d + 1;
        problem.bias = 1;
        problem.x = new Feature[x.length][];
        problem.y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            problem.x[i] = features(x[i], mean, std);
            problem.y[i] = y[i];
        }
        Linear.disableDebugOutput();
        double[] accuracy = new double[GRID.size()];
        int best = 0;
        for (int g = 0; g < GRID.size(); g++) {
            Linear.resetRandom(); // LIBLINEAR's fold assignment: the same folds for every C
            double[] predicted = new double[x.length];
            Linear.crossValidation(problem, parameter(GRID.get(g)), Math.min(folds, x.length), predicted);
            int right = 0;
            for (int i = 0; i < x.length; i++) {
                right += (int) predicted[i] == y[i] ? 1 : 0;
            }
            accuracy[g] = (double) right / x.length;
            if (accuracy[g] > accuracy[best]) {
                best = g;
            }
        }
        Linear.resetRandom();
        Model model = Linear.train(problem, parameter(GRID.get(best)));
        return new Fitted(model, GRID.get(best), accuracy, mean, std);
    }

    private static Parameter parameter(double c) {
        return new Parameter(SolverType.L2R_L2LOSS_SVC_DUAL, c, 0.1);
    }

    private static Feature[] features(float[] row, double[] mean, double[] std) {
        Feature[] f = new Feature[row.length + 1];
        for (int j = 0; j < row.length; j++) {
            f[j] = new FeatureNode(j + 1, (row[j] - mean[j]) / std[j]);
        }
        f[row.length] = new FeatureNode(row.length + 1, 1.0); // bias term
        return f;
    }
}
