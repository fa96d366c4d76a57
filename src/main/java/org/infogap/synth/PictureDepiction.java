package org.infogap.synth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import org.infogap.data.Split;

/**
 * Scenes of real pictures: one to four things of a {@link PictureCatalogue} at distinct positions, large or
 * small, each drawn by one of its artists, on the default corpus's backgrounds. Texts call each thing by one of
 * its own names ("There is a small hot pepper on the left."); a contradicting sentence names a thing the image
 * lacks, or a present one at the wrong place or size. The text cannot tell a true sentence from a false one:
 * only the picture can, which is what this corpus measures.
 */
final class PictureDepiction implements Depiction<PictureDepiction.PictureScene> {

    /** Side of a large / small thing, as a share of the image's side (the shapes' diameters). */
    private static final double LARGE = 0.34;
    private static final double SMALL = 0.2;
    private static final double JITTER = 0.06;

    /**
     * One thing in a scene.
     *
     * @param kind    index into the catalogue's kinds
     * @param picture which of the kind's pictures
     * @param flipped drawn mirrored: a thing is the same thing either way round
     */
    record Thing(int kind, int picture, boolean large, Position position, boolean flipped) {
    }

    /** What one image shows. */
    record PictureScene(List<Thing> things, Scene.Background background, long noiseSeed) {
        PictureScene {
            things = List.copyOf(things);
        }
    }

    private final PictureCatalogue catalogue;
    private final boolean holdOut;
    private final Map<Path, BufferedImage> pictures = new ConcurrentHashMap<>();

    /**
     * With {@code holdOut}, a kind with several pictures keeps its last one (the last source's artist) for the test
     * split and shows the others in training: the test split then asks whether a model learnt what a dog looks like,
     * not whether it remembers one drawing of a dog. Photographs a search stack scores are never the ones it saw.
     */
    PictureDepiction(PictureCatalogue catalogue, boolean holdOut) {
        this.catalogue = catalogue;
        this.holdOut = holdOut;
    }

