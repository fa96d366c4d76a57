package org.infogap.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.infogap.testing.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BbcNewsReaderTest {

    @TempDir
    Path dir;
    Path test;

    private static final String ARTICLE = """
            <html><head><title>BBC NEWS | Politics</title><script>var x = "Not text.";</script></head>
            <body><h1>Headline</h1>
            <p>Mr. Brown said the \u00a32.5m programme would favour the centre. It starts on Monday.</p>
            <p>Critics said: "It is too late." The caf\u00e9 closed.</p>
            </body></html>
            """;

    @BeforeEach
    void corpus() throws IOException {
        test = Files.createDirectories(dir.resolve("test"));
        entry("story1", ARTICLE, "Mr. Brown outside No. 10");
        entry("story2", "<html><body><p>Short one.</p></body></html>", "A caption");
    }

    private void entry(String name, String html, String caption) throws IOException {
        Files.write(test.resolve(name + ".html"), html.getBytes(StandardCharsets.ISO_8859_1));
        Files.write(test.resolve(name + ".txt"), caption.getBytes(StandardCharsets.ISO_8859_1));
        TestImages.jpeg(test.resolve(name + ".jpg"), 40, 30);
    }

    private List<ImageTextPair> read(String encoding, ReadOptions options) {
        try (Stream<ImageTextPair> pairs = new BbcNewsReader(test, Split.TEST, TextDecoding.of(encoding), options).pairs()) {
            return pairs.toList();
        }
    }

    @Test
    void readsArticleParagraphsAsSentencesWithCaptionAndSplit() {
        List<ImageTextPair> pairs = read("ISO-8859-1", ReadOptions.strict());
        assertEquals(2, pairs.size());
        ImageTextPair p = pairs.get(0);
        assertEquals("story1", p.id());
        assertEquals(Source.BBC, p.source());
        assertEquals(Split.TEST, p.split());
        assertEquals(List.of("Mr. Brown said the \u00a32.5m programme would favour the centre.", "It starts on Monday.",
                "Critics said: \"It is too late.\"", "The caf\u00e9 closed."), p.sentences());
        assertEquals("Mr. Brown outside No. 10", p.caption());
        assertEquals(test.resolve("story1.jpg"), p.imagePath());
        assertTrue(p.source().britishEnglish());
    }

    @Test
    void detectsIso88591WhenAskedToDetect() {
        assertEquals("The caf\u00e9 closed.", read("auto", ReadOptions.strict()).get(0).sentences().get(3));
    }

    @Test
    void wrongConfiguredEncodingIsAnErrorNotMojibake() {
        BadInputException e = assertThrows(BadInputException.class, () -> read("UTF-8", ReadOptions.strict()));
        assertTrue(e.getMessage().contains("story1.html"), e.getMessage());
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void utf8FilesAreDetected() throws IOException {
        Files.write(test.resolve("story2.html"), "<p>Caf\u00e9 society.</p>".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("Caf\u00e9 society."), read("auto", ReadOptions.strict()).get(1).sentences());
    }

    @Test
    void missingImageAndCaptionNameTheEntryAndField() throws IOException {
        Files.delete(test.resolve("story2.jpg"));
        BadInputException e = assertThrows(BadInputException.class, () -> read("auto", ReadOptions.strict()));
        assertEquals("image", e.field());
        assertTrue(e.getMessage().contains("entry 'story2'"), e.getMessage());
        TestImages.jpeg(test.resolve("story2.jpg"), 10, 10);
        Files.delete(test.resolve("story1.txt"));
        e = assertThrows(BadInputException.class, () -> read("auto", ReadOptions.strict()));
        assertEquals("caption", e.field());
    }

    @Test
    void skipBadKeepsTheGoodEntries() throws IOException {
        Files.delete(test.resolve("story1.jpg"));
        BadInputPolicy policy = BadInputPolicy.skipAndCount();
        List<ImageTextPair> pairs = read("auto", new ReadOptions(policy, null));
        assertEquals(List.of("story2"), pairs.stream().map(ImageTextPair::id).toList());
        assertEquals(1, policy.skipped());
        assertTrue(policy.firstMessages().get(0).contains("story1"));
    }

    @Test
    void truncatedJpegIsFoundWhenVerifying() throws IOException {
        TestImages.truncatedJpeg(test.resolve("story2.jpg"), 200, 200, 0.3);
        BadInputException e = assertThrows(BadInputException.class,
                () -> read("auto", new ReadOptions(BadInputPolicy.failFast(), new ImageLoader(32))));
        assertTrue(e.getMessage().contains("story2"), e.getMessage());
    }

    @Test
    void missingFolderIsReported() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> new BbcNewsReader(dir.resolve("nope"), Split.TRAIN, TextDecoding.of("auto"), ReadOptions.strict()).pairs());
        assertTrue(e.getMessage().contains("nope"));
    }
}
