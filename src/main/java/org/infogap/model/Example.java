package org.infogap.model;

import java.util.List;

/**
 * One pair as the networks take it: the image's pooled InceptionV3 features, the text as vocabulary
 * ids per sentence (already cut to the configured limits), optionally the image at the decoder's size
 * (autoencoder) and the labels as level indices 0..4 (classifier; -1 when unlabelled).
 *
 * @param key         the pair's {@code source:id}
 * @param features    2048 pooled features
 * @param sentences   token ids per sentence
 * @param imageTarget RGB in [0, 1], CHW, at the decoder's output size; null when not needed
 */
public record Example(String key, float[] features, List<int[]> sentences, float[] imageTarget, int cmi, int sc) {

    public Example {
        if (features.length != InceptionV3.FEATURES) {
            throw new IllegalArgumentException(key + ": expected " + InceptionV3.FEATURES + " features, got " + features.length);
        }
        sentences = List.copyOf(sentences);
    }
}