    @Override
    public PictureScene randomScene(Random random, Split split) {
        int n = 1 + random.nextInt(4);
        List<Position> positions = new ArrayList<>(List.of(Position.values()));
        Collections.shuffle(positions, random);
        List<Integer> kinds = new ArrayList<>();
        while (kinds.size() < n) {
            int k = random.nextInt(catalogue.kinds().size());
            if (!kinds.contains(k)) { // one thing of a kind per image, so "the dog" names one thing
                kinds.add(k);
            }
        }
        List<Thing> things = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            things.add(new Thing(kinds.get(i), picture(catalogue.kinds().get(kinds.get(i)).pictures().size(), split, random),
                    random.nextBoolean(), positions.get(i), random.nextBoolean()));
        }
        Scene.Background background = Scene.Background.values()[random.nextInt(Scene.Background.values().length)];
        return new PictureScene(things, background, random.nextLong());
    }

    /** Which of a kind's {@code count} pictures a pair of {@code split} shows. */
    private int picture(int count, Split split, Random random) {
        if (!holdOut || count == 1) {
            return random.nextInt(count);
        }
        return split == Split.TEST ? count - 1 : random.nextInt(count - 1);
    }

    @Override
    public int objects(PictureScene scene) {
        return scene.things().size();
    }

    @Override
    public Writer<PictureScene> writer(TextComposer.Style style, Random random) {
        return new PictureWriter(style, random);
    }

    @Override
    public BufferedImage render(PictureScene scene, int size) {
        Random random = new Random(scene.noiseSeed());
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            SceneRenderer.paintBackground(g, scene.background(), size, random);
            for (Thing t : scene.things()) {
                int side = (int) Math.round((t.large() ? LARGE : SMALL) * size * (0.9 + 0.2 * random.nextDouble()));
                int cx = (int) Math.round((t.position().x + (random.nextDouble() - 0.5) * JITTER) * size);
                int cy = (int) Math.round((t.position().y + (random.nextDouble() - 0.5) * JITTER) * size);
                BufferedImage p = picture(catalogue.kinds().get(t.kind()).pictures().get(t.picture()));
                int x0 = cx - side / 2;
                int y0 = cy - side / 2;
                if (t.flipped()) {
                    g.drawImage(p, x0 + side, y0, -side, side, null);
                } else {
                    g.drawImage(p, x0, y0, side, side, null);
                }
            }
        } finally {
            g.dispose();
        }
        SceneRenderer.addNoise(image, random);
        return image;
    }

    private BufferedImage picture(Path file) {
        return pictures.computeIfAbsent(file, f -> {
            try {
                BufferedImage image = ImageIO.read(f.toFile());
                if (image == null) {
                    throw new IOException("not an image ImageIO can read");
                }
                return image;
            } catch (IOException e) {
                throw new UncheckedIOException("reading picture " + f, e);
            }
        });
    }

    @Override
    public void describe(PictureScene scene, ArrayNode objects) {
        for (Thing t : scene.things()) {
            PictureCatalogue.Kind kind = catalogue.kinds().get(t.kind());
            objects.addObject().put("kind", kind.id()).put("name", kind.names().get(0)).put("group", kind.group())
                    .put("picture", tail(kind.pictures().get(t.picture())))
                    .put("size", t.large() ? "large" : "small").put("position", t.position().name().toLowerCase(Locale.ROOT));
        }
    }

    /** The picture's file and two folders above it: the artist's set and size for emoji-datasource. */
    private static String tail(Path picture) {
        int n = picture.getNameCount();
        return picture.subpath(Math.max(0, n - 3), n).toString().replace('\\', '/');
    }

    @Override
    public void provenance(ObjectNode node) {
        ObjectNode p = node.putObject("pictures");
        ArrayNode sources = p.putArray("sources");
        catalogue.sources().forEach(sources::add);
        p.put("kinds", catalogue.kinds().size()).put("test_pictures_held_out", holdOut);
        p.put("pictures", catalogue.kinds().stream().mapToInt(k -> k.pictures().size()).sum());
    }

    /** The wordings of a claim, with the attributes each one mentions besides the thing. */
    private enum Wording {
        SIZE_POSITION(true, true), SEEN_AT(false, true), SHOWS_SIZE(true, false), POSITION_FIRST(false, true),
        SHOWS(false, false), WE_SEE(false, true);

        final boolean size;
        final boolean position;

        Wording(boolean size, boolean position) {
            this.size = size;
            this.position = position;
        }
    }

    /** What a sentence says about one thing. */
    private record Claim(int kind, boolean large, Position position) {
        static Claim of(Thing t) {
            return new Claim(t.kind(), t.large(), t.position());
        }

        boolean trueOf(PictureScene scene, Wording wording) {
            return scene.things().stream().anyMatch(t -> t.kind() == kind
                    && (!wording.position || t.position() == position) && (!wording.size || t.large() == large));
        }
    }

    private final class PictureWriter implements Writer<PictureScene> {
        private final TextComposer.Style style;
        private final Random random;
        private final FillerText filler;

        PictureWriter(TextComposer.Style style, Random random) {
            this.style = style;
            this.random = random;
            this.filler = new FillerText(style, random);
        }

        @Override
        public Composition compose(PictureScene scene, TextComposer.Plan plan) {
            return TextComposer.assemble(scene.things().size(), plan, random,
                    object -> say(Claim.of(scene.things().get(object)), pick(Wording.values())), () -> contradiction(scene),
                    filler::sentence);
        }

        @Override
        public String caption(PictureScene scene) {
            List<String> parts = new ArrayList<>();
            for (Thing t : scene.things()) {
                String size = random.nextBoolean() ? (t.large() ? "large " : "small ") : "";
                String thing = size + name(t.kind());
                parts.add(TextComposer.article(thing) + " " + thing + (random.nextBoolean() ? " " + t.position().phrase(style.british) : ""));
            }
            String list = TextComposer.list(parts);
            return switch (random.nextInt(3)) {
                case 0 -> TextComposer.capitalise(list) + ".";
                case 1 -> "A picture of " + list + ".";
                default -> "An image showing " + list + ".";
            };
        }

        /**
         * A false claim in the wordings of the true ones: another thing where a present one is, a present thing
         * at the wrong place or size, or a thing the image lacks anywhere.
         */
        private String contradiction(PictureScene scene) {
            Set<Integer> present = new HashSet<>();
            scene.things().forEach(t -> present.add(t.kind()));
            while (true) {
                Claim base = Claim.of(scene.things().get(random.nextInt(scene.things().size())));
                Wording wording = pick(Wording.values());
                Claim claim = switch (random.nextInt(4)) {
                    case 0 -> new Claim(absentKind(present), base.large(), base.position());
                    case 1 -> wording.position ? new Claim(base.kind(), base.large(), pick(Position.values())) : null;
                    case 2 -> wording.size ? new Claim(base.kind(), !base.large(), base.position()) : null;
                    default -> new Claim(absentKind(present), random.nextBoolean(), pick(Position.values()));
                };
                if (claim != null && !claim.trueOf(scene, wording)) {
                    return say(claim, wording);
                }
            }
        }

        private int absentKind(Set<Integer> present) {
            while (true) {
                int k = random.nextInt(catalogue.kinds().size());
                if (!present.contains(k)) {
                    return k;
                }
            }
        }

        private String say(Claim c, Wording wording) {
            String thing = name(c.kind());
            String pos = c.position().phrase(style.british);
            String size = c.large() ? "large" : "small";
            return switch (wording) {
                case SIZE_POSITION -> "There is a " + size + " " + thing + " " + pos + ".";
                case SEEN_AT -> TextComposer.capitalise(TextComposer.article(thing)) + " " + thing + " can be seen " + pos + ".";
                case SHOWS_SIZE -> "The picture shows a " + size + " " + thing + ".";
                case POSITION_FIRST -> TextComposer.capitalise(pos) + " there is " + TextComposer.article(thing) + " " + thing + ".";
                case SHOWS -> "The picture shows " + TextComposer.article(thing) + " " + thing + ".";
                case WE_SEE -> "We see " + TextComposer.article(thing) + " " + thing + " " + pos + ".";
            };
        }

        private String name(int kind) {
            List<String> names = catalogue.kinds().get(kind).names();
            return names.get(random.nextInt(names.size()));
        }

        private <T> T pick(T[] options) {
            return options[random.nextInt(options.length)];
        }
    }
}
