package org.infogap.data;

/**
 * Cross-modal mutual information, the five levels of the paper's annotation (section 4.4):
 * 0 = image and text share no concept, 1 = the text only states what the image shows.
 */
public enum CmiLevel {
    L0(0.0), L025(0.25), L05(0.5), L075(0.75), L1(1.0);

    private final double value;

    CmiLevel(double value) {
        this.value = value;
    }

    public double value() {
        return value;
    }

    /** Class index 0..4 for the classifier. */
    public int index() {
        return ordinal();
    }

    public static CmiLevel ofIndex(int index) {
        return values()[index];
    }

    /** The level with exactly this value; anything else is refused, never rounded. */
    public static CmiLevel ofValue(double value) {
        for (CmiLevel level : values()) {
            if (level.value == value) {
                return level;
            }
        }
        throw new IllegalArgumentException("CMI must be one of 0, 0.25, 0.5, 0.75, 1, got " + value);
    }
}
