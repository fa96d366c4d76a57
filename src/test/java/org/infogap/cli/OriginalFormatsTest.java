package org.infogap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.infogap.annotate.AnnotationStore;
import org.infogap.data.Split;
import org.infogap.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files the paper's own pipeline and annotation tools write, from file to stored label: the Wiki
 * annotator's {@code articles.jsonl} and its label export, the pipeline's {@code bbc-samples.jsonl}, a COCO
 * captions file, and the merged classifier inputs of both kinds. Fixtures are written here in those shapes.
 */
class OriginalFormatsTest {

    @TempDir
    static Path dir;
    static Path manifest;

    @BeforeAll
    static void files() throws Exception {
        Path wiki = Files.createDirectories(dir.resolve("wiki/img"));
        TestImages.jpeg(wiki.resolve("Lyon_night.jpg"), 24, 24);
        TestImages.png(wiki.resolve("Bridge.png"), 24, 24);
        Files.writeString(dir.resolve("wiki/articles.jsonl"), """
                {"id": 41, "title": "Lyon", "url": "https://simple.wikipedia.org/wiki/Lyon", "summary": "Lyon is a city in France. It is on two rivers.", "keyphrases": ["Lyon"], "references": [], "images": [{"caption": "Lyon at night", "filename": "Lyon_night.jpg", "imgpath": "img/Lyon_night.jpg", "metapath": "meta/Lyon_night.json", "keyphrases": []}], "sections": [{"title": "History", "text": "Romans built it. It grew.", "keyphrases": [], "lists": [], "images": [{"caption": "Old bridge", "filename": "Bridge.png", "imgpath": "img/Bridge.png", "metapath": "meta/Bridge.json", "keyphrases": []}], "subsections": []}]}
                """);
        Path bbc = Files.createDirectories(dir.resolve("bbc/images"));
        TestImages.jpeg(bbc.resolve("0001.jpg"), 24, 24);
        TestImages.jpeg(bbc.resolve("0002.jpg"), 24, 24);
        Files.writeString(dir.resolve("bbc/bbc-samples.jsonl"), """
                {"image": "images/0001.jpg", "train": true, "text": [[["Floods"], ["Rivers rose in the neighbourhood's streets.", "People left."]]]}
                {"image": "images/0002.jpg", "train": false, "text": [[["Match"], ["The team won."]], [["After"], ["Fans sang."]]]}
                """);
        Path coco = Files.createDirectories(dir.resolve("coco/images"));
        TestImages.jpeg(coco.resolve("COCO_train2014_000000000042.jpg"), 24, 24);
        Files.writeString(dir.resolve("coco/captions.json"), """
                {"images": [{"id": 42, "file_name": "COCO_train2014_000000000042.jpg", "width": 24, "height": 24}],
                 "annotations": [{"id": 1, "image_id": 42, "caption": "A horse in a field."}]}
                """);
        manifest = Files.writeString(dir.resolve("corpus.json"), """
                {"name": "original-formats", "parts": [
                  {"format": "simplewiki", "jsonl": "wiki/articles.jsonl", "images": "wiki", "split": "train"},
                  {"format": "pairs", "jsonl": "bbc/bbc-samples.jsonl", "source": "bbc", "split": "train"},
                  {"format": "coco", "captions": "coco/captions.json", "images": "coco/images", "split": "train"}]}
                """);
    }

    @Test
    void aManifestOfTheOriginalFilesReadsWithEveryImageVerified() throws Exception {
        Path vocab = dir.resolve("vocab.txt");
        assertEquals(0, Main.commandLine().execute("vocab", "--corpus", manifest.toString(), "--verify-images", "--min-count", "1",
                "--out", vocab.toString()));
        List<String> words = Files.readAllLines(vocab);
        assertTrue(words.stream().anyMatch(l -> l.startsWith("neighborhood")), "BBC text is mapped to American spelling");
        assertTrue(words.stream().anyMatch(l -> l.startsWith("rivers")), "the summary is read");
        assertTrue(words.stream().noneMatch(l -> l.startsWith("floods\t") || l.equals("floods")), "titles are not text");
    }

