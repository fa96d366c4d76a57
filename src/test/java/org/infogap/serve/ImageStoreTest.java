package org.infogap.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {

    static final int DIMS = 4096;

    @TempDir
    Path dir;

    /** The features the child registers as image {@code i}: known to the parent without being told. */
    static float[] features(int i) {
        Random r = new Random(i);
        float[] f = new float[DIMS];
        for (int d = 0; d < DIMS; d++) {
            f[d] = r.nextFloat() * 4;
        }
        return f;
    }

    static String sha(int i) {
        return String.format("%064x", i);
    }

    /**
     * Registers images {@code from, from + 1, ...} into the store at {@code args[0]} and prints "ack i" after
     * each registration returns, until killed.
     */
    public static void main(String[] args) throws IOException {
        try (ImageStore store = ImageStore.open(Path.of(args[0]), "enc", DIMS)) {
            for (int i = store.size(); ; i++) {
                store.put("img-" + i, sha(i), 10, 20, features(i));
                System.out.println("ack " + i);
                System.out.flush();
            }
        }
    }

    @Test
    void aRegistrationIsCountedOnceAndReplacedOrRemovedById() throws IOException {
        try (ImageStore s = ImageStore.open(dir, "enc", DIMS)) {
            assertTrue(s.put("a", sha(1), 10, 20, features(1)));
            assertTrue(s.put("b", sha(1), 10, 20, features(1)), "two ids may share one image");
            assertFalse(s.put("a", sha(2), 30, 40, features(2)), "a replacement");
            assertEquals(2, s.size());
            assertEquals(30, s.get("a").orElseThrow().width());
            float[] a = s.features("a").orElseThrow();
            for (int d = 0; d < DIMS; d++) {
                assertEquals(features(2)[d], a[d], 4f / 2048, "half precision");
            }
            assertTrue(s.remove("b"));
            assertFalse(s.remove("b"));
            assertTrue(s.cached(sha(1)).isPresent(), "the features stay for the next registration of the same bytes");
        }
        try (ImageStore s = ImageStore.open(dir, "enc", DIMS)) {
            assertEquals(1, s.size());
            assertEquals(sha(2), s.get("a").orElseThrow().sha256());
            assertTrue(s.get("b").isEmpty());
        }
    }

    @Test
    void theEarlierJsonIndexIsCopiedInOnceWithItsChunkFeatures() throws IOException {
        Files.writeString(dir.resolve("images-enc.json"), "{\"images\": {\"x\": {\"sha256\": \"" + sha(7) + "\", "
                + "\"width\": 5, \"height\": 6, \"registered\": \"2026-12-01T00:00:00Z\"}}}");
        Files.createDirectories(dir.resolve("features/enc"));
        org.infogap.store.FeatureStoreTest.writeLegacyChunk(dir.resolve("features/enc/000000-1.chunk"), DIMS, 7);
        try (ImageStore s = ImageStore.open(dir, "enc", DIMS)) {
            assertEquals(1, s.size());
            assertEquals(new ImageStore.Entry("x", sha(7), 5, 6, "2026-12-01T00:00:00Z"), s.get("x").orElseThrow());
            assertTrue(s.features("x").isPresent());
            assertTrue(s.remove("x"));
        }
        try (ImageStore s = ImageStore.open(dir, "enc", DIMS)) {
            assertEquals(0, s.size(), "a removal is not undone by the old index, which is read once");
        }
    }

    @Test
    void aProcessKilledMidRegistrationLeavesEveryAcknowledgedImageAndNothingHalfWritten() throws Exception {
        int acknowledged = -1;
        Random when = new Random(3);
        for (int round = 0; round < 3; round++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), ImageStoreTest.class.getName(), dir.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            int killAfter = 5 + when.nextInt(40);
            List<String> lines = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                int seen = 0;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                    acknowledged = Integer.parseInt(line.substring(4));
                    if (++seen == killAfter) {
                        break;
                    }
                }
                // SIGKILL, in the middle of the next registration or between two; through the handle, which (unlike
                // Process.destroyForcibly) leaves the pipe open to read what the child wrote before it died
                p.toHandle().destroyForcibly();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                // what the child acknowledged before it died and this side had not read yet is still in the pipe; a
                // line cut by the kill reads as a smaller number than the one before it
                while ((line = out.readLine()) != null) {
                    if (line.matches("ack \\d+")) {
                        acknowledged = Math.max(acknowledged, Integer.parseInt(line.substring(4)));
                    }
                }
            }
            assertEquals(killAfter, lines.size(), "the child stopped early: " + lines);
            try (ImageStore s = ImageStore.open(dir, "enc", DIMS)) {
                assertTrue(s.size() == acknowledged + 1 || s.size() == acknowledged + 2,
                        "every acknowledged image, and at most the one being registered: " + s.size() + " after ack "
                                + acknowledged);
                for (int i = 0; i < s.size(); i++) {
                    float[] f = s.features("img-" + i).orElseThrow(AssertionError::new);
                    assertEquals(features(i)[DIMS - 1], f[DIMS - 1], 4f / 2048, "image " + i + " whole");
                }
                assertArrayEquals(s.features("img-" + acknowledged).orElseThrow(), s.cached(sha(acknowledged)).orElseThrow());
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("features/enc/features.db"));
             Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertEquals("ok", rs.getString(1));
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*), (SELECT n FROM counts WHERE name = 'images') FROM images")) {
                rs.next();
                assertEquals(rs.getInt(1), rs.getInt(2), "the counter moved in the same transactions as the rows");
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM images i LEFT JOIN features f USING (sha256) "
                    + "WHERE f.data IS NULL OR length(f.data) != " + 2 * DIMS)) {
                rs.next();
                assertEquals(0, rs.getInt(1), "no id without its whole record");
            }
        }
    }
}
