package org.infogap.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.infogap.data.CmiLevel;
import org.infogap.data.ScLevel;
import org.junit.jupiter.api.Test;

class LabelScaleTest {

    @Test
    void legacyCodesMapAsTheOldToolMeantThem() {
        assertEquals(Optional.of(CmiLevel.L0), CmiScale.LEGACY8.level(0));
        assertEquals(Optional.of(CmiLevel.L025), CmiScale.LEGACY8.level(5));
        assertEquals(Optional.of(CmiLevel.L05), CmiScale.LEGACY8.level(4));
        assertEquals(Optional.of(CmiLevel.L075), CmiScale.LEGACY8.level(3));
        assertEquals(Optional.of(CmiLevel.L1), CmiScale.LEGACY8.level(2));
        for (int dropped : new int[] {1, 6, 7}) {
            assertEquals(Optional.empty(), CmiScale.LEGACY8.level(dropped));
        }
        assertThrows(IllegalArgumentException.class, () -> CmiScale.LEGACY8.level(8));
    }

    @Test
    void levelsAndFractions() {
        assertEquals(Optional.of(CmiLevel.L075), CmiScale.LEVELS.level(3));
        assertEquals(Optional.of(CmiLevel.L075), CmiScale.FRACTIONS.level(0.75));
        assertThrows(IllegalArgumentException.class, () -> CmiScale.FRACTIONS.level(0.3));
        assertThrows(IllegalArgumentException.class, () -> CmiScale.LEVELS.level(5));
        assertEquals(ScLevel.NEG05, ScScale.FRACTIONS.level(-0.5));
        assertEquals(ScLevel.NEG05, ScScale.INTEGERS.level(-1));
        assertEquals(ScLevel.POS1, ScScale.INTEGERS.level(2));
        assertThrows(IllegalArgumentException.class, () -> ScScale.INTEGERS.level(0.5));
    }

    @Test
    void detectionOnlyWhenOneReadingRemains() {
        assertEquals(Optional.of(CmiScale.FRACTIONS), CmiScale.detect(List.of(0.0, 0.25, 1.0)));
        assertEquals(Optional.of(CmiScale.LEGACY8), CmiScale.detect(List.of(0.0, 2.0, 5.0)));
        assertEquals(Optional.empty(), CmiScale.detect(List.of(0.0, 1.0)), "0/1: fractions, levels or codes");
        assertEquals(Optional.empty(), CmiScale.detect(List.of(0.0, 3.0, 4.0)), "levels or legacy codes");
        assertEquals(Optional.empty(), CmiScale.detect(List.of(0.5, 6.0)), "contradictory");
        assertEquals(Optional.of(ScScale.FRACTIONS), ScScale.detect(List.of(-0.5, 1.0)));
        assertEquals(Optional.of(ScScale.INTEGERS), ScScale.detect(List.of(-2.0, 1.0)));
        assertEquals(Optional.empty(), ScScale.detect(List.of(-1.0, 0.0, 1.0)));
    }
}
