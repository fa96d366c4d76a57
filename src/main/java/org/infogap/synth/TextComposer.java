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

    private static final String[] NAMES = {"Smith", "Jones", "Taylor", "Evans", "Wilson", "Johnson", "Walker",
        "Wright", "Thompson", "Hughes", "Edwards", "Clarke", "Hall", "Harris", "Lewis", "Robinson"};
    private static final String[] CITIES = {"London", "Manchester", "Leeds", "Glasgow", "Cardiff", "Bristol",
        "Paris", "Berlin", "Madrid", "Rome", "Boston", "Chicago", "Denver", "Toronto", "Dublin", "Oslo"};
    private static final String[] TOPICS = {"transport", "housing", "education", "health", "pensions", "tax",
        "energy", "farming", "tourism", "policing", "water", "broadband"};
    private static final String[] ORGS = {"council", "ministry", "committee", "union", "company", "bank",
        "charity", "regulator", "party", "board"};
    private static final String[] DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
        "Sunday"};
    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};
    private static final String[] COUNTRIES = {"England", "Scotland", "France", "Germany", "Spain", "Italy",
        "Canada", "Norway", "Ireland", "Portugal"};
    private static final String[] PRODUCTS = {"wine", "cheese", "wool", "timber", "coal", "fish", "glass",
        "pottery"};

    private final Style style;
    private final Random random;

    TextComposer(Style style, Random random) {
        this.style = style;
        this.random = random;
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
        List<Composition.Statement> statements = new ArrayList<>(plan.total());
        List<Integer> objects = new ArrayList<>();
        for (int i = 0; i < scene.objects().size(); i++) {
            objects.add(i);
        }
        Collections.shuffle(objects, random);
        List<Integer> described = objects.subList(0, plan.described());
        for (int i = 0; i < plan.visual(); i++) {
            int object = i < described.size() ? described.get(i) : described.get(random.nextInt(described.size()));
            statements.add(new Composition.Statement(Composition.Role.VISUAL, object, visual(scene, object)));
        }
        for (int i = 0; i < plan.contradicting(); i++) {
            statements.add(new Composition.Statement(Composition.Role.CONTRADICTION, -1, contradiction(scene)));
        }
        for (int i = 0; i < plan.filler(); i++) {
            statements.add(new Composition.Statement(Composition.Role.FILLER, -1, filler()));
        }
        Collections.shuffle(statements, random);
        return new Composition(scene, statements);
    }

    /** One COCO-style caption that names every object of the scene. */
    String caption(Scene scene) {
        List<String> parts = new ArrayList<>();
        for (Scene.SceneObject o : scene.objects()) {
            String size = random.nextBoolean() ? (o.large() ? "large " : "small ") : "";
            parts.add(article(size + colour(o)) + " " + size + colour(o) + " " + o.shape().word()
                    + (random.nextBoolean() ? " " + o.position().phrase(style.british) : ""));
        }
        String list = parts.size() == 1 ? parts.get(0)
                : String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
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

    private String filler() {
        return style == Style.NEWS ? newsFiller() : encyclopediaFiller();
    }

    private String newsFiller() {
        String name = pick(NAMES);
        String city = pick(CITIES);
        String topic = pick(TOPICS);
        String org = pick(ORGS);
        return switch (random.nextInt(14)) {
            case 0 -> "The " + org + " announced new plans for " + topic + " on " + pick(DAYS) + ".";
            case 1 -> "Mr. " + name + " said the " + org + " would review its " + topic + " policy next month.";
            case 2 -> "The U.K. government spent \u00a3" + (2 + random.nextInt(90)) + "." + random.nextInt(10)
                    + "m on its " + topic + " programme last year.";
            case 3 -> "Officials at No. 10 refused to comment on the " + topic + " report.";
            case 4 -> "Dr. " + (char) ('A' + random.nextInt(26)) + ". " + name + ", who speaks for the " + org
                    + ", said: \"We will analyse the figures carefully.\"";
            case 5 -> "Unemployment rose by " + random.nextInt(5) + "." + (1 + random.nextInt(9)) + " per cent in "
                    + pick(MONTHS) + ", according to the latest figures.";
            case 6 -> "The " + org + " has organised talks with its neighbours in the U.S. next week.";
            case 7 -> "Labour's defence spokesman travelled to " + city + " on " + pick(DAYS) + ".";
            case 8 -> "Critics said the decision would favour major companies over local " + topic + " groups.";
            case 9 -> "The theatre in " + city + " will reopen after a \u00a3" + (1 + random.nextInt(20))
                    + "m renovation.";
            case 10 -> "Prof. " + name + " told the BBC that the " + topic + " results were encouraging.";
            case 11 -> "Police said a " + (18 + random.nextInt(60)) + "-year-old man had been arrested in " + city + ".";
            case 12 -> "Mrs. " + name + " of the " + org + " said the " + topic + " figures would be published on "
                    + pick(DAYS) + ".";
            default -> "Ministers have realised that the " + topic + " budget in " + city + " is under pressure.";
        };
    }

    private String encyclopediaFiller() {
        String name = pick(NAMES);
        String city = pick(CITIES);
        int year = 1700 + random.nextInt(300);
        return switch (random.nextInt(10)) {
            case 0 -> city + " is a city in " + pick(COUNTRIES) + ".";
            case 1 -> "It was founded in " + year + " by " + name + ".";
            case 2 -> "The population was " + (5 + random.nextInt(900)) + ",000 in " + year + ".";
            case 3 -> "The " + pick(ORGS) + " was organized in " + year + ".";
            case 4 -> "Many people visit the theater and the museum every year.";
            case 5 -> "The region is known for its " + pick(PRODUCTS) + ".";
            case 6 -> "In " + year + ", the town became the heart of the " + pick(PRODUCTS) + " trade.";
            case 7 -> "St. " + name + "'s church was built in the " + (12 + random.nextInt(8)) + "th century.";
            case 8 -> "The river is about " + (10 + random.nextInt(400)) + " km long.";
            default -> "The favorite local dish is made from " + pick(PRODUCTS) + " and bread.";
        };
    }

    private String colour(Scene.SceneObject o) {
        return o.colour().word(style.british);
    }

    private <T> T pick(T[] options) {
        return options[random.nextInt(options.length)];
    }

    private static String article(String nextWord) {
        return "aeiou".indexOf(nextWord.charAt(0)) >= 0 ? "an" : "a";
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
