package org.infogap.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void replacesTheFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("sub/model.bin");
        AtomicFiles.writeString(file, "v1");
        AtomicFiles.writeString(file, "v2");
        assertEquals("v2", Files.readString(file));
        assertEquals(1, count(file.getParent()));
    }

    @Test
    void aFailedWriteKeepsTheLastGoodFile() throws IOException {
        Path file = dir.resolve("store.json");
        AtomicFiles.writeString(file, "good");
        assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
            out.write("half a fi".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("good", Files.readString(file));
        assertEquals(1, count(dir), "the temporary file is removed");
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
