package org.infogap.model;

import java.util.List;

/**
 * One pair as the networks take it: the image's InceptionV3 features, the text as vocabulary ids per
 * sentence (already cut to the configured limits), the image's captions as ids per object phrase (what the
 * match head learns from, {@link ModelConfig#matchCaptions()}), optionally the image at the decoder's size
 * (autoencoder) and the labels as level indices 0..4 (classifier; -1 when unlabelled).
 *
 * @param key       the pair's {@code source:id}
 * @param image     the pooled features ({@link ModelConfig#imageFeatures()}: 2048 from mixed10, 768 from
 *                  mixed5), then, when the encoder has it, the grid: cells x {@value InceptionV3#GRID_CHANNELS}
 *                  ({@link ImageEncoder}), in memory or read from the feature store when a batch needs them;
 *                  {@link Feeds} checks the lengths against the config
 * @param sentences token ids per sentence
 * @param captions  token ids per phrase of the image's captions; empty when it has none or none is needed
 * @param target    RGB in [0, 1], CHW, at the decoder's output size; null when not needed
 */
public record Example(String key, ImageFeatures image, List<int[]> sentences, List<int[]> captions, ImageFeatures target,
                      int cmi, int sc) {

    public Example {
        sentences = List.copyOf(sentences);
        captions = List.copyOf(captions);
    }

    /** An example of features and a decoder target held in memory. */
    public Example(String key, float[] features, List<int[]> sentences, List<int[]> captions, float[] imageTarget,
                   int cmi, int sc) {
        this(key, ImageFeatures.of(features), sentences, captions, imageTarget == null ? null : ImageFeatures.of(imageTarget),
                cmi, sc);
    }

    /** An example without captions. */
    public Example(String key, float[] features, List<int[]> sentences, float[] imageTarget, int cmi, int sc) {
        this(key, features, sentences, List.of(), imageTarget, cmi, sc);
    }

    /** The image's features (a stored image's are read again: take them once per use). */
    public float[] features() {
        return image.values();
    }

    /** The decoder's target, or null. */
    public float[] imageTarget() {
        return target == null ? null : target.values();
    }

    /** Cells of the image's grid after {@code pooled} pooled features; 0 when it has only those. */
    public int gridCells(int pooled) {
        int grid = image.length() - pooled;
        if (grid < 0 || grid % InceptionV3.GRID_CHANNELS != 0) {
            throw new IllegalArgumentException(key + ": expected " + pooled + " pooled features and cells of "
                    + InceptionV3.GRID_CHANNELS + ", got " + image.length() + " floats (features of another image layer?)");
        }
        return grid / InceptionV3.GRID_CHANNELS;
    }
}
