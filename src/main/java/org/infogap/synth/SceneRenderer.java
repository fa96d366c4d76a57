package org.infogap.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Random;

/** Draws a {@link Scene} with Java2D: background, outlined objects, Gaussian pixel noise. */
public final class SceneRenderer {

    private static final double LARGE = 0.15;
    private static final double SMALL = 0.09;
    private static final double NOISE_SIGMA = 8.0;

    public BufferedImage render(Scene scene, int size) {
        Random random = new Random(scene.noiseSeed());
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            paintBackground(g, scene.background(), size, random);
            g.setStroke(new BasicStroke(Math.max(1f, size / 100f)));
            for (Scene.SceneObject o : scene.objects()) {
                double r = (o.large() ? LARGE : SMALL) * size;
                double cx = (o.position().x + (random.nextDouble() - 0.5) * 0.06) * size;
                double cy = (o.position().y + (random.nextDouble() - 0.5) * 0.06) * size;
                java.awt.Shape outline = outline(o.shape(), cx, cy, r);
                g.setColor(o.colour().rgb());
                g.fill(outline);
                g.setColor(o.colour() == Colour.BLACK ? new Color(90, 90, 90) : Color.BLACK);
                g.draw(outline);
            }
        } finally {
            g.dispose();
        }
        addNoise(image, random);
        return image;
    }

    static void paintBackground(Graphics2D g, Scene.Background background, int size, Random random) {
        Color a = pastel(random);
        Color b = pastel(random);
        switch (background) {
            case PLAIN -> {
                g.setColor(a);
                g.fillRect(0, 0, size, size);
            }
            case GRADIENT -> {
                g.setPaint(new GradientPaint(0, 0, a, size, size, b));
                g.fillRect(0, 0, size, size);
            }
            case STRIPES -> {
                int stripe = Math.max(2, size / 12);
                for (int x = 0; x < size; x += stripe) {
                    g.setColor((x / stripe) % 2 == 0 ? a : b);
                    g.fillRect(x, 0, stripe, size);
                }
            }
            case DOTS -> {
                g.setColor(a);
                g.fillRect(0, 0, size, size);
                g.setColor(b);
                int step = Math.max(4, size / 10);
                for (int y = step / 2; y < size; y += step) {
                    for (int x = step / 2; x < size; x += step) {
                        g.fillOval(x - step / 6, y - step / 6, step / 3, step / 3);
                    }
                }
            }
        }
    }

    // Low saturation keeps the background from looking like an object colour.
    private static Color pastel(Random random) {
        return Color.getHSBColor(random.nextFloat(), 0.12f + 0.18f * random.nextFloat(), 0.72f + 0.2f * random.nextFloat());
    }

    private static java.awt.Shape outline(Shape shape, double cx, double cy, double r) {
        return switch (shape) {
            case CIRCLE -> new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            case SQUARE -> new Rectangle2D.Double(cx - r * 0.85, cy - r * 0.85, 1.7 * r, 1.7 * r);
            case TRIANGLE -> polygon(cx, cy, r, 3, 0, -Math.PI / 2);
            case STAR -> polygon(cx, cy, r, 5, 0.45, -Math.PI / 2);
            case DIAMOND -> polygon(cx, cy, r, 4, 0, -Math.PI / 2);
            case CROSS -> {
                Area cross = new Area(new Rectangle2D.Double(cx - r, cy - r * 0.3, 2 * r, r * 0.6));
                cross.add(new Area(new Rectangle2D.Double(cx - r * 0.3, cy - r, r * 0.6, 2 * r)));
                yield cross;
            }
        };
    }

    /** A regular polygon, or a star when {@code innerRatio} > 0. */
    private static Path2D polygon(double cx, double cy, double r, int points, double innerRatio, double start) {
        Path2D path = new Path2D.Double();
        int vertices = innerRatio > 0 ? points * 2 : points;
        for (int i = 0; i < vertices; i++) {
            double radius = innerRatio > 0 && i % 2 == 1 ? r * innerRatio : r;
            double angle = start + 2 * Math.PI * i / vertices;
            double x = cx + radius * Math.cos(angle);
            double y = cy + radius * Math.sin(angle);
            if (i == 0) {
                path.moveTo(x, y);
            } else {
                path.lineTo(x, y);
            }
        }
        path.closePath();
        return path;
    }

    static void addNoise(BufferedImage image, Random random) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] pixels = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < pixels.length; i++) {
            int p = pixels[i];
            int r = clamp(((p >> 16) & 0xff) + (int) (random.nextGaussian() * NOISE_SIGMA));
            int gr = clamp(((p >> 8) & 0xff) + (int) (random.nextGaussian() * NOISE_SIGMA));
            int b = clamp((p & 0xff) + (int) (random.nextGaussian() * NOISE_SIGMA));
            pixels[i] = (r << 16) | (gr << 8) | b;
        }
        image.setRGB(0, 0, w, h, pixels, 0, w);
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
