package org.infogap.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.infogap.testing.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimpleWikiReaderTest {

    @TempDir
    Path dir;
    Path images;

    private static final String ARTICLE = """
            {"id": 7, "title": "Paris", "url": "https://simple.wikipedia.org/wiki/Paris", "sections": [\
            {"title": "Summary", "text": "Paris is a city. It is in France.", "images": ["Paris.jpg"]},\
            {"title": "History", "text": "It is old.", "images": [{"file": "Old.png", "caption": "Old map"}],\
             "subsections": [{"title": "Middle Ages", "text": "Walls were built.", "images": ["Wall.jpg"]}]}]}""";

    @BeforeEach
    void images() throws IOException {
        images = Files.createDirectories(dir.resolve("images"));
        TestImages.jpeg(images.resolve("Paris.jpg"), 20, 20);
        TestImages.png(images.resolve("Old.png"), 20, 20);
        TestImages.jpeg(images.resolve("Wall.jpg"), 20, 20);
    }

    private List<ImageTextPair> read(String jsonl, ReadOptions options) throws IOException {
        Path file = Files.writeString(dir.resolve("simplewiki.jsonl"), jsonl);
        try (Stream<ImageTextPair> pairs = new SimpleWikiReader(file, images, Split.TRAIN, options).pairs()) {
            return pairs.toList();
        }
    }

    @Test
    void summaryImageGetsTheWholeArticleSectionImagesTheirSection() throws IOException {
        List<ImageTextPair> pairs = read(ARTICLE + "\n", ReadOptions.strict());
        assertEquals(3, pairs.size());
        ImageTextPair summary = pairs.get(0);
        assertEquals("7#Article#Paris.jpg", summary.id());
        assertEquals(List.of("Paris is a city.", "It is in France.", "It is old.", "Walls were built."), summary.sentences());
        ImageTextPair history = pairs.get(1);
        assertEquals("7#History#Old.png", history.id());
        assertEquals(List.of("It is old.", "Walls were built."), history.sentences());
        assertEquals("Old map", history.caption());
        assertEquals(images.resolve("Old.png"), history.imagePath());
        ImageTextPair sub = pairs.get(2);
        assertEquals("7#Middle Ages#Wall.jpg", sub.id());
        assertEquals(List.of("Walls were built."), sub.sentences());
        assertEquals(Source.WIKI, sub.source());
    }

    @Test
    void brokenLineNamesItsLineNumber() throws IOException {
        String truncated = ARTICLE + "\n\n" + ARTICLE.substring(0, 60) + "\n";
        BadInputException e = assertThrows(BadInputException.class, () -> read(truncated, ReadOptions.strict()));
        assertTrue(e.getMessage().contains("simplewiki.jsonl, line 3"), e.getMessage());
        assertTrue(e.getMessage().contains("broken JSON"), e.getMessage());
    }

    @Test
    void twoObjectsOnOneLineAreRefused() {
        assertThrows(BadInputException.class, () -> read(ARTICLE + ARTICLE + "\n", ReadOptions.strict()));
    }

    @Test
    void missingFieldsAreNamed() throws IOException {
        BadInputException e = assertThrows(BadInputException.class,
                () -> read("{\"id\": 1, \"title\": \"x\"}\n", ReadOptions.strict()));
        assertEquals("sections", e.field());
        e = assertThrows(BadInputException.class, () -> read(
                "{\"id\": 1, \"title\": \"x\", \"sections\": [{\"title\": \"S\"}]}\n", ReadOptions.strict()));
        assertEquals("sections[0].text", e.field());
        assertTrue(e.getMessage().contains("line 1 (article 1)"), e.getMessage());
    }

    @Test
    void missingImageIsSkippedAndCountedWithSkipBad() throws IOException {
        Files.delete(images.resolve("Wall.jpg"));
        BadInputException e = assertThrows(BadInputException.class, () -> read(ARTICLE + "\n", ReadOptions.strict()));
        assertEquals("sections[1].subsections[0].images[0]", e.field());
        BadInputPolicy policy = BadInputPolicy.skipAndCount();
        String other = ARTICLE.replace("\"id\": 7", "\"id\": 8").replace("\"Wall.jpg\"", "\"Paris.jpg\"");
        List<ImageTextPair> pairs = read(ARTICLE + "\n" + other + "\n", new ReadOptions(policy, null));
        assertEquals(3, pairs.size(), "the bad article is skipped whole, the good one read");
        assertEquals(1, policy.skipped());
    }

    @Test
    void truncatedJpegIsFoundWhenVerifying() throws IOException {
        TestImages.truncatedJpeg(images.resolve("Paris.jpg"), 200, 200, 0.3);
        BadInputException e = assertThrows(BadInputException.class,
                () -> read(ARTICLE + "\n", new ReadOptions(BadInputPolicy.failFast(), new ImageLoader(32))));
        assertEquals("sections[0].images[0]", e.field());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void pathTraversalInFileNamesIsRefused() {
        String evil = ARTICLE.replace("\"Paris.jpg\"", "\"../../etc/passwd\"");
        assertThrows(BadInputException.class, () -> read(evil + "\n", ReadOptions.strict()));
    }

    /** An article as the paper's Wiki annotation tool's dataset holds it ({@code articles.jsonl}). */
    static final String ANNOTATOR_ARTICLE = """
            {"id": 41, "title": "Lyon", "url": "https://simple.wikipedia.org/wiki/Lyon",             "summary": "Lyon is a city in France. It is on two rivers.", "keyphrases": ["Lyon", "city"], "references": [],             "images": [{"caption": "Lyon at night", "filename": "Lyon_night.jpg", "imgpath": "img/Lyon_night.jpg",                         "metapath": "meta/Lyon_night.json", "keyphrases": ["night"]},                        {"caption": "A lost file", "filename": "Lost.jpg", "keyphrases": []}],             "sections": [{"title": "History", "text": "Romans built it. It grew.", "keyphrases": [],                           "lists": [["Roman times", "Middle Ages"]],                           "images": [{"caption": "Old bridge", "filename": "Bridge.png", "imgpath": "img/Bridge.png",                                       "metapath": "meta/Bridge.json", "keyphrases": []}],                           "subsections": [{"title": "Silk", "text": "Silk was woven here.", "images": [], "subsections": [],                                            "lists": [], "keyphrases": []}]}]}""";

    private Path annotatorDataset() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("wiki-annotator"));
        Files.createDirectories(folder.resolve("img"));
        TestImages.jpeg(folder.resolve("img/Lyon_night.jpg"), 20, 20);
        TestImages.png(folder.resolve("img/Bridge.png"), 20, 20);
        return Files.writeString(folder.resolve("articles.jsonl"), ANNOTATOR_ARTICLE + "\n");
    }

    @Test
    void theAnnotationToolsDatasetPairsTopImagesWithTheSummaryAndSectionImagesWithTheirSection() throws IOException {
        Path file = annotatorDataset();
        List<ImageTextPair> pairs;
        try (Stream<ImageTextPair> s = new SimpleWikiReader(file, images, Split.TRAIN, ReadOptions.strict()).pairs()) {
            pairs = s.toList();
        }
        assertEquals(2, pairs.size(), "the image without imgpath has no file and makes no pair");
        ImageTextPair top = pairs.get(0);
        assertEquals("41#Article#Lyon_night.jpg", top.id(), "the annotator's export names it 41, Article, /wiki/File:Lyon_night.jpg");
        assertEquals(List.of("Lyon is a city in France.", "It is on two rivers."), top.sentences(), "the summary the tool showed");
        assertEquals(file.getParent().resolve("img/Lyon_night.jpg"), top.imagePath(), "imgpath is relative to the file");
        assertEquals("Lyon at night", top.caption());
        ImageTextPair section = pairs.get(1);
        assertEquals("41#History#Bridge.png", section.id());
        assertEquals(List.of("Romans built it.", "It grew.", "Silk was woven here."), section.sentences());
    }

    @Test
    void aFileMixingTheTwoSchemasIsRefusedNamingTheLineWhateverThePolicy() throws IOException {
        Path file = annotatorDataset();
        Files.writeString(file, ANNOTATOR_ARTICLE + "\n" + ARTICLE + "\n");
        BadInputPolicy lenient = BadInputPolicy.skipAndCount();
        BadInputException e = assertThrows(BadInputException.class, () -> {
            try (Stream<ImageTextPair> s = new SimpleWikiReader(file, images, Split.TRAIN, new ReadOptions(lenient, null)).pairs()) {
                s.toList();
            }
        });
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("line 1"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void aMissingAnnotatorImageFileFollowsThePolicy() throws IOException {
        Path file = annotatorDataset();
        Files.delete(file.getParent().resolve("img/Bridge.png"));
        BadInputException e = assertThrows(BadInputException.class, () -> {
            try (Stream<ImageTextPair> s = new SimpleWikiReader(file, images, Split.TRAIN, ReadOptions.strict()).pairs()) {
                s.toList();
            }
        });
        assertEquals("sections[0].images[0].imgpath", e.field());
    }
}
