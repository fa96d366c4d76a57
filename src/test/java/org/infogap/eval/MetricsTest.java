package org.infogap.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MetricsTest {

    /**
     * Hand-computed: 8 pairs, actual 0,0,0,1,1,2,4,4 predicted 0,0,1,1,2,2,4,3.
     * Correct 5/8. Level 0: TP 2, FP 0, FN 1 -> P 1, R 2/3, F1 0.8. Level 1: TP 1, FP 1, FN 1 -> P .5, R .5,
     * F1 .5. Level 2: TP 1, FP 1, FN 0 -> P .5, R 1, F1 2/3. Level 3: never actual, predicted once -> P 0,
     * R 0, F1 0. Level 4: TP 1, FP 0, FN 1 -> P 1, R .5, F1 2/3. Steps off: 0,0,1,0,1,0,0,1 -> MAE 3/8.
     */
    @Test
    void matchesHandComputedValues() {
        Metrics m = Metrics.of(new int[] {0, 0, 0, 1, 1, 2, 4, 4}, new int[] {0, 0, 1, 1, 2, 2, 4, 3});
        assertEquals(8, m.n());
        assertEquals(5 / 8.0, m.accuracy(), 1e-12);
        assertEquals(3 / 8.0, m.meanAbsoluteError(), 1e-12);
        assertArrayEquals(new double[] {1, 0.5, 0.5, 0, 1}, m.precision(), 1e-12);
        assertArrayEquals(new double[] {2 / 3.0, 0.5, 1, 0, 0.5}, m.recall(), 1e-12);
        assertArrayEquals(new double[] {0.8, 0.5, 2 / 3.0, 0, 2 / 3.0}, m.f1(), 1e-12);
        assertArrayEquals(new int[] {3, 2, 1, 0, 2}, m.support());
        assertArrayEquals(new int[] {2, 1, 0, 0, 0}, m.confusion()[0]);
        assertArrayEquals(new int[] {0, 0, 0, 1, 1}, m.confusion()[4]);
        assertEquals((1 + 0.5 + 0.5 + 0 + 1) / 5, m.macroPrecision(), 1e-12);
        assertEquals((2 / 3.0 + 0.5 + 1 + 0 + 0.5) / 5, m.macroRecall(), 1e-12);
        assertEquals((0.8 + 0.5 + 2 / 3.0 + 0 + 2 / 3.0) / 5, m.macroF1(), 1e-12);
        assertEquals(5 / 8.0, m.microF1(), 1e-12);
        assertEquals((3 * 1 + 2 * 0.5 + 1 * 0.5 + 2 * 1) / 8.0, m.weightedPrecision(), 1e-12);
        assertEquals((3 * 0.8 + 2 * 0.5 + 1 * 2 / 3.0 + 2 * 2 / 3.0) / 8.0, m.weightedF1(), 1e-12);
        assertEquals(m.accuracy(), m.weightedRecall(), 1e-12, "support-weighted recall is accuracy");
    }

    @Test
    void perfectAndConstantPredictions() {
        Metrics perfect = Metrics.of(new int[] {0, 1, 2, 3, 4}, new int[] {0, 1, 2, 3, 4});
        assertEquals(1, perfect.accuracy());
        assertEquals(1, perfect.macroF1(), 1e-12);
        assertEquals(0, perfect.meanAbsoluteError());
        Metrics constant = Metrics.of(new int[] {2, 2, 2, 0}, new int[] {2, 2, 2, 2});
        assertEquals(0.75, constant.accuracy());
        assertEquals(0.75, constant.precision()[2], 1e-12);
        assertEquals(0, constant.precision()[0], 1e-12);
        assertEquals(0.5, constant.meanAbsoluteError(), 1e-12);
    }

    @Test
    void refusesMismatchedInput() {
        assertThrows(IllegalArgumentException.class, () -> Metrics.of(new int[] {1}, new int[] {1, 2}));
    }
}
