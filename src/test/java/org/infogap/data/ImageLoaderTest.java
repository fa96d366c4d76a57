package org.infogap.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.infogap.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLoaderTest {

    @TempDir
    Path dir;

    private final ImageLoader loader = new ImageLoader(32);

    @Test
    void jpegIsResizedToTheConfiguredSquareKeepingColours() throws Exception {
        BufferedImage image = loader.load(TestImages.jpeg(dir.resolve("a.jpg"), 120, 80));
        assertEquals(32, image.getWidth());
        assertEquals(32, image.getHeight());
        assertReddish(image.getRGB(4, 16));
        assertBluish(image.getRGB(28, 16));
    }

    @Test
    void pngLoads() throws Exception {
        BufferedImage image = loader.load(TestImages.png(dir.resolve("a.png"), 64, 64));
        assertEquals(BufferedImage.TYPE_INT_RGB, image.getType());
        assertReddish(image.getRGB(2, 2));
    }

    @Test
    void grayscaleJpegBecomesRgb() throws Exception {
        BufferedImage image = loader.load(TestImages.grayJpeg(dir.resolve("g.jpg"), 64, 64));
        assertEquals(BufferedImage.TYPE_INT_RGB, image.getType());
        int p = image.getRGB(2, 2);
        assertEquals((p >> 16) & 0xff, p & 0xff, 2, "gray pixels have equal channels");
    }

    @Test
    void cmykJpegIsDecodedToRgb() throws Exception {
        Path file = TestImages.cmykJpeg(dir.resolve("cmyk.jpg"), 64, 64);
        BufferedImage image = loader.load(file);
        assertEquals(32, image.getWidth());
        assertReddish(image.getRGB(4, 16));
        assertBluish(image.getRGB(28, 16));
    }

    @Test
    void truncatedJpegIsRefusedNamingTheFile() throws Exception {
        Path file = TestImages.truncatedJpeg(dir.resolve("cut.jpg"), 200, 200, 0.5);
        BadInputException e = assertThrows(BadInputException.class, () -> loader.load(file));
        assertTrue(e.getMessage().contains("cut.jpg"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void decompressionBombIsRefusedFromItsHeader() throws Exception {
        // 100000 x 100000 pixels would need 40 GB decoded; the header alone must stop it.
        Path file = TestImages.pngClaiming(dir.resolve("bomb.png"), 100_000, 100_000);
        BadInputException e = assertThrows(BadInputException.class, () -> loader.load(file));
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
        assertTrue(e.getMessage().contains("bomb.png"), e.getMessage());
    }

    @Test
    void pixelLimitIsConfigurable() throws Exception {
        Path file = TestImages.png(dir.resolve("small.png"), 20, 20);
        assertThrows(BadInputException.class, () -> new ImageLoader(16, 399).load(file));
        assertEquals(16, new ImageLoader(16, 400).load(file).getWidth());
    }

    @Test
    void notAnImageAndMissingFileAreRefused() throws Exception {
        Path text = Files.writeString(dir.resolve("x.jpg"), "hello");
        assertTrue(assertThrows(BadInputException.class, () -> loader.load(text)).getMessage().contains("x.jpg"));
        Path missing = dir.resolve("missing.jpg");
        assertTrue(assertThrows(BadInputException.class, () -> loader.load(missing)).getMessage()
                .contains("does not exist"));
    }

    static void assertReddish(int rgb) {
        int r = (rgb >> 16) & 0xff;
        int b = rgb & 0xff;
        assertTrue(r > 180 && b < 90, String.format("expected red, got #%06x", rgb & 0xffffff));
    }

    static void assertBluish(int rgb) {
        int r = (rgb >> 16) & 0xff;
        int b = rgb & 0xff;
        assertTrue(b > 180 && r < 90, String.format("expected blue, got #%06x", rgb & 0xffffff));
    }
}
