package org.infogap.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes files so that a reader sees either the old content or the complete new content, never a
 * torn file: the bytes go to a temporary file in the same directory, are forced to disk, and the
 * temporary file is renamed over the target. A crash at any point leaves the last good file.
 */
public final class AtomicFiles {

    /** Produces a file's content into a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Produces a file's content at a path (for libraries that only write to files). */
    @FunctionalInterface
    public interface PathWriter {
        void write(Path tempFile) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Atomically replaces {@code target} with what {@code writer} writes. */
    public static void write(Path target, Writer writer) throws IOException {
        writeVia(target, temp -> {
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.TRUNCATE_EXISTING)) {
                writer.write(out);
            }
        });
    }

    /** Atomically replaces {@code target} with the file {@code writer} creates at the given temporary path. */
    public static void writeVia(Path target, PathWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            writer.write(temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            // createTempFile makes the file owner-only; the result should read like any other file.
            if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("file system of " + dir + " cannot rename atomically", e);
            }
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Writes UTF-8 text atomically. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    // The rename is only durable once the directory entry is on disk; not every file system allows
    // opening a directory, and there the rename is as durable as it can be made.
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // best effort, see above
        }
    }
}
