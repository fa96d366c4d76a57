package org.infogap.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.infogap.data.CmiLevel;
import org.infogap.data.ScLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelRulesTest {

    @ParameterizedTest(name = "n={0} d={1} a={2} t={3} -> CMI {4}")
    @CsvSource({
        // objects, described, visual, total, expected CMI
        "3, 0, 0, 5, 0.0",    // nothing true about the image
        "2, 2, 2, 2, 1.0",    // a caption: every object, nothing else
        "2, 2, 3, 3, 1.0",
        "2, 1, 1, 1, 0.75",   // focused text but half the image: (0.5 + 1) / 2 = 0.75
        "4, 1, 1, 10, 0.25",  // (0.25 + 0.1) / 2 = 0.175 -> 0.25 at least once something is shared
        "2, 1, 2, 4, 0.5",    // (0.5 + 0.5) / 2
        "1, 1, 3, 4, 0.75",   // (1 + 0.75) / 2 = 0.875 -> 1 by rounding, capped at 0.75 as not all text is visual
        "3, 3, 3, 5, 0.75",   // (1 + 0.6) / 2 = 0.8
    })
    void cmi(int objects, int described, int visual, int total, double expected) {
        assertEquals(CmiLevel.ofValue(expected), LabelRules.cmi(objects, described, visual, total));
    }

    @ParameterizedTest(name = "a={0} c={1} t={2} -> SC {3}")
    @CsvSource({
        // visual, contradicting, total, expected SC
        "0, 0, 7, 0.0",    // unrelated text
        "3, 0, 3, 1.0",    // all agree
        "3, 1, 4, 0.5",    // r = 0.5
        "1, 1, 2, 0.0",    // they cancel out
        "0, 4, 4, -1.0",   // all contradict
        "1, 3, 4, -0.5",   // r = -0.5
        "3, 0, 20, 0.5",   // agreeing but minor (3/20 < 1/4): one step towards 0
        "0, 2, 10, -0.5",  // contradicting but minor
        "1, 0, 5, 0.5",    // 1/5 < 1/4: minor
        "1, 0, 4, 1.0",    // 1/4 is not below 1/4
    })
    void sc(int visual, int contradicting, int total, double expected) {
        assertEquals(ScLevel.ofValue(expected), LabelRules.sc(visual, contradicting, total));
    }

    @Test
    void roundingIsSymmetric() {
        // r = +-0.75 rounds away from zero to +-1, r = +-0.25 to +-0.5
        assertEquals(ScLevel.POS1, LabelRules.sc(7, 1, 8));
        assertEquals(ScLevel.NEG1, LabelRules.sc(1, 7, 8));
        assertEquals(ScLevel.POS05, LabelRules.sc(5, 3, 8));
        assertEquals(ScLevel.NEG05, LabelRules.sc(3, 5, 8));
    }
}
