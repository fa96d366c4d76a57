package org.infogap.annotate;

import java.util.Collection;
import java.util.Optional;
import org.infogap.data.CmiLevel;

/**
 * How a file writes CMI. Tool versions differ, so the scale is stated ({@code --cmi-scale}) or
 * detected only when the values leave one reading ({@link #detect}).
 */
public enum CmiScale {
    /** 0, 0.25, 0.5, 0.75, 1. */
    FRACTIONS,
    /** Level indices 0..4. */
    LEVELS,
    /**
     * The legacy 8-level codes 0..7 of the first annotation tool: 0 -> 0, 5 -> 0.25, 4 -> 0.5, 3 -> 0.75,
     * 2 -> 1; codes 1, 6 and 7 have no five-level equivalent and are dropped (and counted).
     */
    LEGACY8;

    /**
     * The level a raw value stands for; empty for a legacy code that is dropped.
     *
     * @throws IllegalArgumentException when the value is not on this scale
     */
    public Optional<CmiLevel> level(double raw) {
        switch (this) {
            case FRACTIONS -> {
                return Optional.of(CmiLevel.ofValue(raw));
            }
            case LEVELS -> {
                if (raw != Math.rint(raw) || raw < 0 || raw > 4) {
                    throw new IllegalArgumentException("CMI level must be an integer 0..4, got " + format(raw));
                }
                return Optional.of(CmiLevel.ofIndex((int) raw));
            }
            default -> {
                if (raw != Math.rint(raw) || raw < 0 || raw > 7) {
                    throw new IllegalArgumentException("legacy CMI code must be an integer 0..7, got " + format(raw));
                }
                return switch ((int) raw) {
                    case 0 -> Optional.of(CmiLevel.L0);
                    case 5 -> Optional.of(CmiLevel.L025);
                    case 4 -> Optional.of(CmiLevel.L05);
                    case 3 -> Optional.of(CmiLevel.L075);
                    case 2 -> Optional.of(CmiLevel.L1);
                    default -> Optional.empty();
                };
            }
        }
    }

    /**
     * The only scale that can have produced {@code values}, or empty when more than one can: a
     * non-integer means fractions; a code of 5..7 means legacy; integers 0..4 alone fit both
     * levels and legacy codes (and 0/1 fractions too), so they are ambiguous.
     */
    public static Optional<CmiScale> detect(Collection<Double> values) {
        boolean fraction = values.stream().anyMatch(v -> v != Math.rint(v));
        boolean legacyOnly = values.stream().anyMatch(v -> v == Math.rint(v) && v >= 5 && v <= 7);
        if (fraction && !legacyOnly) {
            return Optional.of(FRACTIONS);
        }
        if (legacyOnly && !fraction) {
            return Optional.of(LEGACY8);
        }
        return Optional.empty();
    }

    static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
