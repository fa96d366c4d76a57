package org.infogap.synth;

import java.awt.Color;
import java.util.Locale;

/** Object colours; {@link #GRAY} is spelled "grey" in British text. */
public enum Colour {
    RED(new Color(220, 30, 30)), GREEN(new Color(30, 170, 50)), BLUE(new Color(30, 70, 220)),
    YELLOW(new Color(240, 220, 20)), ORANGE(new Color(245, 140, 20)), PURPLE(new Color(140, 40, 180)),
    WHITE(new Color(250, 250, 250)), BLACK(new Color(15, 15, 15)), GRAY(new Color(128, 128, 128));

    private final Color rgb;

    Colour(Color rgb) {
        this.rgb = rgb;
    }

    public Color rgb() {
        return rgb;
    }

    public String word(boolean british) {
        return british && this == GRAY ? "grey" : name().toLowerCase(Locale.ROOT);
    }
}
