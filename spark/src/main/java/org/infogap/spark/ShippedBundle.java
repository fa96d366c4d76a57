package org.infogap.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkFiles;
import org.infogap.io.Hashes;
import org.infogap.model.ModelBundle;

/** A classifier bundle as an executor finds it: at the driver's path, or shipped with {@code --files}. */
final class ShippedBundle {

    private ShippedBundle() {
    }

    /** What an executor makes of a bundle once: an encoder, a predictor. */
    @FunctionalInterface
    interface Loader<T> {
        T load(ModelBundle bundle) throws IOException;
    }

    /**
     * What {@code load} makes of the driver's bundle, made once per executor JVM and kept in {@code made} by the
     * bundle's SHA-256: every task of the executor shares it.
     */
    static <T> T once(Map<String, T> made, String name, String sha256, Loader<T> load) throws IOException {
        T cached = made.get(sha256);
        if (cached != null) {
            return cached;
        }
        synchronized (made) {
            cached = made.get(sha256);
            if (cached == null) {
                // an executor JVM's first touch of ND4J: the native build its CPU runs best (AVX-512, AVX2, plain)
                org.infogap.model.NativeBuild.select();
                cached = load.load(ModelBundle.load(resolve(name, sha256)));
                made.put(sha256, cached);
            }
            return cached;
        }
    }

    /** The executor's copy of the driver's bundle {@code name}, checked against the driver's SHA-256. */
    static Path resolve(String name, String sha256) throws IOException {
        Path file = Path.of(name);
        if (!Files.isRegularFile(file)) {
            file = Path.of(SparkFiles.get(file.getFileName().toString()));
        }
        String sha = Hashes.sha256(file);
        if (!sha.equals(sha256)) {
            throw new IOException(file + ": SHA-256 " + sha + ", the driver's bundle has " + sha256);
        }
        return file;
    }

    /**
     * The executor's copy of InceptionV3's weights (a folder or a file): at the driver's path when the executor can
     * read it, else where Spark put what was shipped under that name: {@code --archives weights.zip#name} unpacks
     * a folder, {@code --files} copies a file.
     */
    static Path weights(String name) throws IOException {
        Path dir = Path.of(name);
        if (Files.exists(dir)) {
            return dir;
        }
        Path shipped = Path.of(SparkFiles.get(dir.getFileName().toString()));
        if (!Files.exists(shipped)) {
            throw new IOException(name + ": not on this executor, and nothing shipped under the name "
                    + dir.getFileName() + " (spark-submit --archives weights.zip#" + dir.getFileName() + ")");
        }
        return shipped;
    }
}
