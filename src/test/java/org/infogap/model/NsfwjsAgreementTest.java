package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.infogap.synth.Colour;
import org.infogap.synth.Position;
import org.infogap.synth.Scene;
import org.infogap.synth.SceneRenderer;
import org.infogap.synth.Shape;
import org.infogap.testing.TestImages;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The proof that the TF.js reader is right: nsfwjs's own model, run by nsfwjs in Node (pure-JS TF.js),
 * and infogap's InceptionV3 loaded from the converted weights plus the nsfwjs top give the same five class
 * probabilities, to 1e-3, on rendered scenes and a test image. Needs {@code make weights} (the converted
 * model), {@code node} and the check's packages ({@code npm ci} in {@value #CHECK}); {@code make test}
 * prepares both when npm is there. Without them the test is skipped and says why.
 */
class NsfwjsAgreementTest {

    static final Path WEIGHTS = Path.of("models", "image-encoder", "nsfwjs-4.4.0");
    static final String CHECK = "src/test/node/nsfwjs-check";

    @TempDir
    Path dir;

    @Test
    void javaAndNodeGiveTheSameClassProbabilities() throws Exception {
        skipUnless(Files.isRegularFile(WEIGHTS.resolve("model.json")), "no " + WEIGHTS + " (run make weights)");
        skipUnless(nodeVersion() != null, "no node on PATH");
        skipUnless(Files.isDirectory(Path.of(CHECK, "node_modules", "nsfwjs")), "no " + CHECK + "/node_modules (npm ci there)");

        List<BufferedImage> images = new ArrayList<>();
        SceneRenderer renderer = new SceneRenderer();
        images.add(renderer.render(new Scene(List.of(
                new Scene.SceneObject(Shape.values()[0], Colour.values()[0], true, Position.values()[0]),
                new Scene.SceneObject(Shape.values()[1], Colour.values()[2], false, Position.values()[Position.values().length - 1])),
                Scene.Background.GRADIENT, 7), InceptionV3.KERAS_SIZE));
        images.add(renderer.render(new Scene(List.of(
                new Scene.SceneObject(Shape.values()[2], Colour.values()[1], true, Position.values()[1])),
                Scene.Background.STRIPES, 11), InceptionV3.KERAS_SIZE));
        images.add(TestImages.halves(InceptionV3.KERAS_SIZE, InceptionV3.KERAS_SIZE));
        List<String> command = new ArrayList<>(List.of("node", "check.mjs", dir.resolve("node.json").toString()));
        for (int i = 0; i < images.size(); i++) {
            Path png = dir.resolve("image" + i + ".png");
            ImageIO.write(images.get(i), "png", png.toFile());
            command.add(png.toString());
        }
        Process node = new ProcessBuilder(command).directory(Path.of(CHECK).toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("node.log").toFile()).start();

        ImageEncoder encoder = ImageEncoder.create(InceptionV3.KERAS_SIZE, WEIGHTS, 0);
        assertEquals(ImageWeights.Input.UNIT, encoder.input(), "nsfwjs feeds pixels / 255");
        ImageWeights.DenseTop top = ImageWeights.denseTop(TfjsModel.read(WEIGHTS));
        INDArray java = top.apply(Nd4j.createFromArray(encoder.features(images).toArray(float[][]::new)));

        assertTrue(node.waitFor(15, TimeUnit.MINUTES), "node check finished");
        assertEquals(0, node.exitValue(), () -> "node check.mjs failed:\n" + read(dir.resolve("node.log")));
        JsonNode out = new ObjectMapper().readTree(dir.resolve("node.json").toFile());
        double worst = 0;
        for (int i = 0; i < images.size(); i++) {
            JsonNode p = out.path("images").path(dir.resolve("image" + i + ".png").toString()).path("probabilities");
            System.out.println("image " + i + ": node " + p + ", java " + java.getRow(i));
            assertEquals(5, p.size(), "five nsfwjs classes");
            for (int k = 0; k < 5; k++) {
                double diff = Math.abs(p.get(k).asDouble() - java.getDouble(i, k));
                worst = Math.max(worst, diff);
                assertEquals(p.get(k).asDouble(), java.getDouble(i, k), 1e-3, "image " + i + ", class " + k);
            }
        }
        System.out.printf("nsfwjs in Node (tfjs %s, %s backend) vs infogap: %d images, largest probability difference %.2e%n",
                out.path("tfjs").asText(), out.path("backend").asText(), images.size(), worst);
    }

    static void skipUnless(boolean condition, String why) {
        if (!condition) {
            System.out.println("NsfwjsAgreementTest SKIPPED: " + why);
        }
        Assumptions.assumeTrue(condition, why);
    }

    static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? v : null;
        } catch (java.io.IOException | InterruptedException e) {
            return null;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
