package org.infogap.synth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * What the images of a generated corpus show and how texts speak of it: drawn shapes ({@link ShapeDepiction}, the
 * default corpus) or real pictures of named things ({@link PictureDepiction}). The {@link CorpusGenerator} writes
 * either into the same formats, with the same plans and {@link LabelRules}.
 *
 * @param <S> a scene: what one image shows
 */
interface Depiction<S> {

    /** The most objects a scene shows. */
    int MAX_OBJECTS = 4;

    /**
     * A random scene of one to four objects at distinct positions, for a pair of {@code split}: a depiction may keep
     * some of its pictures for the test split, so that the test measures what was learnt rather than what was seen.
     */
    S randomScene(Random random, org.infogap.data.Split split);

    /** Objects the scene shows. */
    int objects(S scene);

    /** Writes texts about scenes in one style, drawing from {@code random}. */
    Writer<S> writer(TextComposer.Style style, Random random);

    /** The scene as an image of {@code size} x {@code size} pixels; the same scene always gives the same image. */
    BufferedImage render(S scene, int size);

    /** Appends the scene's objects, one JSON object each, to the ground truth. */
    void describe(S scene, ArrayNode objects);

    /** Settings worth recording in {@code generator.json} (the picture sources, say); none by default. */
    default void provenance(com.fasterxml.jackson.databind.node.ObjectNode node) {
    }

    /** Sentences about a scene. */
    interface Writer<S> {
        /** A text that follows {@code plan}, sentences in random order. */
        Composition compose(S scene, TextComposer.Plan plan);

        /** One COCO-style caption that names every object of the scene. */
        String caption(S scene);
    }
}
