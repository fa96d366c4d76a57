package org.infogap.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyTest {

    @TempDir
    Path dir;

    private static Vocabulary sample(int minCount) {
        Vocabulary.Builder b = Vocabulary.builder();
        b.add(Collections.nCopies(12, "the"));
        b.add(Collections.nCopies(10, "red"));
        b.add(Collections.nCopies(10, "blue"));
        b.add(Collections.nCopies(9, "rare"));
        b.add(List.of("once"));
        return b.build(minCount);
    }

    @Test
    void keepsWordsAtOrAboveTheThresholdByDescendingCountThenWord() {
        Vocabulary v = sample(10);
        assertEquals(5, v.size());
        assertEquals(Vocabulary.PAD, v.word(0));
        assertEquals(Vocabulary.UNK, v.word(1));
        assertEquals("the", v.word(2));
        assertEquals("blue", v.word(3)); // tie with "red": alphabetical
        assertEquals("red", v.word(4));
        assertEquals(10, v.count(3));
        assertEquals(10, v.count(Vocabulary.UNK_ID), "9 x rare + 1 x once fell below the threshold");
    }

    @Test
    void unknownWordsMapToUnk() {
        Vocabulary v = sample(10);
        assertEquals(Vocabulary.UNK_ID, v.id("rare"));
        assertEquals(Vocabulary.UNK_ID, v.id("never-seen"));
        assertEquals(2, v.id("the"));
        assertFalse(v.contains("rare"));
        assertTrue(v.contains("red"));
    }

    @Test
    void savedAndReloadedIdentically() throws IOException {
        Vocabulary v = sample(1);
        Path file = dir.resolve("vocab.txt");
        v.save(file);
        Vocabulary back = Vocabulary.load(file);
        assertEquals(v, back);
        assertEquals(v.minCount(), back.minCount());
        for (int i = 0; i < v.size(); i++) {
            assertEquals(v.word(i), back.word(i));
        }
        assertEquals("# infogap vocabulary min_count=1", Files.readAllLines(file).get(0));
        assertEquals("<pad> 0", Files.readAllLines(file).get(1));
    }

    @Test
    void brokenFileNamesTheLine() throws IOException {
        Path file = dir.resolve("bad.txt");
        Files.writeString(file, "# infogap vocabulary min_count=10\n<pad> 0\n<unk> 3\nthe many\n");
        IOException e = assertThrows(IOException.class, () -> Vocabulary.load(file));
        assertTrue(e.getMessage().contains("bad.txt:4"), e.getMessage());
        Files.writeString(file, "the 3\n");
        assertTrue(assertThrows(IOException.class, () -> Vocabulary.load(file)).getMessage().contains("bad.txt:1"));
    }
}
