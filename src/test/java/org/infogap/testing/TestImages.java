package org.infogap.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Small image files in real formats, written by the tests themselves. */
public final class TestImages {

    private TestImages() {
    }

    /** An RGB image: red left half, blue right half. */
    public static BufferedImage halves(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, w / 2, h);
        g.setColor(Color.BLUE);
        g.fillRect(w / 2, 0, w - w / 2, h);
        g.dispose();
        return image;
    }

    public static Path jpeg(Path file, int w, int h) throws IOException {
        ImageIO.write(halves(w, h), "jpg", file.toFile());
        return file;
    }

    public static Path png(Path file, int w, int h) throws IOException {
        ImageIO.write(halves(w, h), "png", file.toFile());
        return file;
    }

    public static Path grayJpeg(Path file, int w, int h) throws IOException {
        BufferedImage gray = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = gray.createGraphics();
        g.drawImage(halves(w, h), 0, 0, null);
        g.dispose();
        ImageIO.write(gray, "jpg", file.toFile());
        return file;
    }

    /**
     * A CMYK JPEG as Adobe applications write it (inverted samples, APP14 "Adobe" marker with
     * transform 0), which the JDK's own reader refuses. The JDK writes the bare 4-band raster; the
     * marker is inserted after SOI.
     */
    public static Path cmykJpeg(Path file, int w, int h) throws IOException {
        WritableRaster raster = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // Stored inverted, as Adobe applications write CMYK JPEGs:
                // left half red (C=0, M=1, Y=1, K=0), right half blue (C=1, M=1, Y=0, K=0).
                int[] cmyk = x < w / 2 ? new int[] {255, 0, 0, 255} : new int[] {0, 0, 255, 255};
                raster.setPixel(x, y, cmyk);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (OutputStream os = Files.newOutputStream(file); ImageOutputStream out = ImageIO.createImageOutputStream(os)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, null), null);
        } finally {
            writer.dispose();
        }
        byte[] jpeg = Files.readAllBytes(file);
        byte[] adobe = {(byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        byte[] out = new byte[jpeg.length + adobe.length];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(adobe, 0, out, 2, adobe.length);
        System.arraycopy(jpeg, 2, out, 2 + adobe.length, jpeg.length - 2);
        Files.write(file, out);
        return file;
    }

    /** A JPEG cut off after {@code keep} of its bytes. */
    public static Path truncatedJpeg(Path file, int w, int h, double keep) throws IOException {
        jpeg(file, w, h);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, (int) (bytes.length * keep)));
        return file;
    }

    /** A valid small PNG whose header claims {@code w x h} pixels (a decompression bomb's header). */
    public static Path pngClaiming(Path file, int w, int h) throws IOException {
        png(file, 8, 8);
        byte[] bytes = Files.readAllBytes(file);
        // IHDR: 8-byte signature, 4-byte length, "IHDR", width, height, ..., CRC over type+data (17 bytes)
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        buffer.putInt(16, w);
        buffer.putInt(20, h);
        CRC32 crc = new CRC32();
        crc.update(bytes, 12, 17);
        buffer.putInt(29, (int) crc.getValue());
        Files.write(file, bytes);
        return file;
    }
}