    @Test
    void theAnnotatorsExportAndBothMergedFilesImportWithNoRejectedLine() throws Exception {
        Path wikiLabels = Files.writeString(dir.resolve("wiki_annotations.jsonl"), """
                {"id": 41, "section": "Article", "name": "/wiki/File:Lyon_night.jpg", "mi": 0.75, "sc": 0.5, "type": "Photograph", "snippets": ["city"], "valid": true}
                {"id": 41, "section": "History", "name": "/wiki/File:Bridge.png", "mi": 0.25, "sc": 0.0, "type": "Photograph", "snippets": [], "valid": true}
                """);
        Path bbcMerged = Files.writeString(dir.resolve("bbc/bbc-anno-samples.jsonl"), """
                {"image": "images/0001.jpg", "train": true, "text": [[["Floods"], ["Rivers rose in the neighbourhood's streets.", "People left."]]], "annotation": {"mi": 1.0, "sc": 1.0, "type": "Photograph", "snippets": []}}
                {"image": "images/0002.jpg", "train": false, "text": [[["Match"], ["The team won."]], [["After"], ["Fans sang."]]], "annotation": {"mi": 0.5, "sc": -0.5, "type": "Photograph", "snippets": []}}
                """);
        Path wikiMerged = Files.writeString(dir.resolve("wiki/wiki-anno-samples.jsonl"), """
                {"imgpath": "img/Bridge.png", "text": [[["History"], ["Romans built it.", "It grew."]]], "annotation": {"mi": 0.5, "sc": 0.5, "type": "Photograph", "snippets": []}}
                """);
        Path store = dir.resolve("annotations.db");
        for (Path labels : List.of(wikiLabels, bbcMerged, wikiMerged)) {
            assertEquals(0, Main.commandLine().execute("annotations", "import", "--store", store.toString(), "--corpus",
                    manifest.toString(), "--cmi-scale", "fractions", "--sc-scale", "fractions", labels.toString()),
                    "exit 0: no line of " + labels + " rejected");
        }
        List<AnnotationStore.Label> labels = AnnotationStore.open(store).labels();
        assertEquals(5, labels.size(), "2 Wiki labels from the export, 2 BBC and 1 Wiki from the merged files: "
                + labels.stream().map(l -> l.pair().key() + " " + l.annotator()).toList());
        Map<String, AnnotationStore.Label> byKey = labels.stream()
                .collect(Collectors.toMap(l -> l.pair().key() + " " + l.cmi(), l -> l, (a, b) -> a));
        assertTrue(byKey.keySet().stream().anyMatch(k -> k.startsWith("wiki:41#Article#Lyon_night.jpg ")), byKey.keySet().toString());
        assertTrue(byKey.keySet().stream().anyMatch(k -> k.startsWith("wiki:41#History#Bridge.png ")), byKey.keySet().toString());
        AnnotationStore.Label bbcTest = byKey.values().stream().filter(l -> l.pair().key().equals("bbc:images/0002.jpg"))
                .findFirst().orElseThrow(() -> new AssertionError(byKey.keySet().toString()));
        assertEquals(Split.TEST, bbcTest.pair().split(), "the line's train flag decides the split");
        assertEquals(List.of("The team won.", "Fans sang."), bbcTest.pair().sentences());
    }

    @Test
    void aMergedBbcLineWhoseTrainFlagContradictsTheCorpusIsRejectedNamingTheLine() throws Exception {
        Path wrong = Files.writeString(dir.resolve("bbc/wrong-split.jsonl"), """
                {"image": "images/0002.jpg", "train": true, "text": [[["Match"], ["The team won."]], [["After"], ["Fans sang."]]], "annotation": {"mi": 0.5, "sc": -0.5}}
                """);
        var cli = Main.commandLine();
        java.io.PrintStream old = System.out;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(bytes, true));
        int exit;
        try {
            exit = cli.execute("annotations", "import", "--store", dir.resolve("wrong.db").toString(), "--corpus", manifest.toString(),
                    "--cmi-scale", "fractions", "--sc-scale", "fractions", wrong.toString());
        } finally {
            System.setOut(old);
        }
        assertEquals(AnnotationsCommand.EXIT_SOME_REJECTED, exit, bytes.toString());
        assertTrue(bytes.toString().contains("line 1") && bytes.toString().contains("test part"), bytes.toString());
    }
}
