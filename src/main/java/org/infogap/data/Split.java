package org.infogap.data;

import java.util.Locale;

/** The part of a corpus a pair belongs to. */
public enum Split {
    TRAIN, TEST;

    public static Split parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("split must be 'train' or 'test', got '" + text + "'");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
