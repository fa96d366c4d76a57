package org.infogap.synth;

/** Where an object sits; each object of a scene has its own position. */
public enum Position {
    LEFT(0.25, 0.5), RIGHT(0.75, 0.5), TOP(0.5, 0.22), BOTTOM(0.5, 0.78), CENTRE(0.5, 0.5);

    final double x;
    final double y;

    Position(double x, double y) {
        this.x = x;
        this.y = y;
    }

    public String phrase(boolean british) {
        return switch (this) {
            case LEFT -> "on the left";
            case RIGHT -> "on the right";
            case TOP -> "at the top";
            case BOTTOM -> "at the bottom";
            case CENTRE -> british ? "in the centre" : "in the center";
        };
    }
}
