package org.infogap.synth;

import java.util.Locale;

/** Shapes the scenes are drawn with. */
public enum Shape {
    CIRCLE, SQUARE, TRIANGLE, STAR, DIAMOND, CROSS;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
