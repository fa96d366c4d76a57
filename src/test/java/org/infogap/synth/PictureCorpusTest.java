package org.infogap.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.infogap.data.BadInputException;
import org.infogap.data.CmiLevel;
import org.infogap.data.CorpusManifest;
import org.infogap.data.ImageTextPair;
import org.infogap.data.ReadOptions;
import org.infogap.io.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real-image corpus from an emoji-datasource-shaped package of two artists, written here with pictures of
 * our own: which kinds are taken, how texts name them, and that labels follow the same rules as the shapes'.
 */
class PictureCorpusTest {

    @TempDir
    static Path dir;
    static Path emoji;
    static Path corpus;

    /** One emoji entry as emoji-datasource writes it. */
    private static void entry(ArrayNode root, String unified, String name, String subcategory, String... shortNames) {
        ObjectNode e = root.addObject().put("name", name).put("unified", unified).put("image", unified.toLowerCase() + ".png")
                .put("category", "test").put("subcategory", subcategory).put("has_img_artista", true).put("has_img_artistb", true);
        ArrayNode s = e.putArray("short_names");
        for (String n : shortNames) {
            s.add(n);
        }
    }

    private static void picture(Path file, int seed) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(Color.HSBtoRGB(seed / 13f, 0.8f, 0.8f)));
        g.fillOval(4 + seed % 7, 4, 50, 40 + seed % 15);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    @BeforeAll
    static void writePackageAndCorpus() throws IOException {
        emoji = dir.resolve("emoji-datasource-test");
        ArrayNode root = Json.mapper().createArrayNode();
        String[][] things = {{"1F415", "DOG", "animal-mammal", "dog", "dog2"}, {"1F408", "CAT", "animal-mammal", "cat2"},
            {"1F34E", "RED APPLE", "food-fruit", "apple"}, {"1F68C", "BUS", "transport-ground", "bus"},
            {"1F526", "ELECTRIC TORCH", "light & video", "flashlight"}, {"1F37A", "BEER MUG", "drink", "beer"},
            {"1F955", "CARROT", "food-vegetable", "carrot"}, {"1F6B2", "BICYCLE", "transport-ground", "bike"}};
        for (String[] t : things) {
            entry(root, t[0], t[1], t[2], java.util.Arrays.copyOfRange(t, 3, t.length));
        }
        entry(root, "1F600", "GRINNING FACE", "face-smiling", "grinning"); // a face: not a thing
        entry(root, "1F436", "DOG FACE", "animal-mammal", "dog_face"); // a face, though an animal's
        entry(root, "1F1EB", "REGIONAL INDICATOR F", "alphanum", "f"); // a symbol
        entry(root, "1F699", "RECREATIONAL VEHICLE", "transport-ground", "bus"); // "bus" is taken by the bus
        Files.createDirectories(emoji);
        Json.mapper().writeValue(emoji.resolve("emoji.json").toFile(), root);
        int seed = 0;
        for (JsonNode e : root) {
            for (String artist : List.of("artista", "artistb")) {
                picture(emoji.resolve("img").resolve(artist).resolve("64").resolve(e.path("image").asText()), seed++);
            }
        }
        corpus = dir.resolve("real");
        new CorpusGenerator(new GeneratorConfig(3, 90, 200, 0.2, 64, false),
                PictureCatalogue.read(List.of(emoji), 0, 3), true).generate(corpus);
    }

    @Test
    void theCatalogueTakesConcreteThingsByTheirNamesWithOnePictureByEachArtist() throws IOException {
        PictureCatalogue c = PictureCatalogue.read(List.of(emoji), 0, 1);
        Map<String, PictureCatalogue.Kind> byId = c.kinds().stream()
                .collect(Collectors.toMap(PictureCatalogue.Kind::id, k -> k));
        assertEquals(Set.of("1F415", "1F408", "1F34E", "1F68C", "1F526", "1F37A", "1F955", "1F6B2"), byId.keySet(),
                "no faces, symbols, or a second thing called bus");
        assertEquals(List.of("dog"), byId.get("1F415").names(), "'dog2' tells emoji apart, nobody says it");
        assertEquals(List.of("red apple", "apple"), byId.get("1F34E").names());
        assertEquals(List.of("electric torch", "flashlight"), byId.get("1F526").names());
        for (PictureCatalogue.Kind k : c.kinds()) {
            assertEquals(2, k.pictures().size(), k.id() + ": one picture by each artist");
        }
        assertEquals(5, PictureCatalogue.read(List.of(emoji), 5, 1).kinds().size(), "a sample when fewer are asked for");
    }

    @Test
    void aCatalogueFileNamesTheLineAndFieldOfABadKind() throws IOException {
        Path jsonl = dir.resolve("catalogue/bad.jsonl");
        picture(jsonl.resolveSibling("dog.png"), 1);
        Files.writeString(jsonl, "{\"kind\": \"dog\", \"names\": [\"dog\"], \"pictures\": [\"dog.png\"]}\n"
                + "{\"kind\": \"cat\", \"names\": [\"cat\"], \"pictures\": [\"cat.png\"]}\n");
        BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class,
                () -> PictureCatalogue.read(List.of(jsonl), 0, 1));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("pictures") && e.getMessage().contains("cat.png"),
                e.getMessage());
    }

    @Test
    void everySentenceAboutTheImageNamesAThingAndIsTrueOrFalseOfItsScene() throws IOException {
        PictureCatalogue c = PictureCatalogue.read(List.of(emoji), 0, 3);
        Map<String, List<String>> names = c.kinds().stream()
                .collect(Collectors.toMap(PictureCatalogue.Kind::id, PictureCatalogue.Kind::names));
        int visual = 0;
        int contradicting = 0;
        for (JsonNode pair : CorpusGeneratorTest.jsonl(corpus.resolve("labels/composition.jsonl"))) {
            Set<String> present = new java.util.HashSet<>();
            pair.path("objects").forEach(o -> present.add(o.path("kind").asText()));
            for (JsonNode s : pair.path("sentences")) {
                String text = s.path("text").asText().toLowerCase();
                List<String> named = names.entrySet().stream()
                        .filter(e -> e.getValue().stream().anyMatch(n -> text.contains(" " + n + " ") || text.contains(" " + n + ".")))
                        .map(Map.Entry::getKey).toList();
                switch (s.path("role").asText()) {
                    case "visual" -> {
                        visual++;
                        String kind = pair.path("objects").get(s.path("object").asInt()).path("kind").asText();
                        assertTrue(named.contains(kind), text + " names its object " + kind);
                    }
                    case "contradiction" -> {
                        contradicting++;
                        assertFalse(named.isEmpty(), text + " names a thing");
                    }
                    default -> assertTrue(named.isEmpty(), text + " is filler and names no thing");
                }
            }
        }
        assertTrue(visual > 100 && contradicting > 100, visual + " / " + contradicting);
    }

    @Test
    void labelsFollowTheShapesRulesAndSpanEveryLevel() throws IOException {
        Map<CmiLevel, Integer> cmi = new HashMap<>();
        for (JsonNode pair : CorpusGeneratorTest.jsonl(corpus.resolve("labels/composition.jsonl"))) {
            long visual = 0;
            long contradicting = 0;
            java.util.Set<Integer> described = new java.util.HashSet<>();
            for (JsonNode s : pair.path("sentences")) {
                if (s.path("role").asText().equals("visual")) {
                    visual++;
                    described.add(s.path("object").asInt());
                } else if (s.path("role").asText().equals("contradiction")) {
                    contradicting++;
                }
            }
            long total = pair.path("sentences").size();
            CmiLevel level = LabelRules.cmi(pair.path("objects").size(), described.size(), visual, total);
            assertEquals(level.value(), pair.path("mi").asDouble(), pair.path("pair").asText());
            assertEquals(LabelRules.sc(visual, contradicting, total).value(), pair.path("sc").asDouble());
            cmi.merge(level, 1, Integer::sum);
        }
        assertEquals(5, cmi.size(), "every CMI level: " + cmi);
    }

    @Test
    void theCorpusReadsAsAnyOtherWithItsPicturesAtTheConfiguredSize() throws IOException {
        CorpusManifest manifest = CorpusManifest.read(corpus.resolve("corpus.json"));
        List<ImageTextPair> pairs;
        try (var stream = manifest.pairs(ReadOptions.strict())) {
            pairs = stream.toList();
        }
        assertEquals(30 + 30 + 30 + 200, pairs.size(), "COCO's 6 images x 5 captions, BBC, Wiki and the labelled pairs");
        BufferedImage image = ImageIO.read(pairs.get(0).imagePath().toFile());
        assertEquals(64, image.getWidth());
        JsonNode provenance = Json.mapper().readTree(corpus.resolve("generator.json").toFile());
        assertEquals(8, provenance.path("pictures").path("kinds").asInt());
        assertEquals(16, provenance.path("pictures").path("pictures").asInt());
    }

    @Test
    void theTestSplitShowsEachThingInAPictureTrainingNeverShows() throws IOException {
        Map<String, Boolean> train = new HashMap<>();
        for (JsonNode l : CorpusGeneratorTest.jsonl(corpus.resolve("labels/bbc_annotations.jsonl"))) {
            train.put("bbc:" + l.path("name").asText(), l.path("train").asBoolean());
        }
        int test = 0;
        for (JsonNode pair : CorpusGeneratorTest.jsonl(corpus.resolve("labels/composition.jsonl"))) {
            Boolean isTrain = train.get(pair.path("pair").asText());
            if (isTrain == null) {
                continue; // a Wiki pair
            }
            test += isTrain ? 0 : 1;
            for (JsonNode o : pair.path("objects")) {
                assertEquals(isTrain ? "artista" : "artistb", o.path("picture").asText().split("/")[0], pair.toString());
            }
        }
        assertTrue(test > 10, test + " test pairs");
    }
}
