package org.infogap.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.infogap.io.AtomicFiles;
import org.infogap.io.Json;
import org.infogap.model.FeatureCache;

/**
 * Registered images, kept across restarts: an index (image id -> content hash, size, time), rewritten
 * atomically on every change, and the pooled features in a {@link FeatureCache} of the model's image
 * encoder, so an image is run through InceptionV3 once, when it is registered, and scoring it later
 * only runs the cheap text side and the classifier.
 */
public final class ImageStore {

    /** One registered image. */
    public record Entry(String id, String sha256, int width, int height, String registered) {
    }

    private final Path index;
    private final FeatureCache features;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private ImageStore(Path index, FeatureCache features) {
        this.index = index;
        this.features = features;
    }

    /** Opens the store of one image encoder ({@code featureLength} floats per image) under {@code dir}. */
    public static ImageStore open(Path dir, String encoderId, int featureLength) throws IOException {
        Files.createDirectories(dir);
        ImageStore store = new ImageStore(dir.resolve("images-" + encoderId + ".json"),
                FeatureCache.open(dir.resolve("features"), encoderId, featureLength));
        if (Files.exists(store.index)) {
            JsonNode root = Json.mapper().readTree(store.index.toFile());
            root.path("images").fields().forEachRemaining(e -> store.entries.put(e.getKey(), new Entry(e.getKey(),
                    e.getValue().path("sha256").asText(), e.getValue().path("width").asInt(),
                    e.getValue().path("height").asInt(), e.getValue().path("registered").asText())));
        }
        return store;
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized Optional<Entry> get(String id) {
        return Optional.ofNullable(entries.get(id));
    }

    /** Features of a registered image. */
    public synchronized Optional<float[]> features(String id) {
        Entry e = entries.get(id);
        return e == null ? Optional.empty() : features.get(e.sha256());
    }

    /** Registers (or replaces) an image; durable when this returns. Returns whether it was new. */
    public synchronized boolean put(String id, String sha256, int width, int height, float[] pooled) throws IOException {
        features.put(sha256, pooled);
        features.flush();
        boolean added = !entries.containsKey(id);
        entries.put(id, new Entry(id, sha256, width, height, Instant.now().toString()));
        writeIndex();
        return added;
    }

    /** Removes an image; returns whether it existed. Its features stay cached (another id may share them). */
    public synchronized boolean remove(String id) throws IOException {
        if (entries.remove(id) == null) {
            return false;
        }
        writeIndex();
        return true;
    }

    /** Cached features by content hash (an image registered under another id, or seen before). */
    public Optional<float[]> cached(String sha256) {
        return features.get(sha256);
    }

    private void writeIndex() throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode images = root.putObject("images");
        for (Entry e : entries.values()) {
            images.putObject(e.id()).put("sha256", e.sha256()).put("width", e.width()).put("height", e.height())
                    .put("registered", e.registered());
        }
        AtomicFiles.writeString(index, Json.mapper().writeValueAsString(root));
    }
}
