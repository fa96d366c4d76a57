package org.infogap.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {

    @Test
    void recallCountsRelevantCandidatesWithinK() {
        List<Integer> all = List.of(0, 3, 0, 1, 0, 2);
        assertEquals(1 / 3.0, RankingMetrics.recallAt(all, all, 2), 1e-12);
        assertEquals(2 / 3.0, RankingMetrics.recallAt(all, all, 4), 1e-12);
        // a filter that dropped the two leading irrelevant candidates
        assertEquals(2 / 3.0, RankingMetrics.recallAt(List.of(3, 1, 0, 2), all, 2), 1e-12);
        assertTrue(Double.isNaN(RankingMetrics.recallAt(List.of(0, 0), List.of(0, 0), 1)));
    }

    /**
     * Hand-computed: ranked grades 1, 3, 0 -> DCG@3 = (2^1-1)/log2(2) + (2^3-1)/log2(3) + 0 = 1 + 7/1.58496 =
     * 5.41650; ideal 3, 1, 0 -> 7 + 1/1.58496 = 7.63093; NDCG@3 = 0.70981. NDCG@1 = 1/7.
     */
    @Test
    void ndcgMatchesHandComputedValues() {
        List<Integer> ranked = List.of(1, 3, 0);
        assertEquals(5.41650, RankingMetrics.dcg(ranked, 3), 1e-4);
        assertEquals(0.70981, RankingMetrics.ndcgAt(ranked, ranked, 3), 1e-4);
        assertEquals(1 / 7.0, RankingMetrics.ndcgAt(ranked, ranked, 1), 1e-12);
        assertEquals(1.0, RankingMetrics.ndcgAt(List.of(3, 1, 0), ranked, 3), 1e-12);
        // dropping the irrelevant candidate of a perfect list changes nothing
        assertEquals(1.0, RankingMetrics.ndcgAt(List.of(3, 1), List.of(3, 0, 1), 5), 1e-12);
    }
}
