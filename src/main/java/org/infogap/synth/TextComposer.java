package org.infogap.synth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Writes the sentences of a generated text from templates. Visual sentences state one object's
 * colour, shape, size or position truly; contradicting sentences use the same wordings but get a
 * colour, position or size wrong or name a shape the image lacks; filler sentences are news-like (BBC style, British
 * spelling, abbreviations, quotes and decimals that the sentence splitter must survive) or
 * encyclopaedic (Wiki style) and never use a shape, colour or position word.
 */
final class TextComposer {

    /** Text style by target corpus. */
    enum Style {
        NEWS(true), ENCYCLOPEDIA(false), CAPTION(false);

        final boolean british;

        Style(boolean british) {
            this.british = british;
        }
    }

    /**
     * How many sentences of each kind a text gets.
     *
     * @param visual        true sentences about the image
     * @param described     distinct objects they describe (1..min(visual, objects), 0 if visual is 0)
     * @param contradicting sentences the image contradicts
     * @param filler        unrelated sentences
     */
    record Plan(int visual, int described, int contradicting, int filler) {
        int total() {
            return visual + contradicting + filler;
        }
    }

    private final Style style;
    private final Random random;
    private final FillerText filler;

    TextComposer(Style style, Random random) {
        this.style = style;
        this.random = random;
        this.filler = new FillerText(style, random);
    }

    /** Draws a plan of 1..maxSentences sentences; every count is as likely as any other. */
    static Plan randomPlan(int objects, int maxSentences, Random random) {
        int t = 1 + random.nextInt(maxSentences);
        int a = random.nextInt(t + 1);
        int c = random.nextInt(t - a + 1);
        int d = a == 0 ? 0 : 1 + random.nextInt(Math.min(a, objects));
        return new Plan(a, d, c, t - a - c);
    }

    /** Writes a text that follows {@code plan}, sentences in random order. */
    Composition compose(Scene scene, Plan plan) {
        return assemble(scene.objects().size(), plan, random, object -> visual(scene, object), () -> contradiction(scene),
                filler::sentence);
    }

    /**
     * A text that follows {@code plan} from sentence writers: the described objects drawn among {@code objects}, each
     * described at least once, then the contradicting and filler sentences, all in random order. Both corpora's
     * writers use it, so their texts are built the same way.
     */
    static Composition assemble(int objects, Plan plan, Random random, java.util.function.IntFunction<String> visual,
                                java.util.function.Supplier<String> contradiction, java.util.function.Supplier<String> filler) {
        List<Composition.Statement> statements = new ArrayList<>(plan.total());
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        List<Integer> described = order.subList(0, plan.described());
        for (int i = 0; i < plan.visual(); i++) {
            int object = i < described.size() ? described.get(i) : described.get(random.nextInt(described.size()));
            statements.add(new Composition.Statement(Composition.Role.VISUAL, object, visual.apply(object)));
        }
        for (int i = 0; i < plan.contradicting(); i++) {
            statements.add(new Composition.Statement(Composition.Role.CONTRADICTION, -1, contradiction.get()));
        }
        for (int i = 0; i < plan.filler(); i++) {
            statements.add(new Composition.Statement(Composition.Role.FILLER, -1, filler.get()));
        }
        Collections.shuffle(statements, random);
        return new Composition(objects, statements);
    }

    /** "a", "a and b", "a, b and c". */
    static String list(List<String> parts) {
        return parts.size() == 1 ? parts.get(0)
                : String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
    }

    /** One COCO-style caption that names every object of the scene. */
    String caption(Scene scene) {
        List<String> parts = new ArrayList<>();
        for (Scene.SceneObject o : scene.objects()) {
            String size = random.nextBoolean() ? (o.large() ? "large " : "small ") : "";
            parts.add(article(size + colour(o)) + " " + size + colour(o) + " " + o.shape().word()
                    + (random.nextBoolean() ? " " + o.position().phrase(style.british) : ""));
        }
        String list = list(parts);
        String background = switch (scene.background()) {
            case PLAIN -> "plain";
            case GRADIENT -> "shaded";
            case STRIPES -> "striped";
            case DOTS -> "dotted";
        };
        return switch (random.nextInt(3)) {
            case 0 -> capitalise(list) + " on a " + background + " background.";
            case 1 -> "A picture of " + list + ".";
            default -> "An image showing " + list + ".";
        };
    }

