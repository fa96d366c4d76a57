package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Temperature scaling: known temperatures recovered, a few confident errors not over-weighted, the error it measures, the arg-max kept. */
class CalibrationTest {

    /** Labels drawn from softmax(z); the model reports softmax(z * sharpness), over-confident for sharpness > 1. */
    static List<float[]> reported(Random r, int n, double sharpness, int[] labels) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] z = new double[5];
            for (int k = 0; k < 5; k++) {
                z[k] = r.nextGaussian() * 1.5;
            }
            float[] truth = softmax(z, 1);
            double u = r.nextDouble();
            int label = 4;
            for (int k = 0; k < 5; k++) {
                u -= truth[k];
                if (u <= 0) {
                    label = k;
                    break;
                }
            }
            labels[i] = label;
            out.add(softmax(z, sharpness));
        }
        return out;
    }

    static float[] softmax(double[] z, double scale) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v * scale);
        }
        double sum = 0;
        double[] e = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            e[i] = Math.exp(z[i] * scale - max);
            sum += e[i];
        }
        float[] p = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }

    @Test
    void anOverConfidentModelsTemperatureIsFoundAndItsErrorFalls() {
        int[] labels = new int[4000];
        List<float[]> p = reported(new Random(1), labels.length, 3.0, labels);
        double t = Calibration.fit(p, labels);
        assertEquals(3.0, t, 0.3, "the sharpening undone");
        List<float[]> fixed = p.stream().map(x -> Calibration.scale(x, t)).toList();
        double before = Calibration.expectedCalibrationError(p, labels);
        double after = Calibration.expectedCalibrationError(fixed, labels);
        assertTrue(before > 0.1, "over-confident: " + before);
        assertTrue(after < 0.03, "calibrated: " + after);
    }

    @Test
    void aCalibratedModelKeepsATemperatureOfAboutOne() {
        int[] labels = new int[4000];
        List<float[]> p = reported(new Random(2), labels.length, 1.0, labels);
        assertEquals(1.0, Calibration.fit(p, labels), 0.1);
    }

    /**
     * A validation share of a hundred pairs from a calibrated head, plus three pairs it put at 0.995 on the wrong
     * level: the likelihood's best temperature flattens every prediction for those three; the Brier score's does not.
     */
    @Test
    void aFewConfidentErrorsDoNotFlattenASmallShare() {
        int[] calibrated = new int[100];
        List<float[]> p = new ArrayList<>(reported(new Random(3), calibrated.length, 1.0, calibrated));
        int[] labels = java.util.Arrays.copyOf(calibrated, 103);
        for (int i = 100; i < 103; i++) {
            p.add(new float[] {0.995f, 0.002f, 0.001f, 0.001f, 0.001f});
            labels[i] = 3;
        }
        double byLikelihood = 1;
        double least = Double.MAX_VALUE;
        for (double logT = Math.log(0.2); logT <= Math.log(5); logT += 0.01) {
            double nll = 0;
            for (int i = 0; i < labels.length; i++) {
                nll -= Math.log(Calibration.scale(p.get(i), Math.exp(logT))[labels[i]]);
            }
            if (nll < least) {
                least = nll;
                byLikelihood = Math.exp(logT);
            }
        }
        double byBrier = Calibration.fit(p, labels);
        assertTrue(byLikelihood > 1.3, "the likelihood is pulled by three pairs: T = " + byLikelihood);
        assertTrue(byBrier < 1.15 && byBrier > 0.85, "the Brier score keeps T near 1: " + byBrier + " (likelihood: " + byLikelihood + ")");
    }

    @Test
    void scalingKeepsTheMostProbableLevelAndSumsToOne() {
        float[] p = {0.1f, 0.6f, 0.2f, 0.05f, 0.05f};
        assertSame(p, Calibration.scale(p, 1), "T = 1 is the identity");
        for (double t : new double[] {0.3, 2, 7}) {
            float[] q = Calibration.scale(p, t);
            assertEquals(1, Predictor.argmax(q));
            double sum = 0;
            for (float v : q) {
                sum += v;
            }
            assertEquals(1, sum, 1e-5);
        }
        assertTrue(Calibration.scale(p, 2)[1] < 0.6f, "T > 1 softens");
        assertArrayEquals(new float[] {0.2f, 0.8f}, Calibration.scale(new float[] {0.2f, 0.8f}, 1), 0f);
    }

    @Test
    void aCalibratedHeadsErrorFallsInsideItsDrawsAndAnOverConfidentOnesAboveThem() {
        Random r = new Random(11);
        int inside = 0;
        for (int trial = 0; trial < 40; trial++) {
            int[] labels = new int[400];
            List<float[]> p = reported(r, labels.length, 1, labels);
            double[] draws = Calibration.eceIfCalibrated(p, 400, new Random(trial));
            double measured = Calibration.expectedCalibrationError(p, labels);
            inside += measured >= draws[9] && measured <= draws[389] ? 1 : 0;
        }
        assertTrue(inside >= 34, "a calibrated head inside its draws' 95% range in " + inside + " of 40 trials");
        int[] labels = new int[400];
        List<float[]> over = reported(r, labels.length, 2, labels);
        double[] draws = Calibration.eceIfCalibrated(over, 400, new Random(1));
        assertTrue(Calibration.expectedCalibrationError(over, labels) > draws[399], "over-confident by 2: above every draw");
        for (int i = 1; i < draws.length; i++) {
            assertTrue(draws[i - 1] <= draws[i], "sorted");
        }
    }

    @Test
    void aCalibratedHeadsErrorShrinksWithTheSquareRootOfThePairs() {
        Random r = new Random(5);
        int[] few = new int[300];
        int[] many = new int[2700];
        double small = Calibration.eceIfCalibrated(reported(r, few.length, 1, few), 300, new Random(2))[150];
        double large = Calibration.eceIfCalibrated(reported(r, many.length, 1, many), 300, new Random(2))[150];
        // nine times the pairs: a third of the error, give or take the bins that fill up
        assertTrue(small / large > 2.2 && small / large < 3.8, small + " on 300 pairs, " + large + " on 2,700");
    }

    @Test
    void errorIsZeroWhenConfidenceMatchesAccuracy() {
        // 10 predictions at confidence 0.7 in one bin, 7 of them right
        List<float[]> p = new ArrayList<>();
        int[] labels = new int[10];
        for (int i = 0; i < 10; i++) {
            p.add(new float[] {0.7f, 0.1f, 0.1f, 0.05f, 0.05f});
            labels[i] = i < 7 ? 0 : 1;
        }
        assertEquals(0, Calibration.expectedCalibrationError(p, labels), 1e-6);
        assertEquals(1, Calibration.fit(p, labels), "too few labels to fit: as trained");
        assertThrows(IllegalArgumentException.class, () -> new Calibration(0, 1));
    }
}
