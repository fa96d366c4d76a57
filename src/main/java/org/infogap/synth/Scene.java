package org.infogap.synth;

import java.util.List;

/**
 * What an image shows.
 *
 * @param objects    one to four objects at distinct positions
 * @param background how the background is painted
 * @param noiseSeed  seed of the pixel noise, so a scene always renders to the same image
 */
public record Scene(List<SceneObject> objects, Background background, long noiseSeed) {

    /** One drawn object. */
    public record SceneObject(Shape shape, Colour colour, boolean large, Position position) {
    }

    /** Background styles; none of them uses an object colour at full saturation. */
    public enum Background { PLAIN, GRADIENT, STRIPES, DOTS }

    public Scene {
        objects = List.copyOf(objects);
        if (objects.isEmpty() || objects.size() > 4) {
            throw new IllegalArgumentException("a scene has 1 to 4 objects, got " + objects.size());
        }
    }
}
