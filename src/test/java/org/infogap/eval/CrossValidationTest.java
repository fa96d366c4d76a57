package org.infogap.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.infogap.io.Json;
import org.infogap.model.Example;
import org.junit.jupiter.api.Test;

/** The report's repeated k-fold: folds stratified by SC level, intervals that widen for the folds' shared training pairs. */
class CrossValidationTest {

    @Test
    void foldsHoldEveryPairOnceAndEachScLevelInEqualShares() {
        // the paper's SC skew, scaled down: 7 / 31 / 109 / 138 / 541
        int[] counts = {7, 31, 109, 138, 541};
        List<Example> pairs = new ArrayList<>();
        for (int level = 0; level < 5; level++) {
            for (int i = 0; i < counts[level]; i++) {
                pairs.add(new Example("p" + level + "-" + i, new float[1], List.of(), null, 0, level));
            }
        }
        List<List<Example>> folds = AccuracyReport.stratifiedFolds(pairs, 5, 7);
        assertEquals(5, folds.size());
        HashSet<String> seen = new HashSet<>();
        for (List<Example> fold : folds) {
            fold.forEach(e -> assertTrue(seen.add(e.key()), "once: " + e.key()));
            for (int level = 0; level < 5; level++) {
                int l = level;
                long n = fold.stream().filter(e -> e.sc() == l).count();
                assertTrue(Math.abs(n - counts[level] / 5.0) <= 1, "level " + level + ": " + n + " of " + counts[level]);
            }
        }
        assertEquals(pairs.size(), seen.size());
        assertFalse(AccuracyReport.stratifiedFolds(pairs, 5, 7).get(0).equals(AccuracyReport.stratifiedFolds(pairs, 5, 8).get(0)),
                "another repeat, other folds");
    }

    @Test
    void theIntervalIsTheCorrectedResampledT() {
        ObjectNode n = Json.mapper().createObjectNode();
        double[] values = {0.10, 0.12, 0.08, 0.11, 0.09};
        AccuracyReport.summary(n, values, 0.2);
        assertEquals(0.10, n.path("mean").asDouble(), 1e-12);
        double sd = Math.sqrt(0.001 / 4);
        // t(0.975, 4) = 2.7764; corrected variance factor 1/5 + 0.2/0.8
        double half = 2.776445 * Math.sqrt((0.2 + 0.25) * sd * sd);
        assertEquals(0.10 - half, n.path("ci95_low").asDouble(), 1e-5);
        assertEquals(0.10 + half, n.path("ci95_high").asDouble(), 1e-5);
        assertTrue(n.path("distinguishable").asBoolean(), "all five folds above zero by far");
        ObjectNode noisy = Json.mapper().createObjectNode();
        AccuracyReport.summary(noisy, new double[] {0.05, -0.04, 0.06, -0.03, 0.01}, 0.2);
        assertFalse(noisy.path("distinguishable").asBoolean(), "an interval around zero");
        assertEquals(5, noisy.withArray("folds").size());
    }
}
