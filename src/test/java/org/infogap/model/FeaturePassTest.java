package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.infogap.store.FeatureStore;
import org.infogap.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feature pass over a corpus's images: resumable, and what it hands on stays on disk. */
class FeaturePassTest {

    @TempDir
    Path dir;

    @Test
    void aPassComputesOnlyWhatTheStoreLacksAndHandsOnHashesNotFeatures() throws Exception {
        List<Path> images = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            images.add(TestImages.png(dir.resolve("img" + i + ".png"), 40 + 7 * i, 50));
        }
        ImageEncoder encoder = ImageEncoder.create(75, null, 3);
        try (FeatureStore store = FeatureStore.open(dir.resolve("features"), encoder.id(), encoder.featureLength())) {
            encoder.ensure(images.subList(0, 2), store); // a pass that stopped after two images
            assertEquals(2, encoder.computed());
            Map<Path, String> hashes = encoder.ensure(images, store);
            assertEquals(6, encoder.computed(), "the rerun computes the four the store lacked, not the two it has");
            assertEquals(6, store.size());
            Map<Path, String> again = encoder.ensure(images, store);
            assertEquals(6, encoder.computed(), "nothing left to compute");
            assertEquals(hashes, again);

            FeatureNorm norm = FeatureNorm.identity(encoder.featureLength());
            ImageFeatures stored = ImageFeatures.stored(store, hashes.get(images.get(3)), norm);
            assertInstanceOf(ImageFeatures.Stored.class, stored);
            assertEquals(encoder.featureLength(), stored.length());
            float[] fresh = encoder.features(images.get(3));
            float[] read = stored.values();
            for (int d = 0; d < fresh.length; d++) {
                assertEquals(fresh[d], read[d], Math.abs(fresh[d]) / 1024 + 1e-6, "dimension " + d + " as stored (half precision)");
            }
            assertTrue(stored.sameImage(ImageFeatures.stored(store, hashes.get(images.get(3)), norm)));
            assertTrue(!stored.sameImage(ImageFeatures.stored(store, hashes.get(images.get(4)), norm)));
            assertArrayEquals(read, stored.values(), "read again, the same");
        }
    }
}
