package org.infogap.data;

/**
 * Semantic correlation, the five levels of the paper's annotation (section 4.4):
 * negative = image and text contradict each other, 0 = unrelated, 1 = they fit.
 */
public enum ScLevel {
    NEG1(-1.0), NEG05(-0.5), ZERO(0.0), POS05(0.5), POS1(1.0);

    private final double value;

    ScLevel(double value) {
        this.value = value;
    }

    public double value() {
        return value;
    }

    /** Class index 0..4 for the classifier. */
    public int index() {
        return ordinal();
    }

    public static ScLevel ofIndex(int index) {
        return values()[index];
    }

    /** The level with exactly this value; anything else is refused, never rounded. */
    public static ScLevel ofValue(double value) {
        for (ScLevel level : values()) {
            if (level.value == value) {
                return level;
            }
        }
        throw new IllegalArgumentException("SC must be one of -1, -0.5, 0, 0.5, 1, got " + value);
    }
}
