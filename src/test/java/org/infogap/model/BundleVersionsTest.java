package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.infogap.data.BadInputException;
import org.infogap.io.Json;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Bundles written before the config had sections (version 1, flat flags) load and predict as they did. The two
 * bundles under {@code src/test/resources/bundles} were written by the code of commit 1f093ce: a tiny classifier
 * of the then default preset (every component) and one without matching, each trained 5 steps, with the
 * probabilities its Predictor gave on the eight pairs {@link #pairs} makes.
 */
class BundleVersionsTest {

    @TempDir
    Path dir;

    /** The pairs the bundles were scored on when written: the same seeds, lengths and ids. */
    static List<Example> pairs(ModelConfig c) {
        int length = c.imageFeatures() + (c.matchGrid() ? ImageEncoder.gridCells(75) * InceptionV3.GRID_CHANNELS : 0);
        Random features = new Random(3);
        List<Example> batch = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            float[] f = new float[length];
            for (int k = 0; k < length; k++) {
                f[k] = (float) features.nextGaussian();
            }
            batch.add(new Example("p" + i, f, List.of(new int[] {2 + i % 5, 3, 4}, new int[] {1 + i % 3, 5}),
                    List.of(new int[] {2 + i % 5, 3}), null, i % 5, (i * 2) % 5));
        }
        return batch;
    }

    static Path resource(String name) throws Exception {
        return Path.of(BundleVersionsTest.class.getResource("/bundles/" + name).toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"small", "nomatch"})
    void aVersionOneBundleLoadsAndPredictsAsWhenItWasWritten(String variant) throws Exception {
        ModelBundle bundle = ModelBundle.load(resource("classifier-v1-" + variant + ".zip"));
        List<String> expected = variant.equals("small") ? List.of("matchHead", "sentenceCounts", "wordWhitening")
                : List.of("wordWhitening");
        assertEquals(expected, bundle.config().components().names());
        JsonNode written = Json.mapper().readTree(resource("classifier-v1-" + variant + ".json").toFile()).get("examples");
        List<Predictor.Prediction> now = new Predictor(bundle).predict(pairs(bundle.config()));
        for (int i = 0; i < now.size(); i++) {
            assertArrayEquals(floats(written.get(i).get("cmi_probabilities")), now.get(i).cmiProbabilities(), 1e-6f, "CMI, pair " + i);
            assertArrayEquals(floats(written.get(i).get("sc_probabilities")), now.get(i).scProbabilities(), 1e-6f, "SC, pair " + i);
        }
        // saved again, it is written in sections and reads back the same
        Path again = dir.resolve("again.zip");
        new ModelBundle(bundle.kind(), bundle.config(), bundle.vocabulary(), bundle.wordVectors(), bundle.featureNorm(),
                bundle.imageEncoderId(), bundle.state(), bundle.parameters()).save(again);
        assertEquals(bundle.config(), ModelBundle.load(again).config());
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(again.toFile())) {
            JsonNode config = Json.mapper().readTree(zip.getInputStream(zip.getEntry("bundle.json"))).get("config");
            assertEquals(ModelConfig.VERSION, config.get("version").asInt());
            assertTrue(config.get("training").has("batchSize"), config.toString());
        }
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    @Test
    void aConfigFileInSectionsMustStateEverySettingOfEverySectionAndOfEachComponentItTurnsOn() throws Exception {
        ObjectNode tree = ModelConfig.paper().toTree();
        Path file = Files.writeString(dir.resolve("paper.json"), tree.toString());
        assertEquals(ModelConfig.paper(), ModelConfig.read(file));
        ((ObjectNode) tree.get("training")).remove("batchSize");
        Files.writeString(file, tree.toString());
        BadInputException missing = assertThrows(BadInputException.class, () -> ModelConfig.read(file));
        assertTrue(missing.getMessage().contains("paper.json") && missing.getMessage().contains("training.batchSize"),
                missing.getMessage());

        ObjectNode withHead = ModelConfig.generated().toTree();
        ((ObjectNode) withHead.get("components").get("matchHead")).remove("bag");
        Files.writeString(file, withHead.toString());
        BadInputException partial = assertThrows(BadInputException.class, () -> ModelConfig.read(file));
        assertTrue(partial.getMessage().contains("components.matchHead.bag"), partial.getMessage());

        ObjectNode unknown = ModelConfig.paper().toTree();
        ((ObjectNode) unknown.get("image")).put("sizee", 3);
        Files.writeString(file, unknown.toString());
        BadInputException typo = assertThrows(BadInputException.class, () -> ModelConfig.read(file));
        assertTrue(typo.getMessage().contains("image.sizee"), typo.getMessage());

        ObjectNode future = ModelConfig.paper().toTree().put("version", 3);
        Files.writeString(file, future.toString());
        BadInputException version = assertThrows(BadInputException.class, () -> ModelConfig.read(file));
        assertTrue(version.getMessage().contains("version 3"), version.getMessage());
    }

    @Test
    void aComponentThatNeedsAnotherSaysWhich() {
        ObjectNode tree = ModelConfig.generated().toTree();
        ((ObjectNode) tree.get("components")).putNull("matchHead");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.fromTree(tree, null));
        assertTrue(e.getMessage().contains("sentenceCounts needs the matchHead"), e.getMessage());
    }
}
