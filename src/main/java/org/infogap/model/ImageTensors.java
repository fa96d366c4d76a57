package org.infogap.model;

import java.awt.image.BufferedImage;

/** RGB images as the networks take them: CHW floats. */
public final class ImageTensors {

    private ImageTensors() {
    }

    /** CHW in [-1, 1], InceptionV3's input scaling (Keras's {@code preprocess_input} for it). */
    public static float[] inceptionInput(BufferedImage image) {
        float[] chw = unit(image);
        for (int i = 0; i < chw.length; i++) {
            chw[i] = chw[i] * 2f - 1f;
        }
        return chw;
    }

    /** CHW in [0, 1], the image decoder's target. */
    public static float[] unit(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        float[] out = new float[3 * w * h];
        int plane = w * h;
        for (int i = 0; i < plane; i++) {
            int p = rgb[i];
            out[i] = ((p >> 16) & 0xff) / 255f;
            out[plane + i] = ((p >> 8) & 0xff) / 255f;
            out[2 * plane + i] = (p & 0xff) / 255f;
        }
        return out;
    }
}
