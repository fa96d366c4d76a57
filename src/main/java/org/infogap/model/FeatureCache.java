package org.infogap.model;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.infogap.io.AtomicFiles;

/**
 * Pooled image features kept on disk, keyed by the SHA-256 of the image file's bytes, per image encoder
 * (its weights and input size: {@code encoderId}). Computing InceptionV3 once per image is what makes
 * CPU training affordable. New entries are written as chunk files (atomically: temp, fsync, rename)
 * every {@link #put} batch; a crash loses at most the chunk being written, never a loadable one.
 */
public final class FeatureCache {

    private static final int MAGIC = 0x49474643; // "IGFC"
    private static final int VERSION = 1;

    private final Path dir;
    private final int dimensions;
    private final Map<String, float[]> entries = new ConcurrentHashMap<>();
    private final Map<String, float[]> pending = new LinkedHashMap<>();
    private int chunks;

    private FeatureCache(Path dir, int dimensions) {
        this.dir = dir;
        this.dimensions = dimensions;
    }

    /** Opens (creating) the cache of one encoder under {@code root/encoderId}. */
    public static FeatureCache open(Path root, String encoderId, int dimensions) throws IOException {
        Path dir = root.resolve(encoderId);
        Files.createDirectories(dir);
        FeatureCache cache = new FeatureCache(dir, dimensions);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.chunk")) {
            for (Path f : files) {
                cache.readChunk(f);
                cache.chunks++;
            }
        }
        return cache;
    }

    public Path dir() {
        return dir;
    }

    public int size() {
        return entries.size();
    }

    public Optional<float[]> get(String sha256) {
        return Optional.ofNullable(entries.get(sha256));
    }

    /** Adds an entry; it is on disk after the next {@link #flush}. */
    public synchronized void put(String sha256, float[] features) {
        if (features.length != dimensions) {
            throw new IllegalArgumentException("expected " + dimensions + " features, got " + features.length);
        }
        if (entries.putIfAbsent(sha256, features) == null) {
            pending.put(sha256, features);
        }
    }

    /** Writes the entries added since the last flush as one new chunk file. */
    public synchronized void flush() throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        List<Map.Entry<String, float[]>> batch = new ArrayList<>(pending.entrySet());
        Path file = dir.resolve(String.format("%06d-%d.chunk", chunks, System.nanoTime()));
        AtomicFiles.write(file, out -> {
            DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
            data.writeInt(MAGIC);
            data.writeInt(VERSION);
            data.writeInt(dimensions);
            data.writeInt(batch.size());
            for (Map.Entry<String, float[]> e : batch) {
                data.write(HexFormat.of().parseHex(e.getKey()));
                for (float v : e.getValue()) {
                    data.writeFloat(v);
                }
            }
            data.flush();
        });
        chunks++;
        pending.clear();
    }

    private void readChunk(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IOException(file + ": not a feature cache chunk of this version");
            }
            int dims = in.readInt();
            if (dims != dimensions) {
                throw new IOException(file + ": holds " + dims + "-d features, expected " + dimensions);
            }
            int n = in.readInt();
            byte[] key = new byte[32];
            for (int i = 0; i < n; i++) {
                in.readFully(key);
                float[] f = new float[dims];
                for (int d = 0; d < dims; d++) {
                    f[d] = in.readFloat();
                }
                entries.put(HexFormat.of().formatHex(key), f);
            }
        }
    }
}
