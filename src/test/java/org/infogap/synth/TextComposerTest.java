package org.infogap.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TextComposerTest {

    private static final Scene SCENE = new Scene(List.of(
            new Scene.SceneObject(Shape.CIRCLE, Colour.RED, true, Position.LEFT),
            new Scene.SceneObject(Shape.SQUARE, Colour.BLUE, false, Position.RIGHT)), Scene.Background.PLAIN, 1);

    @Test
    void followsThePlan() {
        TextComposer composer = new TextComposer(TextComposer.Style.ENCYCLOPEDIA, new Random(1));
        Composition c = composer.compose(SCENE, new TextComposer.Plan(3, 2, 2, 4));
        assertEquals(9, c.statements().size());
        assertEquals(3, c.count(Composition.Role.VISUAL));
        assertEquals(2, c.count(Composition.Role.CONTRADICTION));
        assertEquals(2, c.describedObjects());
    }

    @Test
    void visualSentencesAreTrueAndFillerNeverMentionsTheImage() {
        TextComposer composer = new TextComposer(TextComposer.Style.NEWS, new Random(2));
        for (int i = 0; i < 200; i++) {
            Composition c = composer.compose(SCENE, new TextComposer.Plan(2, 2, 1, 3));
            for (Composition.Statement s : c.statements()) {
                String text = s.text().toLowerCase(Locale.ROOT);
                switch (s.role()) {
                    case VISUAL -> {
                        Scene.SceneObject o = SCENE.objects().get(s.object());
                        assertTrue(text.contains(o.shape().word()), text);
                        assertTrue(text.contains(o.colour().word(true)) || text.contains("small")
                                || text.contains("large"), text);
                        for (Colour other : Colour.values()) {
                            if (other != o.colour()) {
                                assertFalse(text.matches(".*\\b" + other.word(true) + "\\b.*"), text);
                            }
                        }
                    }
                    case FILLER -> {
                        for (Shape shape : Shape.values()) {
                            assertFalse(text.matches(".*\\b" + shape.word() + "s?\\b.*"), text);
                        }
                        for (Colour colour : Colour.values()) {
                            assertFalse(text.matches(".*\\b" + colour.word(true) + "\\b.*"), text);
                        }
                    }
                    case CONTRADICTION -> assertFalse(text.isBlank());
                }
            }
        }
    }

    /**
     * Contradictions must be false of the image and worded like true sentences: with the shape, colour, size
     * and position words masked, both roles use the same set of wordings, so only the image tells them apart.
     */
    @Test
    void contradictionsAreFalseOfTheImageAndWordedLikeTrueSentences() {
        Scene scene = new Scene(List.of(
                new Scene.SceneObject(Shape.CIRCLE, Colour.RED, true, Position.LEFT),
                new Scene.SceneObject(Shape.CIRCLE, Colour.BLUE, false, Position.RIGHT),
                new Scene.SceneObject(Shape.STAR, Colour.GRAY, false, Position.CENTRE)), Scene.Background.PLAIN, 1);
        TextComposer composer = new TextComposer(TextComposer.Style.NEWS, new Random(5));
        java.util.Set<String> visualWordings = new java.util.TreeSet<>();
        java.util.Set<String> contradictionWordings = new java.util.TreeSet<>();
        for (int i = 0; i < 300; i++) {
            for (Composition.Statement s : composer.compose(scene, new TextComposer.Plan(3, 3, 3, 0)).statements()) {
                boolean matches = scene.objects().stream().anyMatch(o -> agrees(s.text(), o));
                if (s.role() == Composition.Role.VISUAL) {
                    assertTrue(agrees(s.text(), scene.objects().get(s.object())), s.text());
                    visualWordings.add(mask(s.text()));
                } else {
                    assertFalse(matches, "a contradiction that some object makes true: " + s.text());
                    contradictionWordings.add(mask(s.text()));
                }
            }
        }
        assertEquals(6, visualWordings.size(), visualWordings.toString());
        assertEquals(visualWordings, contradictionWordings);
    }

    /** Whether every attribute the sentence mentions agrees with {@code o}. */
    private static boolean agrees(String sentence, Scene.SceneObject o) {
        String s = sentence.toLowerCase(Locale.ROOT);
        if (!s.matches(".*\\b" + o.shape().word() + "\\b.*") || !s.matches(".*\\b" + o.colour().word(true) + "\\b.*")) {
            return false;
        }
        for (Position p : Position.values()) {
            if (p != o.position() && s.contains(p.phrase(true))) {
                return false;
            }
        }
        return !s.contains(o.large() ? "small" : "large");
    }

    private static String mask(String sentence) {
        String s = sentence.toLowerCase(Locale.ROOT);
        for (Position p : Position.values()) {
            s = s.replace(p.phrase(true), "<position>");
        }
        for (Shape shape : Shape.values()) {
            s = s.replaceAll("\\b" + shape.word() + "\\b", "<shape>");
        }
        for (Colour colour : Colour.values()) {
            s = s.replaceAll("\\b" + colour.word(true) + "\\b", "<colour>");
        }
        return s.replaceAll("\\b(large|small)\\b", "<size>").replaceAll("\\ban?\\b", "a");
    }

    @Test
    void newsTextIsBritishEncyclopediaAmerican() {
        Scene gray = new Scene(List.of(new Scene.SceneObject(Shape.STAR, Colour.GRAY, true, Position.CENTRE)),
                Scene.Background.DOTS, 3);
        String news = String.join(" ", new TextComposer(TextComposer.Style.NEWS, new Random(4))
                .compose(gray, new TextComposer.Plan(30, 1, 0, 0)).sentences());
        String wiki = String.join(" ", new TextComposer(TextComposer.Style.ENCYCLOPEDIA, new Random(4))
                .compose(gray, new TextComposer.Plan(30, 1, 0, 0)).sentences());
        assertTrue(news.contains("grey") && !news.contains("gray"), news);
        assertTrue(wiki.contains("gray") && !wiki.contains("grey"), wiki);
    }
}
