package org.infogap.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Temperature scaling of the two heads' probabilities (Guo et al., 2017): each head's probabilities become
 * {@code softmax(log p / T)}, with T fitted on the validation share by the Brier score. A search team sets thresholds by
 * risk, so a probability of 0.8 must be right about 80% of the time; a network trained to low loss on a few hundred
 * pairs is usually over-confident (T > 1). One number per head cannot change which level is the most probable, so
 * accuracy is untouched; the expected values and the probabilities change. The bundle keeps the temperatures in its
 * state ({@code calibration}); {@link Predictor} applies them, so {@code predict}, the report and the API serve
 * calibrated probabilities.
 *
 * @param cmiTemperature T of the CMI head (1: as trained)
 * @param scTemperature  T of the SC head
 */
public record Calibration(double cmiTemperature, double scTemperature) {

    /** The probabilities as trained. */
    public static final Calibration NONE = new Calibration(1, 1);
    /** Bins of the expected calibration error: 15, as Guo et al. report it. */
    public static final int BINS = 15;
    /**
     * Labels a head needs before its temperature is fitted; with fewer it keeps T = 1. One parameter is little to fit,
     * but on a dozen pairs the likelihood is still minimised at an extreme (T = 20 flattened a head to uniform in a
     * test run of 12 pairs).
     */
    public static final int MIN_LABELS = 50;
    /** The range searched: Guo et al. found 1-3 for over-confident networks; past 5 a head says almost nothing. */
    private static final double MIN_LOG_T = Math.log(0.2);
    private static final double MAX_LOG_T = Math.log(5);

    public Calibration {
        if (!(cmiTemperature > 0) || !(scTemperature > 0)) {
            throw new IllegalArgumentException("calibration temperatures must be > 0, got " + cmiTemperature + " / " + scTemperature);
        }
    }

    /** The calibration a bundle's state records; {@link #NONE} when it records none. */
    public static Calibration of(ModelBundle bundle) {
        JsonNode c = bundle.state() == null ? null : bundle.state().get("calibration");
        if (c == null || !c.has("cmi_temperature") || !c.has("sc_temperature")) {
            return NONE;
        }
        return new Calibration(c.get("cmi_temperature").asDouble(), c.get("sc_temperature").asDouble());
    }

