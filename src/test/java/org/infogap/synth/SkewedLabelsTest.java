package org.infogap.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SkewedLabelsTest {

    @Test
    void thePapersSizeGetsThePapersCountsOnPairsTheRulesAllow() {
        boolean[][] feasible = SkewedLabels.feasibleForAny(Depiction.MAX_OBJECTS, CorpusGenerator.WIKI_MAX_SENTENCES);
        List<SkewedLabels.Target> targets = SkewedLabels.draw(CorpusGenerator.PAPER_CMI_COUNTS,
                CorpusGenerator.PAPER_SC_COUNTS, feasible, new Random(1));
        int[] cmi = new int[5];
        int[] sc = new int[5];
        for (SkewedLabels.Target t : targets) {
            assertTrue(feasible[t.cmi()][t.sc()], t.toString());
            cmi[t.cmi()]++;
            sc[t.sc()]++;
        }
        assertArrayEquals(CorpusGenerator.PAPER_CMI_COUNTS, cmi);
        assertArrayEquals(CorpusGenerator.PAPER_SC_COUNTS, sc);
    }

    @Test
    void theRulesTieTheMeasures() {
        boolean[][] f = SkewedLabels.feasibleForAny(Depiction.MAX_OBJECTS, CorpusGenerator.BBC_MAX_SENTENCES);
        // CMI 0 (nothing of the image described) never agrees with it; CMI 1 (a caption) always does
        assertFalse(f[0][3] || f[0][4]);
        assertTrue(f[0][0] && f[0][2]);
        assertTrue(f[4][4]);
        assertFalse(f[4][0] || f[4][1] || f[4][2] || f[4][3]);
        // a text mostly about something else than its image can hardly describe most of it and contradict it
        assertFalse(f[3][0]);
        assertTrue(f[2][0], "one object, one true sentence against many contradicting ones");
        assertFalse(SkewedLabels.feasible(3, CorpusGenerator.WIKI_MAX_SENTENCES)[2][0],
                "with three objects CMI 0.5 needs more true sentences than twelve leave room for beside the contradictions");
    }

    @Test
    void countsThatCannotBePairedAreRefused() {
        boolean[][] f = SkewedLabels.feasibleForAny(Depiction.MAX_OBJECTS, CorpusGenerator.WIKI_MAX_SENTENCES);
        // all CMI 1 (captions) against no SC 1
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SkewedLabels.draw(new int[] {0, 0, 0, 0, 10}, new int[] {10, 0, 0, 0, 0}, f, new Random(1)));
        assertTrue(e.getMessage().contains("cannot be paired"), e.getMessage());
    }

    @Test
    void scalingKeepsTheTotalAndTheShares() {
        assertArrayEquals(new int[] {44, 157, 466, 52, 107}, SkewedLabels.scaled(CorpusGenerator.PAPER_CMI_COUNTS, 826));
        int[] half = SkewedLabels.scaled(CorpusGenerator.PAPER_CMI_COUNTS, 413);
        assertEquals(413, java.util.stream.IntStream.of(half).sum());
        assertArrayEquals(new int[] {22, 79, 233, 26, 53}, half);
    }
}
