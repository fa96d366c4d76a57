package org.infogap.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BaselinesTest {

    @Test
    void mostFrequentTakesTheLowestLevelOnATie() {
        assertEquals(3, MajorityBaseline.fit(new int[] {3, 3, 1, 0, 3}));
        assertEquals(1, MajorityBaseline.fit(new int[] {4, 1, 4, 1}));
    }

    /** Training pairs: the level is the index of the largest of the first five features. */
    private static float[][] data(int n, Random r, int[] labels) {
        float[][] x = new float[n][8];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 8; j++) {
                x[i][j] = (float) r.nextGaussian() * 0.1f;
            }
            labels[i] = i % 5;
            x[i][labels[i]] += 2f;
        }
        return x;
    }

    @Test
    void svmLearnsASeparableTaskAndChoosesCOnTheTrainingPairsOnly() {
        Random r = new Random(7);
        int[] y = new int[200];
        float[][] x = data(200, r, y);
        SvmBaseline.Fitted fitted = SvmBaseline.fit(x, y, 5, 1);
        assertTrue(SvmBaseline.GRID.contains(fitted.c()));
        double best = 0;
        for (double a : fitted.cvAccuracy()) {
            best = Math.max(best, a);
        }
        assertTrue(best > 0.95, "cross-validation accuracy " + best);

        // Test pairs whose labels contradict the training rule: a fit that never saw them predicts the
        // training rule and scores 0 on them; the same training data gives the same C and predictions.
        int[] testLabels = new int[50];
        float[][] test = data(50, r, testLabels);
        int[] contradicting = new int[50];
        for (int i = 0; i < 50; i++) {
            contradicting[i] = (testLabels[i] + 2) % 5;
        }
        int[] predicted = fitted.predict(test);
        assertArrayEquals(testLabels, predicted);
        assertEquals(0, Metrics.of(contradicting, predicted).accuracy());
        SvmBaseline.Fitted again = SvmBaseline.fit(x, y, 5, 1);
        assertEquals(fitted.c(), again.c());
        assertArrayEquals(fitted.cvAccuracy(), again.cvAccuracy());
    }
}