    /** {@code softmax(log p / t)}; p itself for t = 1. */
    public static float[] scale(float[] p, double t) {
        if (t == 1) {
            return p;
        }
        double[] z = new double[p.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < p.length; i++) {
            z[i] = Math.log(Math.max(p[i], 1e-30)) / t;
            max = Math.max(max, z[i]);
        }
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            z[i] = Math.exp(z[i] - max);
            sum += z[i];
        }
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = (float) (z[i] / sum);
        }
        return out;
    }

    /** Mean Brier score (squared distance of the probabilities from the one-hot label) under the scaling by t. */
    public static double brier(List<float[]> probabilities, int[] labels, double t) {
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            float[] q = scale(probabilities.get(i), t);
            for (int k = 0; k < q.length; k++) {
                double d = q[k] - (k == labels[i] ? 1 : 0);
                sum += d * d;
            }
        }
        return sum / labels.length;
    }

    /**
     * The temperature of least Brier score on these labels: a grid over log T in [0.2, 5], then a golden-section search
     * around its best point; 1 with fewer than {@link #MIN_LABELS} labels.
     *
     * <p>Why the Brier score and not the likelihood: a validation share is about a hundred pairs here, and the
     * likelihood is unbounded, so two or three pairs that the head put at 0.99 on the wrong level pull T up for all the
     * others. On the paper's regime the likelihood's T left SC under-confident on the held-out folds (expected
     * calibration error 0.079 and 0.081 over two repeats of 5 folds, against 0.057 and 0.049 with no scaling); the
     * Brier score, a proper scoring rule bounded by 2 a pair, gave 0.044 and 0.043, and CMI 0.039 and 0.038
     * (docs/report.md). Both recover the temperature of a large sample (CalibrationTest).
     */
    public static double fit(List<float[]> probabilities, int[] labels) {
        if (labels.length < MIN_LABELS) {
            return 1;
        }
        // the Brier score need not be convex in log T: a coarse grid first, so the search starts in the right valley
        int steps = 40;
        double step = (MAX_LOG_T - MIN_LOG_T) / steps;
        int bestAt = 0;
        double bestScore = Double.MAX_VALUE;
        for (int i = 0; i <= steps; i++) {
            double score = brier(probabilities, labels, Math.exp(MIN_LOG_T + i * step));
            if (score < bestScore) {
                bestScore = score;
                bestAt = i;
            }
        }
        double phi = (Math.sqrt(5) - 1) / 2;
        double a = Math.max(MIN_LOG_T, MIN_LOG_T + (bestAt - 1) * step);
        double b = Math.min(MAX_LOG_T, MIN_LOG_T + (bestAt + 1) * step);
        double c = b - phi * (b - a);
        double d = a + phi * (b - a);
        double fc = brier(probabilities, labels, Math.exp(c));
        double fd = brier(probabilities, labels, Math.exp(d));
        for (int i = 0; i < 40; i++) {
            if (fc < fd) {
                b = d;
                d = c;
                fd = fc;
                c = b - phi * (b - a);
                fc = brier(probabilities, labels, Math.exp(c));
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + phi * (b - a);
                fd = brier(probabilities, labels, Math.exp(d));
            }
        }
        return Math.exp((a + b) / 2);
    }

    /**
     * Expected calibration error of the top level: predictions binned by their highest probability into {@link #BINS}
     * equal-width bins; the mean over bins, weighted by their share, of |accuracy - mean confidence|.
     */
    public static double expectedCalibrationError(List<float[]> probabilities, int[] labels) {
        double ece = 0;
        for (double[] point : reliability(probabilities, labels)) {
            ece += point[2] / labels.length * Math.abs(point[1] - point[0]);
        }
        return ece;
    }

    /**
     * The expected calibration errors that a perfectly calibrated head with these very probabilities would show on this
     * many pairs, sorted: in each of {@code draws} draws every pair's most probable level is right with its own
     * probability ("consistency resampling", Bröcker and Smith, 2007). Binned ECE is never zero for a calibrated head,
     * since each bin's accuracy is a sample: on the paper's 826 pairs the draws put its median near 0.035, so a
     * measured 0.05 is a miscalibration only where it lies above the draws' upper percentiles.
     */
    public static double[] eceIfCalibrated(List<float[]> probabilities, int draws, java.util.Random random) {
        int n = probabilities.size();
        int[] top = new int[n];
        for (int i = 0; i < n; i++) {
            top[i] = Predictor.argmax(probabilities.get(i));
        }
        double[] ece = new double[draws];
        int[] labels = new int[n];
        for (int d = 0; d < draws; d++) {
            for (int i = 0; i < n; i++) {
                float[] p = probabilities.get(i);
                // a wrong draw needs only some level other than the top one: the error reads right or wrong, not which
                labels[i] = random.nextDouble() < p[top[i]] ? top[i] : (top[i] + 1) % p.length;
            }
            ece[d] = expectedCalibrationError(probabilities, labels);
        }
        java.util.Arrays.sort(ece);
        return ece;
    }

    /**
     * The reliability diagram's points: per non-empty bin of the top probability, its mean confidence, its accuracy
     * and its number of predictions.
     */
    public static List<double[]> reliability(List<float[]> probabilities, int[] labels) {
        double[] confidence = new double[BINS];
        double[] right = new double[BINS];
        int[] count = new int[BINS];
        for (int i = 0; i < labels.length; i++) {
            float[] p = probabilities.get(i);
            int top = Predictor.argmax(p);
            int bin = Math.min(BINS - 1, (int) (p[top] * BINS));
            confidence[bin] += p[top];
            right[bin] += top == labels[i] ? 1 : 0;
            count[bin]++;
        }
        List<double[]> points = new java.util.ArrayList<>();
        for (int b = 0; b < BINS; b++) {
            if (count[b] > 0) {
                points.add(new double[] {confidence[b] / count[b], right[b] / count[b], count[b]});
            }
        }
        return points;
    }

    /** This calibration as the bundle state records it, with the figures it was fitted with. */
    public ObjectNode toJson(ObjectNode into) {
        return into.put("method", "temperature").put("fitted_by", "brier").put("cmi_temperature", cmiTemperature).put("sc_temperature", scTemperature);
    }
}
