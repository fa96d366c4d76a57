package org.infogap.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.infogap.data.CorpusManifest;
import org.infogap.data.CorpusText;
import org.infogap.data.ImageTextPair;
import org.infogap.data.ReadOptions;
import org.infogap.data.Split;
import org.infogap.model.Example;
import org.infogap.synth.CorpusGenerator;
import org.infogap.synth.GeneratorConfig;
import org.infogap.model.ImageFeatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The autoencoder's examples on disk: what an epoch reads a batch at a time instead of holding the corpus. */
class ExampleSpoolTest {

    @TempDir
    Path dir;

    /** An image's "features": its hash's characters as floats, so a read can be checked against the record's hash. */
    private static ImageFeatures of(String hash) {
        float[] f = new float[hash.length()];
        for (int i = 0; i < f.length; i++) {
            f[i] = hash.charAt(i);
        }
        return ImageFeatures.of(f);
    }

    @Test
    void examplesComeBackAsWrittenInAnyOrderAndTheFilesGoWhenClosed() throws Exception {
        Path spoolDir = dir.resolve("examples.tmp");
        Random r = new Random(4);
        List<List<int[]>> texts = new ArrayList<>();
        try (ExampleSpool.Writer w = ExampleSpool.create(spoolDir)) {
            for (int i = 0; i < 300; i++) {
                List<int[]> text = new ArrayList<>();
                for (int s = 0, n = r.nextInt(4); s < n; s++) {
                    text.add(r.ints(1 + r.nextInt(40), 0, 100_000).toArray());
                }
                texts.add(text);
                w.add("coco:" + i, "hash" + (i % 7), text, i % 2 == 0 ? List.of(new int[] {i}) : List.of(), i % 5 - 1, 3);
            }
            assertEquals(300, w.count());
            try (ExampleSpool spool = w.finish(ExampleSpoolTest::of, null)) {
                assertEquals(300, spool.size());
                List<Example> examples = spool.examples();
                for (int i : new int[] {0, 299, 17, 150}) {
                    Example e = examples.get(i);
                    assertEquals("coco:" + i, e.key());
                    assertArrayEquals(of("hash" + (i % 7)).values(), e.features());
                    assertEquals(texts.get(i).size(), e.sentences().size());
                    for (int s = 0; s < e.sentences().size(); s++) {
                        assertArrayEquals(texts.get(i).get(s), e.sentences().get(s), i + " sentence " + s);
                    }
                    assertEquals(i % 2 == 0 ? 1 : 0, e.captions().size());
                    assertEquals(i % 5 - 1, e.cmi(), "-1 (unlabelled) survives");
                    assertEquals(3, e.sc());
                    assertNull(e.target());
                }
                List<Example> reordered = spool.examples(new int[] {5, 2, 5});
                assertEquals(List.of("coco:5", "coco:2", "coco:5"), reordered.stream().map(Example::key).toList());
                assertThrows(IndexOutOfBoundsException.class, () -> spool.read(300));
                assertTrue(Files.isDirectory(spoolDir));
            }
        }
        assertFalse(Files.exists(spoolDir), "closing deletes the spool");
    }

    @Test
    void aKilledRunsSpoolIsReplacedNotReadAgain() throws Exception {
        Path spoolDir = dir.resolve("examples.tmp");
        try (ExampleSpool.Writer w = ExampleSpool.create(spoolDir)) {
            w.add("old", "h", List.of(new int[] {1}), List.of(), -1, -1);
        } // left on disk, as a killed run leaves it
        try (ExampleSpool.Writer w = ExampleSpool.create(spoolDir)) {
            w.add("new", "h", List.of(), List.of(), -1, -1);
            try (ExampleSpool spool = w.finish(ExampleSpoolTest::of, ExampleSpoolTest::of)) {
                assertEquals(1, spool.size());
                assertEquals("new", spool.examples().get(0).key());
                assertArrayEquals(of("h").values(), spool.examples().get(0).imageTarget());
            }
        }
    }

    @Test
    void tooLongASentenceIsRefusedInWords() throws Exception {
        try (ExampleSpool.Writer w = ExampleSpool.create(dir.resolve("s"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.add("k", "h", List.of(new int[70_000]), List.of(), -1, -1));
            assertTrue(e.getMessage().contains("70000 tokens"), e.getMessage());
        }
    }

    /**
     * A sample of a corpus's training pairs, taken by streaming the corpus, is the one the run took when it held
     * every pair (the first {@code max} of the shuffled list, in that order), and a spool written in the corpus's
     * order reads back in the sample's order through {@link AutoencoderTraining.Selection#slots()}.
     */
    @Test
    void aStreamedSampleIsTheSampleOfTheListAndItsSpoolReadsInItsOrder() throws Exception {
        CorpusManifest manifest = CorpusManifest.read(new CorpusGenerator(new GeneratorConfig(11, 60, 0, 0.2, 32, false))
                .generate(dir.resolve("corpus")).manifest());
        List<ImageTextPair> all;
        try (Stream<ImageTextPair> s = manifest.pairs(ReadOptions.strict(), CorpusText.split(Split.TRAIN))) {
            all = new ArrayList<>(s.toList());
        }
        Collections.shuffle(all, new Random(42));
        List<String> expected = all.subList(0, 10).stream().map(ImageTextPair::key).toList();

        AutoencoderTraining.Selection sample = AutoencoderTraining.Selection.of(manifest, Split.TRAIN, ReadOptions.strict(),
                10, 42);
        assertEquals(10, sample.size());
        String[] byPosition = new String[10];
        try (ExampleSpool.Writer w = ExampleSpool.create(dir.resolve("spool"));
             Stream<AutoencoderTraining.Selection.At> s = sample.stream()) {
            s.forEach(at -> {
                byPosition[at.position()] = at.pair().key();
                try {
                    w.add(at.pair().key(), "h", List.of(), List.of(), -1, -1);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertEquals(expected, List.of(byPosition));
            try (ExampleSpool spool = w.finish(ExampleSpoolTest::of, null)) {
                assertEquals(expected, spool.examples(sample.slots()).stream().map(Example::key).toList());
            }
        }
        AutoencoderTraining.Selection every = AutoencoderTraining.Selection.of(manifest, Split.TRAIN, ReadOptions.strict(), 0, 42);
        assertEquals(all.size(), every.size());
        assertNull(every.slots(), "all pairs: in the corpus's order");
        assertEquals(all.size(), sample.whole().size(), "the sample's whole split, without counting it again");
        assertNull(sample.whole().slots());
        try (Stream<AutoencoderTraining.Selection.At> s = sample.whole().stream()) {
            assertEquals(all.size(), s.count());
        }
    }

    /** An epoch shuffles positions now, not a copy of the examples: the order must stay what it was. */
    @Test
    void anEpochsOrderIsTheOrderThatShufflingTheExamplesGave() {
        for (int n : new int[] {1, 2, 3, 4, 5, 17, 1000}) {
            List<Integer> list = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                list.add(i);
            }
            Collections.shuffle(list, new Random(42L * 1_000_003L + 3));
            assertArrayEquals(list.stream().mapToInt(Integer::intValue).toArray(),
                    Trainer.shuffled(n, new Random(42L * 1_000_003L + 3)), "n = " + n);
        }
    }
}
