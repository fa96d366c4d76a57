package org.infogap.model;

import java.util.Arrays;
import org.infogap.store.FeatureStore;

/**
 * An image's floats as a batch reads them: held in memory, or read from a {@link FeatureStore} (and standardised)
 * each time a batch asks. Training examples hold the stored kind, so an epoch over a COCO-sized corpus keeps one
 * batch's features in memory, not the corpus's (issue 34: 118,287 images with the grid are 23 GB).
 */
public interface ImageFeatures {

    /** The floats; a stored one reads its record again on every call. */
    float[] values();

    /** How many floats {@link #values()} gives, known without reading them. */
    int length();

    /** Whether both are the same image's (stored ones: by content hash, without reading). */
    default boolean sameImage(ImageFeatures other) {
        return Arrays.equals(values(), other.values());
    }

    static ImageFeatures of(float[] values) {
        return new InMemory(values);
    }

    /** The record of {@code sha256} in {@code store}, standardised by {@code norm} (null: as stored). */
    static ImageFeatures stored(FeatureStore store, String sha256, FeatureNorm norm) {
        return new Stored(store, sha256, norm);
    }

    /** Floats held in memory. */
    record InMemory(float[] values) implements ImageFeatures {
        @Override
        public int length() {
            return values.length;
        }
    }

    /** A record of the feature store, read when asked for. */
    record Stored(FeatureStore store, String sha256, FeatureNorm norm) implements ImageFeatures {
        @Override
        public float[] values() {
            float[] raw = store.get(sha256).orElseThrow(() -> new IllegalStateException(store.file()
                    + ": no record of image " + sha256 + " (the store was changed while a run read it?)"));
            return norm == null ? raw : norm.apply(raw);
        }

        @Override
        public int length() {
            return store.dimensions();
        }

        @Override
        public boolean sameImage(ImageFeatures other) {
            return other instanceof Stored s && s.store == store && s.norm == norm ? s.sha256.equals(sha256)
                    : ImageFeatures.super.sameImage(other);
        }
    }
}
