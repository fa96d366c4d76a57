package org.infogap.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG and PNG files (grayscale, RGB, and CMYK/YCCK JPEGs through the TwelveMonkeys
 * ImageIO plugin) into RGB images of the configured square size: the shorter side is scaled to the
 * size and the centre cropped, so objects keep their proportions.
 *
 * <p>The pixel count is read from the header before anything is decoded: a file that declares more
 * than {@code maxPixels} pixels is refused (a decompression bomb would otherwise allocate gigabytes).
 * Truncated or corrupt files are refused too: ImageIO only warns about a premature end of a JPEG and
 * fills the rest with grey, which would silently train the model on broken images.
 */
public final class ImageLoader {

    /** Henning &amp; Ewerth 2017, section 5.1: images of 300x300 pixels. */
    public static final int PAPER_SIZE = 300;
    /** Enough for any photograph a corpus holds (e.g. 8000x6000), far below what breaks the heap. */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    // libjpeg's warnings for missing or damaged data; others (e.g. "no embedded ICC profile") are harmless.
    private static final Pattern DAMAGE_WARNING = Pattern.compile("(?i)premature end|corrupt|truncat|bogus");

    private final int size;
    private final long maxPixels;

    public ImageLoader(int size, long maxPixels) {
        if (size < 1 || maxPixels < 1) {
            throw new IllegalArgumentException("image size and pixel limit must be positive");
        }
        this.size = size;
        this.maxPixels = maxPixels;
    }

    public ImageLoader(int size) {
        this(size, DEFAULT_MAX_PIXELS);
    }

    public int size() {
        return size;
    }

    /** Decodes and resizes; throws {@link BadInputException} naming the file for anything unreadable. */
    public BufferedImage load(Path file) {
        return resize(decode(file));
    }

    /** Decodes at full resolution, with the pixel limit and truncation checks. */
    public BufferedImage decode(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file, null, null, "image file does not exist");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            return decode(in, file);
        } catch (IOException e) {
            throw new BadInputException(file, null, null, "cannot read image: " + e.getMessage(), e);
        }
    }

    /** Decodes and resizes image bytes (an upload); {@code name} names them in errors. */
    public BufferedImage load(byte[] bytes, Path name) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(bytes))) {
            return resize(decode(in, name));
        } catch (IOException e) {
            throw new BadInputException(name, null, null, "cannot read image: " + e.getMessage(), e);
        }
    }

    /** Decodes image bytes (an upload) at full resolution, with the checks of {@link #decode(Path)}. */
    public BufferedImage decodeBytes(byte[] bytes, Path name) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(bytes))) {
            return decode(in, name);
        } catch (IOException e) {
            throw new BadInputException(name, null, null, "cannot read image: " + e.getMessage(), e);
        }
    }

    private BufferedImage decode(ImageInputStream in, Path file) {
        try {
            if (in == null) {
                throw new BadInputException(file, null, null, "cannot open image");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new BadInputException(file, null, null, "not a JPEG or PNG image (unknown format)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new BadInputException(file, null, null, "image of " + reader.getWidth(0) + "x"
                            + reader.getHeight(0) + " = " + pixels + " pixels exceeds the limit of " + maxPixels
                            + " pixels");
                }
                List<String> damage = new ArrayList<>();
                reader.addIIOReadWarningListener((IIOReadWarningListener) (source, warning) -> {
                    if (DAMAGE_WARNING.matcher(warning).find()) {
                        damage.add(warning);
                    }
                });
                BufferedImage image = reader.read(0);
                if (!damage.isEmpty()) {
                    throw new BadInputException(file, null, null, "corrupt or truncated image: " + damage.get(0));
                }
                return toRgb(image);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException bad) {
                throw bad;
            }
            throw new BadInputException(file, null, null, "corrupt or truncated image: " + e.getMessage(), e);
        }
    }

    /** Scales the shorter side to {@link #size()} and crops the centre square. */
    public BufferedImage resize(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        double scale = (double) size / Math.min(w, h);
        int sw = Math.max(size, (int) Math.round(w * scale));
        int sh = Math.max(size, (int) Math.round(h * scale));
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, (size - sw) / 2, (size - sh) / 2, sw, sh, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }
}
