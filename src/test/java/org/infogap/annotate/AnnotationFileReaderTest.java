package org.infogap.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.infogap.data.BadInputException;
import org.infogap.data.CmiLevel;
import org.infogap.data.ScLevel;
import org.infogap.data.Source;
import org.infogap.data.Split;
import org.infogap.synth.CorpusGenerator;
import org.infogap.synth.GeneratorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnnotationFileReaderTest {

    @TempDir
    Path dir;

    private final AnnotationFileReader detecting = new AnnotationFileReader(null, null);

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void bbcToolExportWithDetectedScales() throws IOException {
        Path file = write("bbc.jsonl", """
                {"name": "story1", "mi": 0.25, "sc": -0.5, "train": false, "type": "Photograph", "snippets": ["a man"]}
                {"name": "story2", "mi": 1, "sc": 1, "train": true, "type": "Map", "snippets": []}
                """);
        AnnotationFileReader.Result r = detecting.read(file, null);
        assertEquals(AnnotationFormat.BBC_TOOL, r.format());
        assertEquals(CmiScale.FRACTIONS, r.cmiScale());
        assertEquals(ScScale.FRACTIONS, r.scScale());
        assertEquals(2, r.records().size());
        AnnotationRecord first = r.records().get(0);
        assertEquals(Source.BBC, first.source());
        assertEquals("story1", first.pairId());
        assertEquals(Split.TEST, first.split());
        assertEquals(CmiLevel.L025, first.cmi());
        assertEquals(ScLevel.NEG05, first.sc());
        assertEquals(List.of("a man"), first.snippets());
        assertEquals(1, first.line());
    }

    @Test
    void wikiToolExportKeepsInvalidEntriesMarked() throws IOException {
        Path file = write("wiki.jsonl", """
                {"id": "12", "section": "Article", "name": "/wiki/File:Paris.jpg", "mi": 0.5, "sc": 0.5, "valid": true, "type": "Photograph", "snippets": []}
                {"id": 13, "section": "History", "name": "/wiki/File:Map.png", "mi": 0.25, "sc": 0, "valid": false, "type": "Map", "snippets": []}
                """);
        AnnotationFileReader.Result r = detecting.read(file, null);
        assertEquals(AnnotationFormat.WIKI_TOOL, r.format());
        assertEquals("12#Article#Paris.jpg", r.records().get(0).pairId());
        assertEquals("13#History#Map.png", r.records().get(1).pairId());
        assertFalse(r.records().get(1).valid());
    }

    @Test
    void mergedFormatAndLegacyCodesWithDroppedOnesCounted() throws IOException {
        Path file = write("merged.jsonl", """
                {"imgpath": "img/1.jpg", "text": ["A dog.", "It runs."], "annotation": {"mi": 2, "sc": 2, "type": "Photograph", "snippets": []}}
                {"imgpath": "img/2.jpg", "text": ["News."], "annotation": {"mi": 5, "sc": -1, "type": "Photograph"}}
                {"imgpath": "img/3.jpg", "text": ["Other."], "annotation": {"mi": 6, "sc": 0, "type": "Chart"}}
                """);
        AnnotationFileReader.Result r = detecting.read(file, null);
        assertEquals(AnnotationFormat.MERGED, r.format());
        assertEquals(CmiScale.LEGACY8, r.cmiScale());
        assertEquals(ScScale.INTEGERS, r.scScale());
        assertEquals(2, r.records().size());
        assertEquals(1, r.droppedLegacyCodes(), "code 6 has no five-level meaning");
        assertEquals(CmiLevel.L1, r.records().get(0).cmi());
        assertEquals(ScLevel.POS1, r.records().get(0).sc());
        assertEquals(CmiLevel.L025, r.records().get(1).cmi());
        assertEquals(List.of("A dog.", "It runs."), r.records().get(0).text());
        assertNull(r.records().get(0).source());
    }

    @Test
    void csvWithTextPathAndAnnotator() throws IOException {
        write("t1.txt", "A red circle.\n");
        Path file = write("labels.csv", """
                pair_id,image_path,text,text_path,cmi,sc,image_type,annotator
                p1,img/1.jpg,"A cat, sleeping.",,0.75,0.5,Photograph,ann1
                p2,img/2.jpg,,t1.txt,1,1,Drawing,ann2
                """);
        AnnotationFileReader.Result r = detecting.read(file, null);
        assertEquals(AnnotationFormat.CSV, r.format());
        assertEquals(List.of("A cat, sleeping."), r.records().get(0).text());
        assertEquals(List.of("A red circle."), r.records().get(1).text());
        assertEquals("ann2", r.records().get(1).annotator());
        assertEquals(3, r.records().get(1).line());
    }

    @Test
    void ambiguousScaleIsRefusedWithTheOptionToPass() throws IOException {
        Path file = write("amb.jsonl", """
                {"name": "a", "mi": 3, "sc": 0.5, "train": true}
                {"name": "b", "mi": 1, "sc": 1, "train": true}
                """);
        BadInputException e = assertThrows(BadInputException.class, () -> detecting.read(file, null));
        assertTrue(e.getMessage().contains("--cmi-scale"), e.getMessage());
        assertTrue(e.getMessage().contains("amb.jsonl"), e.getMessage());
        AnnotationFileReader.Result r = new AnnotationFileReader(CmiScale.LEVELS, null).read(file, null);
        assertEquals(CmiLevel.L075, r.records().get(0).cmi());
    }

    @Test
    void badLinesAreRejectedWithReasonsAndTheRestKept() throws IOException {
        Path file = write("bad.jsonl", String.join("\n",
                "{\"name\": \"ok\", \"mi\": 0.5, \"sc\": 0.5, \"train\": true}",
                "{\"name\": \"nomi\", \"sc\": 0.5, \"train\": true}",
                "{\"name\": \"range\", \"mi\": 0.3, \"sc\": 0.5, \"train\": true}",
                "{\"name\": \"ok\", \"mi\": 0.5, \"sc\": 0.5, \"train\": true}",
                "{\"name\": \"ok2\", \"mi\": 0.25, \"sc\": -1, \"train\": true}",
                "{\"name\": \"cut\", \"mi\": 0."));
        AnnotationFileReader.Result r = detecting.read(file, null);
        assertEquals(List.of("ok", "ok2"), r.records().stream().map(AnnotationRecord::pairId).toList());
        List<String> reasons = r.rejected().stream().map(Object::toString).toList();
        assertEquals(4, reasons.size(), reasons.toString());
        assertEquals("line 2, field 'mi': missing", reasons.get(0));
        assertTrue(reasons.get(1).startsWith("line 3, field 'mi': CMI must be one of"), reasons.get(1));
        assertEquals("line 4: duplicate of line 1", reasons.get(2));
        assertTrue(reasons.get(3).startsWith("line 6: truncated last line"), reasons.get(3));
    }

    @Test
    void invalidUtf8IsRefusedNamingTheLine() throws IOException {
        Path file = dir.resolve("latin1.jsonl");
        byte[] good = "{\"name\": \"a\", \"mi\": 0.5, \"sc\": 0.5, \"train\": true}\n".getBytes();
        byte[] bad = "{\"name\": \"caf\u00e9\", \"mi\": 0.5, \"sc\": 0.5, \"train\": true}\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] all = new byte[good.length + bad.length];
        System.arraycopy(good, 0, all, 0, good.length);
        System.arraycopy(bad, 0, all, good.length, bad.length);
        Files.write(file, all);
        BadInputException e = assertThrows(BadInputException.class, () -> detecting.read(file, null));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void generatedCorpusLabelsReadBackExactly() throws IOException {
        Path corpus = dir.resolve("corpus");
        CorpusGenerator.Summary summary = new CorpusGenerator(new GeneratorConfig(5, 0, 80, 0.25, 32, false))
                .generate(corpus);
        AnnotationFileReader.Result bbc = detecting.read(corpus.resolve("labels/bbc_annotations.jsonl"), null);
        AnnotationFileReader.Result wiki = detecting.read(corpus.resolve("labels/wiki_annotations.jsonl"), null);
        assertEquals(80, bbc.records().size() + wiki.records().size());
        assertTrue(bbc.rejected().isEmpty() && wiki.rejected().isEmpty());
        long l0 = java.util.stream.Stream.concat(bbc.records().stream(), wiki.records().stream())
                .filter(a -> a.cmi() == CmiLevel.L0).count();
        assertEquals((long) summary.cmi().getOrDefault(CmiLevel.L0, 0), l0);
    }
}
