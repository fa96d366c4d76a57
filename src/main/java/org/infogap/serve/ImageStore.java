package org.infogap.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.infogap.io.Json;
import org.infogap.store.FeatureStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registered images, kept across restarts: a table of image ids (id -> content hash, size, time) beside the
 * features in the {@link FeatureStore} of the model's image encoder, in the same SQLite file. An image is run
 * through InceptionV3 once, when it is registered; scoring it later reads its record from disk and runs only
 * the text side and the classifier.
 *
 * <p>A registration is one transaction (the features, if new, and the id): O(1) work, durable when it returns,
 * and a process killed at any moment leaves every acknowledged image and nothing half-written. Opening reads
 * no per-image data. An index of the earlier JSON format ({@code images-<encoder>.json}) is copied in once and
 * left where it is.
 */
public final class ImageStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImageStore.class);

    /** One registered image. */
    public record Entry(String id, String sha256, int width, int height, String registered) {
    }

    private static final String[] SCHEMA = {
        """
        CREATE TABLE IF NOT EXISTS images (
          id         TEXT PRIMARY KEY,      -- as registered through the API
          sha256     TEXT NOT NULL,         -- of the image's bytes: its row in features
          width      INTEGER NOT NULL,
          height     INTEGER NOT NULL,
          registered TEXT NOT NULL          -- ISO-8601 UTC
        )""",
        "INSERT OR IGNORE INTO counts VALUES ('images', 0)",
        "CREATE TRIGGER IF NOT EXISTS images_added AFTER INSERT ON images "
            + "BEGIN UPDATE counts SET n = n + 1 WHERE name = 'images'; END",
        "CREATE TRIGGER IF NOT EXISTS images_removed AFTER DELETE ON images "
            + "BEGIN UPDATE counts SET n = n - 1 WHERE name = 'images'; END",
    };

    private static final String FEATURES_OF_ID = "SELECT f.data FROM images i JOIN features f USING (sha256) WHERE i.id = ?";

    private final FeatureStore features;

    private ImageStore(FeatureStore features) {
        this.features = features;
    }

    /** Opens the store of one image encoder ({@code featureLength} floats per image) under {@code dir}. */
    public static ImageStore open(Path dir, String encoderId, int featureLength) throws IOException {
        Files.createDirectories(dir);
        FeatureStore features = FeatureStore.open(dir.resolve("features"), encoderId, featureLength);
        try {
            features.transaction(c -> {
                try (Statement st = c.createStatement()) {
                    for (String sql : SCHEMA) {
                        st.execute(sql);
                    }
                }
                return null;
            });
            ImageStore store = new ImageStore(features);
            store.convertLegacyIndex(dir.resolve("images-" + encoderId + ".json"));
            return store;
        } catch (IOException | RuntimeException e) {
            features.close();
            throw e;
        }
    }

    /** The SQLite file holding the images and their features. */
    public Path file() {
        return features.file();
    }

    /** Bytes of one image's features on disk (before SQLite's page overhead). */
    public int recordBytes() {
        return features.recordBytes();
    }

    public int size() {
        return (int) features.count("images");
    }

    public Optional<Entry> get(String id) {
        return features.read(c -> {
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT sha256, width, height, registered FROM images WHERE id = ?")) {
                st.setString(1, id);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(new Entry(id, rs.getString(1), rs.getInt(2), rs.getInt(3),
                            rs.getString(4))) : Optional.empty();
                }
            }
        });
    }

    /** Features of a registered image. */
    public Optional<float[]> features(String id) {
        return features.select(FEATURES_OF_ID, id);
    }

    /** Features of several registered images, read at once (a top-20's), in the ids' order. */
    public java.util.List<Optional<float[]>> features(java.util.List<String> ids) {
        return features.selectAll(FEATURES_OF_ID, ids);
    }

    /** Registers (or replaces) an image; durable when this returns. Returns whether it was new. */
    public boolean put(String id, String sha256, int width, int height, float[] pooled) throws IOException {
        return features.transaction(c -> {
            features.insert(c, sha256, pooled);
            return upsert(c, new Entry(id, sha256, width, height, Instant.now().toString()));
        });
    }

    /** One image to register: its id, the hash of its bytes, its size and its features. */
    public record Registration(String id, String sha256, int width, int height, float[] features) {
    }

    /** Registers (or replaces) several images in one transaction: all of them or, after a failure, none. */
    public void putAll(java.util.List<Registration> images) throws IOException {
        String now = Instant.now().toString();
        features.transaction(c -> {
            for (Registration r : images) {
                features.insert(c, r.sha256(), r.features());
                upsert(c, new Entry(r.id(), r.sha256(), r.width(), r.height(), now));
            }
            return null;
        });
    }

    /** Removes an image; returns whether it existed. Its features stay stored (another id may share them). */
    public boolean remove(String id) throws IOException {
        return features.transaction(c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM images WHERE id = ?")) {
                st.setString(1, id);
                return st.executeUpdate() > 0;
            }
        });
    }

    /** Stored features by content hash (an image registered under another id, or seen before). */
    public Optional<float[]> cached(String sha256) {
        return features.get(sha256);
    }

    @Override
    public void close() throws IOException {
        features.close();
    }

    private static boolean upsert(Connection c, Entry e) throws SQLException {
        boolean added;
        try (PreparedStatement seen = c.prepareStatement("SELECT 1 FROM images WHERE id = ?")) {
            seen.setString(1, e.id());
            try (ResultSet rs = seen.executeQuery()) {
                added = !rs.next();
            }
        }
        // an upsert, not INSERT OR REPLACE: a replacement must not fire the delete and insert counters
        try (PreparedStatement st = c.prepareStatement("INSERT INTO images (id, sha256, width, height, registered) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET sha256 = excluded.sha256, "
                + "width = excluded.width, height = excluded.height, registered = excluded.registered")) {
            st.setString(1, e.id());
            st.setString(2, e.sha256());
            st.setInt(3, e.width());
            st.setInt(4, e.height());
            st.setString(5, e.registered());
            st.executeUpdate();
        }
        return added;
    }

    /** Copies the earlier format's JSON index in, once (its features came in with the feature store's chunks). */
    private void convertLegacyIndex(Path index) throws IOException {
        if (!Files.exists(index)) {
            return;
        }
        int converted = features.convertOnce("legacy-index:" + index.getFileName(), c -> {
            JsonNode root;
            try {
                root = Json.mapper().readTree(index.toFile());
            } catch (IOException e) {
                throw new IOException(index + ": not a JSON image index: " + e.getMessage(), e);
            }
            int n = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("images").fields(); it.hasNext(); n++) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (!v.path("sha256").isTextual()) {
                    throw new IOException(index + ": images." + e.getKey() + ".sha256: missing");
                }
                upsert(c, new Entry(e.getKey(), v.path("sha256").asText(), v.path("width").asInt(),
                        v.path("height").asInt(), v.path("registered").asText()));
            }
            return n;
        });
        if (converted > 0) {
            LOG.info("{}: copied {} registered images from {}; that file is no longer read and may be deleted",
                    features.file(), converted, index);
        }
    }
}