    /**
     * What a sentence says about one object. A template mentions the shape and the colour always, the position
     * and the size only in some wordings, so a claim is true when an object of the scene agrees with every
     * attribute its wording mentions.
     */
    private record Claim(Shape shape, Colour colour, boolean large, Position position) {
        static Claim of(Scene.SceneObject o) {
            return new Claim(o.shape(), o.colour(), o.large(), o.position());
        }

        boolean trueOf(Scene scene, Wording wording) {
            return scene.objects().stream().anyMatch(o -> o.shape() == shape && o.colour() == colour
                    && (!wording.position || o.position() == position) && (!wording.size || o.large() == large));
        }
    }

    /** The six wordings of a claim, with the attributes each one mentions besides shape and colour. */
    private enum Wording {
        SIZE_POSITION(true, true), SEEN_AT(false, true), SHOWS_SIZE(true, false), POSITION_FIRST(false, true),
        IS_COLOUR(false, true), HAS_COLOUR(false, true);

        final boolean size;
        final boolean position;

        Wording(boolean size, boolean position) {
            this.size = size;
            this.position = position;
        }
    }

    private String visual(Scene scene, int index) {
        return say(Claim.of(scene.objects().get(index)), pick(Wording.values()));
    }

    /**
     * A false claim in the wordings of the true ones: one present object with its colour, position or size
     * changed, or a shape the image does not have. The text alone cannot tell it from a visual sentence; only
     * the image can, which is what the classifier must learn (the counts and denials used before had
     * wordings of their own and gave the labels away).
     */
    private String contradiction(Scene scene) {
        Set<Shape> absent = EnumSet.allOf(Shape.class);
        scene.objects().forEach(o -> absent.remove(o.shape()));
        while (true) {
            Claim base = Claim.of(scene.objects().get(random.nextInt(scene.objects().size())));
            Wording wording = pick(Wording.values());
            Claim claim = switch (random.nextInt(absent.isEmpty() ? 3 : 4)) {
                case 0 -> new Claim(base.shape(), pick(Colour.values()), base.large(), base.position());
                case 1 -> wording.position
                        ? new Claim(base.shape(), base.colour(), base.large(), pick(Position.values())) : null;
                case 2 -> wording.size ? new Claim(base.shape(), base.colour(), !base.large(), base.position()) : null;
                default -> new Claim(List.copyOf(absent).get(random.nextInt(absent.size())), pick(Colour.values()),
                        random.nextBoolean(), pick(Position.values()));
            };
            if (claim != null && !claim.trueOf(scene, wording)) {
                return say(claim, wording);
            }
        }
    }

    private String say(Claim c, Wording wording) {
        String colour = c.colour().word(style.british);
        String shape = c.shape().word();
        String pos = c.position().phrase(style.british);
        String size = c.large() ? "large" : "small";
        return switch (wording) {
            case SIZE_POSITION -> "There is a " + size + " " + colour + " " + shape + " " + pos + ".";
            case SEEN_AT -> capitalise(article(colour)) + " " + colour + " " + shape + " can be seen " + pos + ".";
            case SHOWS_SIZE -> "The picture shows " + article(size) + " " + size + " " + colour + " " + shape + ".";
            case POSITION_FIRST -> capitalise(pos) + " there is " + article(colour) + " " + colour + " " + shape + ".";
            case IS_COLOUR -> "The " + shape + " " + pos + " is " + colour + ".";
            case HAS_COLOUR -> "The " + shape + " " + pos + " has " + article(colour) + " " + colour + " "
                    + (style.british ? "colour" : "color") + ".";
        };
    }

    private String colour(Scene.SceneObject o) {
        return o.colour().word(style.british);
    }

    private <T> T pick(T[] options) {
        return options[random.nextInt(options.length)];
    }

    static String article(String nextWord) {
        return "aeiou".indexOf(nextWord.charAt(0)) >= 0 ? "an" : "a";
    }

    static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
