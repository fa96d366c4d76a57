package org.infogap.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class FeatureStoreTest {

    @TempDir
    Path dir;

    public static float[] relu(long seed, int n) {
        Random r = new Random(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = Math.max(0f, (float) r.nextGaussian() * (1 + i % 7));
        }
        return f;
    }

    public static String sha(int i) {
        return String.format("%064x", i);
    }

    @Test
    void eachPrecisionKeepsTheValuesWithinItsStep() {
        float[] f = relu(1, 1000);
        assertArrayEquals(f, Precision.FLOAT32.decode(Precision.FLOAT32.encode(f), f.length));
        float[] half = Precision.FLOAT16.decode(Precision.FLOAT16.encode(f), f.length);
        float[] bytes = Precision.UINT8.decode(Precision.UINT8.encode(f), f.length);
        for (int i = 0; i < f.length; i++) {
            assertEquals(f[i], half[i], Math.abs(f[i]) / 2048 + 1e-7, "half precision keeps 11 significant bits");
        }
        for (int from = 0; from < f.length; from += Precision.GROUP) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int i = from; i < Math.min(f.length, from + Precision.GROUP); i++) {
                min = Math.min(min, f[i]);
                max = Math.max(max, f[i]);
            }
            for (int i = from; i < Math.min(f.length, from + Precision.GROUP); i++) {
                assertEquals(f[i], bytes[i], (max - min) / 510 * 1.001, "8 bits: half a step of the group's range");
            }
        }
        assertEquals(4000, Precision.FLOAT32.bytes(1000));
        assertEquals(2000, Precision.FLOAT16.bytes(1000));
        assertEquals(1000 + 4 * 8, Precision.UINT8.bytes(1000));
    }

    @Test
    void recordsAreReadFromDiskAfterReopeningAndCountedWithoutAScan() throws IOException {
        try (FeatureStore s = FeatureStore.open(dir, "enc", 300, Precision.FLOAT32)) {
            s.put(sha(1), relu(1, 300));
            assertArrayEquals(relu(1, 300), s.get(sha(1)).orElseThrow(), "visible before its flush");
            s.flush();
            s.put(sha(1), relu(99, 300)); // a content hash names one image: the first record stays
            s.put(sha(2), relu(2, 300));
        }
        try (FeatureStore s = FeatureStore.open(dir, "enc", 300, Precision.UINT8)) {
            assertEquals(Precision.FLOAT32, s.precision(), "an existing store keeps its precision");
            assertEquals(2, s.size());
            assertArrayEquals(relu(1, 300), s.get(sha(1)).orElseThrow());
            assertArrayEquals(relu(2, 300), s.get(sha(2)).orElseThrow());
            assertTrue(s.get(sha(3)).isEmpty());
            assertEquals(1200, s.recordBytes());
        }
    }

    @Test
    void manyRecordsAreReadAtOnceInTheKeysOrderWithTheMissingOnesEmpty() throws Exception {
        try (FeatureStore s = FeatureStore.open(dir, "enc", 300, Precision.FLOAT32)) {
            for (int i = 0; i < 30; i++) {
                s.put(sha(i), relu(i, 300));
            }
            s.flush();
            java.util.List<String> keys = new java.util.ArrayList<>();
            for (int i = 29; i >= -3; i--) {
                keys.add(sha(i < 0 ? 1000 - i : i));
            }
            var read = s.selectAll("SELECT data FROM features WHERE sha256 = ?", keys);
            assertEquals(keys.size(), read.size());
            for (int k = 0; k < 30; k++) {
                assertArrayEquals(relu(29 - k, 300), read.get(k).orElseThrow(), "key " + k);
            }
            assertTrue(read.subList(30, 33).stream().allMatch(java.util.Optional::isEmpty));
            // reads from many threads at once share the store's few connections
            var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            java.util.concurrent.Callable<java.util.List<java.util.Optional<float[]>>> readAll = () -> s.selectAll(
                    "SELECT data FROM features WHERE sha256 = ?", keys.subList(0, 30));
            var results = pool.invokeAll(java.util.Collections.nCopies(16, readAll));
            for (var r : results) {
                assertArrayEquals(relu(29, 300), r.get().get(0).orElseThrow());
            }
            pool.shutdown();
        }
    }

    @Test
    void aStoreOfAnotherLengthOrEncoderIsRefusedNamingItsFile() throws IOException {
        FeatureStore.open(dir, "enc", 300).close();
        Files.move(dir.resolve("enc"), dir.resolve("other"));
        IOException length = assertThrows(IOException.class, () -> FeatureStore.open(dir, "other", 200));
        assertTrue(length.getMessage().contains(dir.resolve("other").resolve("features.db").toString()), length.getMessage());
        assertTrue(length.getMessage().contains("image encoder enc"), length.getMessage());
        Files.move(dir.resolve("other"), dir.resolve("enc"));
        IOException dims = assertThrows(IOException.class, () -> FeatureStore.open(dir, "enc", 200));
        assertTrue(dims.getMessage().contains("holds 300-d features, expected 200"), dims.getMessage());
    }

    /** The earlier format: a header, then per entry 32 bytes of hash and big-endian floats. */
    public static void writeLegacyChunk(Path file, int dims, int... entries) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(0x49474643);
            out.writeInt(1);
            out.writeInt(dims);
            out.writeInt(entries.length);
            for (int e : entries) {
                out.write(HexFormat.of().parseHex(sha(e)));
                for (float v : relu(e, dims)) {
                    out.writeFloat(v);
                }
            }
        }
    }

    @Test
    void chunkFilesOfTheEarlierCacheAreCopiedInOnceAndKept() throws IOException {
        Files.createDirectories(dir.resolve("enc"));
        writeLegacyChunk(dir.resolve("enc/000000-1.chunk"), 64, 1, 2);
        writeLegacyChunk(dir.resolve("enc/000001-2.chunk"), 64, 3);
        try (FeatureStore s = FeatureStore.open(dir, "enc", 64, Precision.FLOAT32)) {
            assertEquals(3, s.size());
            assertArrayEquals(relu(3, 64), s.get(sha(3)).orElseThrow());
        }
        writeLegacyChunk(dir.resolve("enc/000002-3.chunk"), 64, 4); // an older infogap still writing beside it
        try (FeatureStore s = FeatureStore.open(dir, "enc", 64, Precision.FLOAT32)) {
            assertEquals(4, s.size(), "each chunk once");
            assertArrayEquals(relu(4, 64), s.get(sha(4)).orElseThrow());
        }
        assertTrue(Files.exists(dir.resolve("enc/000000-1.chunk")), "nothing of the user's is deleted");
    }

    @Test
    void aCutShortChunkIsNamedAndNothingOfItIsStored() throws IOException {
        Files.createDirectories(dir.resolve("enc"));
        writeLegacyChunk(dir.resolve("enc/000000-1.chunk"), 64, 1, 2);
        byte[] whole = Files.readAllBytes(dir.resolve("enc/000000-1.chunk"));
        Files.write(dir.resolve("enc/000000-1.chunk"), java.util.Arrays.copyOf(whole, whole.length - 10));
        IOException e = assertThrows(IOException.class, () -> FeatureStore.open(dir, "enc", 64));
        assertTrue(e.getMessage().contains("000000-1.chunk") && e.getMessage().contains("ends early"), e.getMessage());
        Files.write(dir.resolve("enc/000000-1.chunk"), whole);
        try (FeatureStore s = FeatureStore.open(dir, "enc", 64)) {
            assertEquals(2, s.size(), "the failed copy was rolled back, the repaired file copied whole");
        }
    }
}
