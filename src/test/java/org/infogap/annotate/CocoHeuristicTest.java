package org.infogap.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.infogap.data.CmiLevel;
import org.infogap.data.ImageTextPair;
import org.infogap.data.ScLevel;
import org.infogap.data.Source;
import org.infogap.data.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoHeuristicTest {

    @TempDir
    Path dir;

    private Stream<ImageTextPair> images() {
        return IntStream.range(0, 50).mapToObj(i -> new ImageTextPair(Source.COCO, "" + i, dir.resolve(i + ".jpg"),
                List.of("c" + i + "a", "c" + i + "b", "c" + i + "c", "c" + i + "d", "c" + i + "e"), "", Split.TRAIN));
    }

    @Test
    void samplesAreReproducibleDistinctImagesWithASubsetOfTheirCaptions() {
        List<ImageTextPair> a = CocoHeuristic.sample(images(), 10, 5);
        assertEquals(a, CocoHeuristic.sample(images(), 10, 5));
        assertNotEquals(a, CocoHeuristic.sample(images(), 10, 6));
        assertEquals(10, a.stream().map(ImageTextPair::id).distinct().count());
        for (ImageTextPair p : a) {
            assertTrue(p.sentences().size() >= 1 && p.sentences().size() <= 5);
            assertTrue(p.sentences().stream().allMatch(s -> s.startsWith("c" + p.id())), p.toString());
        }
    }

    @Test
    void samplesImportAsCmiOneScOnePhotographs() throws Exception {
        List<ImageTextPair> samples = CocoHeuristic.sample(images(), 4, 1);
        Path file = dir.resolve("coco.jsonl");
        CocoHeuristic.write(file, samples);
        AnnotationStore store = AnnotationStore.open(dir.resolve("a.db"));
        AnnotationStore.ImportReport report = store.importFile(file,
                new AnnotationFileReader(CmiScale.FRACTIONS, ScScale.FRACTIONS), AnnotationFormat.MERGED,
                new PairIndex(images(), dir), true);
        assertEquals(4, report.imported(), report.rejected().toString());
        for (AnnotationStore.Label l : store.labels()) {
            assertEquals(CmiLevel.L1, l.cmi());
            assertEquals(ScLevel.POS1, l.sc());
            assertEquals("Photograph", l.imageType());
            assertEquals(CocoHeuristic.ANNOTATOR, l.annotator());
        }
    }
}
