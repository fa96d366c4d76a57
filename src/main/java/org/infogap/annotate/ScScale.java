package org.infogap.annotate;

import java.util.Collection;
import java.util.Optional;
import org.infogap.data.ScLevel;

/** How a file writes SC: stated ({@code --sc-scale}) or detected only when unambiguous. */
public enum ScScale {
    /** -1, -0.5, 0, 0.5, 1. */
    FRACTIONS,
    /** Integers -2..2. */
    INTEGERS;

    /** @throws IllegalArgumentException when the value is not on this scale */
    public ScLevel level(double raw) {
        if (this == FRACTIONS) {
            return ScLevel.ofValue(raw);
        }
        if (raw != Math.rint(raw) || raw < -2 || raw > 2) {
            throw new IllegalArgumentException("SC must be an integer -2..2, got " + CmiScale.format(raw));
        }
        return ScLevel.ofIndex((int) raw + 2);
    }

    /**
     * A value of +-0.5 means fractions, +-2 means integers; values within -1, 0, 1 alone read the
     * same on both scales with different meanings, so they are ambiguous.
     */
    public static Optional<ScScale> detect(Collection<Double> values) {
        boolean half = values.stream().anyMatch(v -> v != Math.rint(v));
        boolean two = values.stream().anyMatch(v -> Math.abs(v) == 2);
        if (half && !two) {
            return Optional.of(FRACTIONS);
        }
        if (two && !half) {
            return Optional.of(INTEGERS);
        }
        return Optional.empty();
    }
}
