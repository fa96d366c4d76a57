package org.infogap.synth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** The default corpus's scenes: coloured shapes on pastel backgrounds, described by {@link TextComposer}. */
final class ShapeDepiction implements Depiction<Scene> {

    private final SceneRenderer renderer = new SceneRenderer();

    @Override
    public Scene randomScene(Random random, org.infogap.data.Split split) {
        int n = 1 + random.nextInt(4);
        List<Position> positions = new ArrayList<>(List.of(Position.values()));
        Collections.shuffle(positions, random);
        List<Scene.SceneObject> objects = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            objects.add(new Scene.SceneObject(Shape.values()[random.nextInt(Shape.values().length)],
                    Colour.values()[random.nextInt(Colour.values().length)], random.nextBoolean(), positions.get(i)));
        }
        Scene.Background background = Scene.Background.values()[random.nextInt(Scene.Background.values().length)];
        return new Scene(objects, background, random.nextLong());
    }

    @Override
    public int objects(Scene scene) {
        return scene.objects().size();
    }

    @Override
    public Writer<Scene> writer(TextComposer.Style style, Random random) {
        TextComposer composer = new TextComposer(style, random);
        return new Writer<>() {
            @Override
            public Composition compose(Scene scene, TextComposer.Plan plan) {
                return composer.compose(scene, plan);
            }

            @Override
            public String caption(Scene scene) {
                return composer.caption(scene);
            }
        };
    }

    @Override
    public BufferedImage render(Scene scene, int size) {
        return renderer.render(scene, size);
    }

    @Override
    public void describe(Scene scene, ArrayNode objects) {
        for (Scene.SceneObject o : scene.objects()) {
            objects.addObject().put("shape", o.shape().word()).put("colour", o.colour().word(false))
                    .put("size", o.large() ? "large" : "small").put("position", o.position().name().toLowerCase(Locale.ROOT));
        }
    }
}
