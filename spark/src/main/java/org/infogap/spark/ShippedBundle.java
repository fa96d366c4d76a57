package org.infogap.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkFiles;
import org.infogap.io.Hashes;

/** A classifier bundle as an executor finds it: at the driver's path, or shipped with {@code --files}. */
final class ShippedBundle {

    private ShippedBundle() {
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
}
