package org.infogap.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.infogap.data.CmiLevel;
import org.infogap.data.ImageTextPair;
import org.infogap.data.ScLevel;
import org.infogap.data.Source;
import org.infogap.data.Split;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnnotationStoreTest {

    @TempDir
    Path dir;
    AnnotationStore store;
    PairIndex index;
    final AnnotationFileReader reader = new AnnotationFileReader(CmiScale.FRACTIONS, ScScale.FRACTIONS);

    /** 20 BBC entries bbc000..bbc019 (even ones in train), 3 Wiki pairs, 2 COCO captions of one image. */
    private List<ImageTextPair> corpus() {
        Path corpusDir = dir.resolve("corpus");
        List<ImageTextPair> pairs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String name = String.format("bbc%03d", i);
            Split split = i % 2 == 0 ? Split.TRAIN : Split.TEST;
            pairs.add(new ImageTextPair(Source.BBC, name, corpusDir.resolve("bbc/" + split.label() + "/" + name + ".jpg"),
                    List.of("Text of " + name + "."), "Caption of " + name + ".", split));
        }
        for (int i = 0; i < 3; i++) {
            pairs.add(new ImageTextPair(Source.WIKI, "10" + i + "#Article#Img" + i + ".png",
                    corpusDir.resolve("wiki/images/Img" + i + ".png"), List.of("Wiki text " + i + "."), "", Split.TRAIN));
        }
        Path cocoImage = corpusDir.resolve("coco/images/COCO_train2014_000000000042.jpg");
        pairs.add(new ImageTextPair(Source.COCO, "1", cocoImage, List.of("A horse in a field."), "", Split.TRAIN));
        pairs.add(new ImageTextPair(Source.COCO, "2", cocoImage, List.of("A man rides a horse."), "", Split.TRAIN));
        return pairs;
    }

    @BeforeEach
    void open() throws IOException {
        store = AnnotationStore.open(dir.resolve("annotations/annotations.db"));
        index = new PairIndex(corpus().stream(), dir.resolve("corpus"));
    }

    private Path bbcFile(String name, int from, int to) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) {
            s.append(bbcLine(i, 0.25 * (i % 5), 0.5 * (i % 5) - 1)).append('\n');
        }
        return Files.writeString(dir.resolve(name), s);
    }

    private static String bbcLine(int i, double mi, double sc) {
        return String.format(java.util.Locale.ROOT, "{\"name\": \"bbc%03d\", \"mi\": %s, \"sc\": %s, \"train\": %s, "
                + "\"type\": \"Photograph\", \"snippets\": [\"s%d\"]}", i, mi, sc, i % 2 == 0, i);
    }

    private AnnotationStore.ImportReport importFile(Path file) throws IOException {
        return store.importFile(file, reader, null, index, false);
    }

    @Test
    void importsEveryLabelWithItsPairAndLevel() throws IOException {
        AnnotationStore.ImportReport report = importFile(bbcFile("a.jsonl", 0, 10));
        assertEquals(10, report.imported());
        assertEquals(0, report.unchanged());
        assertTrue(report.rejected().isEmpty());
        List<AnnotationStore.Label> labels = store.labels();
        assertEquals(10, labels.size());
        AnnotationStore.Label third = labels.get(3);
        assertEquals("bbc:bbc003", third.pair().key());
        assertEquals(Split.TEST, third.pair().split());
        assertEquals(List.of("Text of bbc003."), third.pair().sentences());
        assertEquals(CmiLevel.L075, third.cmi());
        assertEquals(ScLevel.POS05, third.sc());
        assertEquals("Photograph", third.imageType());
        assertEquals(List.of("s3"), third.snippets());
    }

    @Test
    void importingTheSameFileAgainChangesNothingAndSaysSo() throws IOException {
        Path file = bbcFile("a.jsonl", 0, 10);
        importFile(file);
        AnnotationStore.ImportReport again = importFile(file);
        assertTrue(again.alreadyImported());
        assertTrue(again.toString().contains("unchanged, the same file was imported as import #1"), again.toString());
        assertEquals(10, store.labels().size());
        assertEquals(1, store.imports().size());
    }

    @Test
    void labelsAlreadyStoredFromAnotherFileCountAsUnchanged() throws IOException {
        importFile(bbcFile("a.jsonl", 0, 10));
        AnnotationStore.ImportReport overlap = importFile(bbcFile("b.jsonl", 5, 15));
        assertFalse(overlap.alreadyImported());
        assertEquals(5, overlap.imported());
        assertEquals(5, overlap.unchanged());
        assertEquals(15, store.labels().size());
    }

    @Test
    void unknownPairsAndWrongSplitsAreRejectedWithTheirLine() throws IOException {
        Path file = Files.writeString(dir.resolve("c.jsonl"), bbcLine(0, 0.5, 0.5) + "\n"
                + bbcLine(99, 0.5, 0.5) + "\n"
                + bbcLine(1, 0.5, 0.5).replace("\"train\": false", "\"train\": true") + "\n");
        AnnotationStore.ImportReport report = importFile(file);
        assertEquals(1, report.imported());
        assertEquals(2, report.rejected().size());
        assertEquals(2, report.rejected().get(0).line());
        assertTrue(report.rejected().get(0).reason().contains("unknown pair"), report.rejected().get(0).reason());
        assertEquals(3, report.rejected().get(1).line());
        assertTrue(report.rejected().get(1).reason().contains("test part of the corpus, the file says train"));
    }

    @Test
    void allOrNothingImportsNothingFromAFileWithARejectedLine() throws IOException {
        Path file = Files.writeString(dir.resolve("c.jsonl"), bbcLine(0, 0.5, 0.5) + "\n" + bbcLine(99, 0.5, 0.5) + "\n");
        AnnotationStore.ImportReport report = store.importFile(file, reader, null, index, true);
        assertEquals(0, report.imported());
        assertEquals(1, report.rejected().size());
        assertTrue(store.labels().isEmpty());
        assertTrue(store.imports().isEmpty());
    }

    @Test
    void aFailureHalfWayThroughAFileLeavesTheStoreAsItWas() throws IOException {
        importFile(bbcFile("first.jsonl", 0, 4));
        Path file = bbcFile("second.jsonl", 4, 20);
        store.setHook(rows -> {
            if (rows == 7) {
                throw new SQLException("simulated crash after 7 rows");
            }
        });
        IOException e = assertThrows(IOException.class, () -> importFile(file));
        assertTrue(e.getMessage().contains("nothing of it was stored"), e.getMessage());
        assertEquals(4, store.labels().size());
        assertEquals(1, store.imports().size());
        store.setHook(rows -> { });
        assertEquals(16, importFile(file).imported());
        assertEquals(20, store.labels().size());
    }

    @Test
    void aCorpusWhoseTextChangedSinceTheImportIsRefusedAndNothingIsStored() throws IOException {
        importFile(bbcFile("a.jsonl", 0, 4));
        List<ImageTextPair> regenerated = new ArrayList<>(corpus());
        ImageTextPair old = regenerated.get(2);
        regenerated.set(2, new ImageTextPair(old.source(), old.id(), old.imagePath(), List.of("A new text."), "",
                old.split()));
        index = new PairIndex(regenerated.stream(), dir.resolve("corpus"));
        Path file = bbcFile("b.jsonl", 0, 6);
        IOException e = assertThrows(IOException.class, () -> importFile(file));
        assertTrue(e.getMessage().contains("b.jsonl line 3: pair bbc:bbc002 is stored with another text"),
                e.getMessage());
        assertEquals(4, store.labels().size(), "the earlier labels stay, none of the new file's lands");
        assertEquals(1, store.imports().size());
        assertEquals(List.of("Text of bbc002."), store.labels().get(2).pair().sentences());
    }

    @Test
    void concurrentImportsOfDifferentFilesBothLand() throws Exception {
        List<Path> files = List.of(bbcFile("p.jsonl", 0, 10), bbcFile("q.jsonl", 10, 20));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<AnnotationStore.ImportReport>> futures = new ArrayList<>();
            for (Path f : files) {
                // separate store objects, as two processes would have
                AnnotationStore other = AnnotationStore.open(store.file());
                futures.add(pool.submit(() -> other.importFile(f, reader, null, index, false)));
            }
            for (Future<AnnotationStore.ImportReport> f : futures) {
                assertEquals(10, f.get().imported());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(20, store.labels().size());
        assertEquals(2, store.imports().size());
    }

    @Test
    void everyAnnotatorsLabelOfTheSamePairIsKept() throws IOException {
        Path file = Files.writeString(dir.resolve("two.jsonl"),
                bbcLine(0, 0.5, 0.5).replace("}", ", \"annotator\": \"ann\"}") + "\n"
                + bbcLine(0, 0.75, 1.0).replace("}", ", \"annotator\": \"bob\"}") + "\n");
        assertEquals(2, importFile(file).imported());
        List<AnnotationStore.Label> labels = store.labels();
        assertEquals(List.of("ann", "bob"), labels.stream().map(AnnotationStore.Label::annotator).toList());
        assertEquals(labels.get(0).pair().key(), labels.get(1).pair().key());
    }

    @Test
    void wikiLabelsMarkedInvalidAreStoredButNotExported() throws IOException {
        Path file = Files.writeString(dir.resolve("wiki.jsonl"), """
                {"id": 100, "section": "Article", "name": "/wiki/File:Img0.png", "mi": 1.0, "sc": 1.0, "valid": true, "type": "Map", "snippets": []}
                {"id": "101", "section": "Article", "name": "/wiki/File:Img1.png", "mi": 0.0, "sc": 0.0, "valid": false, "type": "Map", "snippets": []}
                """);
        AnnotationStore.ImportReport report = importFile(file);
        assertEquals(2, report.imported(), report.rejected().toString());
        assertEquals(2, store.labels().size());
        List<LabelledPairs.Labelled> exported = LabelledPairs.aggregate(store.labels(), LabelledPairs.SplitRule.CORPUS, 0, 0);
        assertEquals(1, exported.size());
        assertEquals("wiki:100#Article#Img0.png", exported.get(0).pair().key());
    }

    @Test
    void legacyCodesOneSixSevenAreSkippedAndCounted() throws IOException {
        StringBuilder s = new StringBuilder();
        int[] codes = {0, 1, 2, 3, 4, 5, 6, 7};
        for (int i = 0; i < codes.length; i++) {
            s.append(String.format("{\"name\": \"bbc%03d\", \"mi\": %d, \"sc\": 1, \"train\": %s}%n", i, codes[i], i % 2 == 0));
        }
        Path file = Files.writeString(dir.resolve("legacy.jsonl"), s);
        AnnotationStore.ImportReport report = store.importFile(file,
                new AnnotationFileReader(CmiScale.LEGACY8, ScScale.INTEGERS), null, index, false);
        assertEquals(5, report.imported());
        assertEquals(3, report.skipped());
        assertEquals(List.of(CmiLevel.L0, CmiLevel.L1, CmiLevel.L075, CmiLevel.L05, CmiLevel.L025),
                store.labels().stream().map(AnnotationStore.Label::cmi).toList());
    }

    @Test
    void mergedLinesMatchCorpusImagesByPathAndKeepTheirOwnText() throws IOException {
        Path file = Files.writeString(dir.resolve("merged.jsonl"), """
                {"imgpath": "/home/someone/data/coco/images/COCO_train2014_000000000042.jpg", "text": ["A man rides a horse."], "annotation": {"mi": 1.0, "sc": 1.0, "type": "Photograph", "snippets": []}}
                {"imgpath": "coco/images/COCO_train2014_000000000042.jpg", "text": ["A horse in a field.", "A man rides a horse."], "annotation": {"mi": 1.0, "sc": 1.0, "type": "Photograph", "snippets": []}}
                {"imgpath": "coco/images/COCO_train2014_000000000999.jpg", "text": ["Nothing."], "annotation": {"mi": 1.0, "sc": 1.0}}
                """);
        AnnotationStore.ImportReport report = importFile(file);
        assertEquals(2, report.imported());
        assertEquals(1, report.rejected().size());
        assertEquals(3, report.rejected().get(0).line());
        List<AnnotationStore.Label> labels = store.labels();
        assertEquals("coco:2", labels.get(0).pair().key(), "same image and text as corpus pair 2");
        assertTrue(labels.get(1).pair().key().startsWith("coco:coco/images/COCO_train2014_000000000042.jpg#"),
                labels.get(1).pair().key());
        assertEquals(List.of("A horse in a field.", "A man rides a horse."), labels.get(1).pair().sentences());
    }

    @Test
    void csvRowsMatchByPairKey() throws IOException {
        Path file = Files.writeString(dir.resolve("labels.csv"), """
                pair_id,image_path,text,cmi,sc,image_type,annotator
                bbc:bbc004,bbc/train/bbc004.jpg,Text of bbc004.,3,2,Photograph,ann
                bbc:bbc005,bbc/test/bbc005.jpg,Text of bbc005.,0,-2,Map,ann
                """);
        AnnotationStore.ImportReport report = store.importFile(file,
                new AnnotationFileReader(CmiScale.LEVELS, ScScale.INTEGERS), null, index, false);
        assertEquals(2, report.imported(), report.rejected().toString());
        assertEquals(List.of("bbc:bbc004", "bbc:bbc005"), store.labels().stream().map(l -> l.pair().key()).toList());
        assertEquals(ScLevel.NEG1, store.labels().get(1).sc());
    }

    @Test
    void thePairsCaptionIsStoredAndExported() throws IOException {
        importFile(bbcFile("a.jsonl", 0, 2));
        assertEquals(List.of("Caption of bbc000.", "Caption of bbc001."),
                store.labels().stream().map(l -> l.pair().caption()).toList());
        Path out = dir.resolve("labelled.jsonl");
        LabelledPairs.write(out, LabelledPairs.aggregate(store.labels(), LabelledPairs.SplitRule.CORPUS, 42, 0.2));
        assertEquals("Caption of bbc001.", LabelledPairs.read(out).get(1).pair().caption());
    }

    @Test
    void aSchema1StoreGainsCaptionsFromItsPairsNextImport() throws Exception {
        importFile(bbcFile("a.jsonl", 0, 2));
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + store.file());
             var s = c.createStatement()) {
            s.execute("ALTER TABLE pairs DROP COLUMN caption"); // as schema 1 made it
            s.execute("PRAGMA user_version = 1");
        }
        store = AnnotationStore.open(store.file());
        assertEquals(List.of("", ""), store.labels().stream().map(l -> l.pair().caption()).toList());
        Files.writeString(dir.resolve("b.jsonl"), bbcLine(1, 0.5, 0.0) + "\n");
        importFile(dir.resolve("b.jsonl"));
        assertEquals(List.of("", "Caption of bbc001.", "Caption of bbc001."),
                store.labels().stream().map(l -> l.pair().caption()).toList());
    }

    private ImageTextPair pair(String bbcName) {
        return index.match(new AnnotationRecord(Source.BBC, bbcName, null, null, List.of(), CmiLevel.L0, ScLevel.NEG1,
                "", List.of(), true, "", 1), dir).pair();
    }

    @Test
    void pageLabelsCountAsTheAnnotatorsLatestAndUndoRestoresTheOneBefore() throws IOException {
        ImageTextPair p0 = pair("bbc000");
        ImageTextPair p2 = pair("bbc002");
        store.label(p0, "alice", CmiLevel.L05, ScLevel.POS1, "Photograph", List.of("Text of"));
        store.label(p2, "alice", CmiLevel.L1, ScLevel.ZERO, "Map", List.of());
        store.label(p0, "alice", CmiLevel.L025, ScLevel.NEG05, "Photograph", List.of());
        store.label(p0, "bob", CmiLevel.L1, ScLevel.POS1, "Chart", List.of());

        var alice = store.latestLabels("alice");
        assertEquals(List.of("bbc:bbc002", "bbc:bbc000"), List.copyOf(alice.keySet()));
        assertEquals(CmiLevel.L025, alice.get("bbc:bbc000").cmi());
        assertEquals(List.of("Text of"), store.labels().get(0).snippets());

        // the same label as the first one again: it counts as the latest, and the store still holds it once
        store.label(p0, "alice", CmiLevel.L05, ScLevel.POS1, "Photograph", List.of("Text of"));
        assertEquals(CmiLevel.L05, store.latestLabels("alice").get("bbc:bbc000").cmi());
        assertEquals(4, store.labels().size());
        List<LabelledPairs.Labelled> exported = LabelledPairs.aggregate(store.labels(), LabelledPairs.SplitRule.CORPUS, 1, 0);
        assertEquals(2, exported.stream().filter(l -> l.pair().key().equals("bbc:bbc000")).findFirst().orElseThrow()
                .annotators());

        assertEquals(java.util.Optional.of("bbc:bbc000"), store.undoLast("alice"));
        assertEquals(CmiLevel.L025, store.latestLabels("alice").get("bbc:bbc000").cmi());
        assertEquals(java.util.Optional.of("bbc:bbc000"), store.undoLast("alice"));
        assertEquals(CmiLevel.L05, store.latestLabels("alice").get("bbc:bbc000").cmi());
        assertEquals(java.util.Optional.of("bbc:bbc002"), store.undoLast("alice"));
        assertEquals(java.util.Optional.of("bbc:bbc000"), store.undoLast("alice"));
        assertTrue(store.latestLabels("alice").isEmpty());
        assertEquals(java.util.Optional.empty(), store.undoLast("alice"));
        // bob's label is untouched by alice's undo; nothing was deleted, alice's labels are withdrawn
        assertEquals(List.of("bob"), store.labels().stream().map(AnnotationStore.Label::annotator).toList());
        assertEquals(1, store.imports().stream().filter(i -> i.sha256().equals("page:alice")).count());
    }

    @Test
    void aSchema2StoreTakesPageLabelsAndALaterImportCountsAsTheLatest() throws Exception {
        Path csv = Files.writeString(dir.resolve("labels.csv"), """
                pair_id,image_path,text,cmi,sc,image_type,annotator
                bbc:bbc004,bbc/train/bbc004.jpg,Text of bbc004.,3,2,Photograph,ann
                """);
        AnnotationFileReader levels = new AnnotationFileReader(CmiScale.LEVELS, ScScale.INTEGERS);
        store.importFile(csv, levels, null, index, false);
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + store.file());
             var s = c.createStatement()) { // as schema 2 made it
            s.execute("DROP TABLE page_actions");
            s.execute("ALTER TABLE annotations DROP COLUMN seq");
            s.execute("ALTER TABLE annotations DROP COLUMN withdrawn");
            s.execute("PRAGMA user_version = 2");
        }
        store = AnnotationStore.open(store.file());
        store.label(pair("bbc004"), "ann", CmiLevel.L0, ScLevel.NEG1, "Photograph", List.of());
        assertEquals(CmiLevel.L0, store.latestLabels("ann").get("bbc:bbc004").cmi());
        Path later = Files.writeString(dir.resolve("later.csv"), """
                pair_id,image_path,text,cmi,sc,image_type,annotator
                bbc:bbc004,bbc/train/bbc004.jpg,Text of bbc004.,4,2,Photograph,ann
                """);
        store.importFile(later, levels, null, index, false);
        assertEquals(CmiLevel.L1, store.latestLabels("ann").get("bbc:bbc004").cmi());
        assertEquals(List.of(CmiLevel.L075, CmiLevel.L0, CmiLevel.L1),
                store.labels().stream().map(AnnotationStore.Label::cmi).toList());
        assertThrows(IllegalArgumentException.class,
                () -> store.label(pair("bbc004"), " ", CmiLevel.L0, ScLevel.NEG1, "", List.of()));
    }

    @Test
    void aStoreFromANewerSchemaIsRefused() throws Exception {
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + store.file());
             var s = c.createStatement()) {
            s.execute("PRAGMA user_version = 99");
        }
        IOException e = assertThrows(IOException.class, () -> AnnotationStore.open(store.file()));
        assertTrue(e.getMessage().contains("schema 99"), e.getMessage());
    }

    @Test
    void theBodyOfARequestImportsLikeAFile() throws IOException {
        byte[] body = (bbcLine(2, 0.5, 0.0) + "\n").getBytes(StandardCharsets.UTF_8);
        AnnotationStore.ImportReport report = store.importFile(Path.of("POST /v1/annotations"), body, reader,
                AnnotationFormat.BBC_TOOL, index, false);
        assertEquals(1, report.imported());
        assertEquals(org.infogap.io.Hashes.sha256(body), report.sha256());
    }

    @Test
    void exportSplitIsSeededStableAndReadsBack() throws IOException {
        importFile(bbcFile("a.jsonl", 0, 20));
        List<LabelledPairs.Labelled> all = LabelledPairs.aggregate(store.labels(), LabelledPairs.SplitRule.HASH, 42, 0.3);
        List<LabelledPairs.Labelled> fewer = LabelledPairs.aggregate(store.labels().subList(0, 10),
                LabelledPairs.SplitRule.HASH, 42, 0.3);
        for (LabelledPairs.Labelled l : fewer) {
            Split inAll = all.stream().filter(a -> a.pair().key().equals(l.pair().key())).findFirst().orElseThrow().split();
            assertEquals(inAll, l.split(), "a pair keeps its split when other pairs are added");
        }
        long test = all.stream().filter(l -> l.split() == Split.TEST).count();
        assertTrue(test > 0 && test < 20, "test part of " + test);
        List<LabelledPairs.Labelled> otherSeed = LabelledPairs.aggregate(store.labels(), LabelledPairs.SplitRule.HASH, 7, 0.3);
        assertFalse(all.stream().map(LabelledPairs.Labelled::split).toList()
                .equals(otherSeed.stream().map(LabelledPairs.Labelled::split).toList()));
        Path out = dir.resolve("labelled.jsonl");
        LabelledPairs.write(out, all);
        List<LabelledPairs.Labelled> back = LabelledPairs.read(out);
        assertEquals(all.size(), back.size());
        for (int i = 0; i < all.size(); i++) {
            LabelledPairs.Labelled a = all.get(i);
            LabelledPairs.Labelled b = back.get(i);
            assertEquals(a.pair().key(), b.pair().key());
            assertEquals(a.pair().imagePath(), b.pair().imagePath());
            assertEquals(a.pair().sentences(), b.pair().sentences());
            assertEquals(a.pair().caption(), b.pair().caption(), "the image's caption travels with the pair");
            assertEquals(List.of(a.cmi(), a.sc(), a.split()), List.of(b.cmi(), b.sc(), b.split()));
            assertEquals(List.of(a.imageType(), a.snippets()), List.of(b.imageType(), b.snippets()));
        }
    }

    @Test
    void exportTakesTheMedianOfTheAnnotatorsLatestLabels() throws IOException {
        Path file = Files.writeString(dir.resolve("three.jsonl"), Stream.of(
                        bbcLine(0, 0.0, -1.0).replace("}", ", \"annotator\": \"a\"}"),
                        bbcLine(0, 0.5, 1.0).replace("}", ", \"annotator\": \"a\"}"),
                        bbcLine(0, 1.0, 0.5).replace("}", ", \"annotator\": \"b\"}"),
                        bbcLine(0, 0.25, 0.0).replace("}", ", \"annotator\": \"c\"}"))
                .map(s -> s + "\n").reduce("", String::concat));
        importFile(file);
        LabelledPairs.Labelled l = LabelledPairs.aggregate(store.labels(), LabelledPairs.SplitRule.CORPUS, 0, 0).get(0);
        assertEquals(3, l.annotators());
        assertEquals(CmiLevel.L05, l.cmi(), "median of 0.5 (a's latest), 1.0, 0.25");
        assertEquals(ScLevel.POS05, l.sc(), "median of 1.0, 0.5, 0.0");
    }

    @Test
    void rejectsATestFractionOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class,
                () -> LabelledPairs.aggregate(List.of(), LabelledPairs.SplitRule.HASH, 1, 1.0));
        assertEquals(20, IntStream.range(0, 20).mapToDouble(i -> LabelledPairs.unitHash(3, "k" + i))
                .filter(u -> u >= 0 && u < 1).count());
    }
}
