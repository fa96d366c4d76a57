package org.infogap.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.infogap.data.CmiLevel;
import org.infogap.data.CorpusManifest;
import org.infogap.data.ImageLoader;
import org.infogap.data.ImageTextPair;
import org.infogap.data.ReadOptions;
import org.infogap.data.ScLevel;
import org.infogap.data.Source;
import org.infogap.data.Split;
import org.infogap.io.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generates one small corpus and checks it through the real readers. */
class CorpusGeneratorTest {

    static final GeneratorConfig SMALL = new GeneratorConfig(7, 150, 300, 0.2, 48, false);

    @TempDir
    static Path dir;
    static Path corpus;
    static CorpusGenerator.Summary summary;

    @BeforeAll
    static void generate() throws IOException {
        corpus = dir.resolve("small");
        summary = new CorpusGenerator(SMALL).generate(corpus);
    }

    static List<JsonNode> jsonl(Path file) throws IOException {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.map(l -> {
                try {
                    return Json.mapper().readTree(l);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }).toList();
        }
    }

    @Test
    void allTenLevelsOccur() {
        assertEquals(EnumSet.allOf(CmiLevel.class), summary.cmi().keySet());
        assertEquals(EnumSet.allOf(ScLevel.class), summary.sc().keySet());
        assertEquals(300, summary.cmi().values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void realReadersReadEveryPartWithTheExpectedCounts() throws IOException {
        CorpusManifest manifest = CorpusManifest.read(corpus.resolve("corpus.json"));
        Map<Source, Long> bySource;
        try (Stream<ImageTextPair> pairs = manifest.pairs(ReadOptions.strict())) {
            bySource = pairs.collect(Collectors.groupingBy(ImageTextPair::source, Collectors.counting()));
        }
        assertEquals(50L, bySource.get(Source.COCO), "150/3 pairs = 10 images x 5 captions");
        assertEquals(50L + 150, bySource.get(Source.BBC));
        assertEquals(50L + 150, bySource.get(Source.WIKI));
        assertEquals(450, summary.pairs());
    }

    @Test
    void labelFilesAgreeWithTheRulesAndTheSplit() throws IOException {
        List<JsonNode> truth = jsonl(corpus.resolve("labels/composition.jsonl"));
        assertEquals(300, truth.size());
        Map<String, JsonNode> labels = new HashMap<>();
        for (JsonNode n : jsonl(corpus.resolve("labels/bbc_annotations.jsonl"))) {
            labels.put("bbc:" + n.get("name").asText(), n);
            assertTrue(Files.exists(corpus.resolve("bbc/" + (n.get("train").asBoolean() ? "train" : "test")
                    + "/" + n.get("name").asText() + ".html")), "train flag matches the folder");
        }
        for (JsonNode n : jsonl(corpus.resolve("labels/wiki_annotations.jsonl"))) {
            String file = n.get("name").asText().substring("/wiki/File:".length());
            labels.put("wiki:" + n.get("id").asText() + "#" + n.get("section").asText() + "#" + file, n);
            assertTrue(n.get("valid").asBoolean());
        }
        for (JsonNode t : truth) {
            JsonNode label = labels.get(t.get("pair").asText());
            assertEquals(t.get("mi").asDouble(), label.get("mi").asDouble(), t.toString());
            assertEquals(t.get("sc").asDouble(), label.get("sc").asDouble(), t.toString());
            long objects = t.get("objects").size();
            long visual = count(t, "visual");
            long contradicting = count(t, "contradiction");
            long total = t.get("sentences").size();
            Set<Integer> described = new java.util.HashSet<>();
            t.get("sentences").forEach(s -> {
                if (s.get("role").asText().equals("visual")) {
                    described.add(s.get("object").asInt());
                }
            });
            assertEquals(LabelRules.cmi(objects, described.size(), visual, total).value(), t.get("mi").asDouble());
            assertEquals(LabelRules.sc(visual, contradicting, total).value(), t.get("sc").asDouble());
            assertEquals(visual, label.get("snippets").size(), "snippets are the true visual sentences");
        }
    }

    @Test
    void readersSplitGeneratedTextIntoTheComposedSentences() throws IOException {
        Map<String, JsonNode> truth = new HashMap<>();
        for (JsonNode t : jsonl(corpus.resolve("labels/composition.jsonl"))) {
            truth.put(t.get("pair").asText(), t);
        }
        CorpusManifest manifest = CorpusManifest.read(corpus.resolve("corpus.json"));
        int checked = 0;
        try (Stream<ImageTextPair> pairs = manifest.pairs(ReadOptions.strict())) {
            for (ImageTextPair p : (Iterable<ImageTextPair>) pairs::iterator) {
                JsonNode t = truth.get(p.key());
                if (t == null) {
                    continue;
                }
                List<String> expected = new java.util.ArrayList<>();
                t.get("sentences").forEach(s -> expected.add(s.get("text").asText()));
                assertEquals(expected, p.sentences(), p.key());
                checked++;
            }
        }
        assertEquals(300, checked, "every labelled pair is found by its key");
    }

    @Test
    void testSplitIsTheConfiguredFraction() throws IOException {
        CorpusManifest manifest = CorpusManifest.read(corpus.resolve("corpus.json"));
        long test;
        try (Stream<ImageTextPair> pairs = manifest.pairs(ReadOptions.strict(), p -> p.split() == Split.TEST)) {
            test = pairs.count();
        }
        assertEquals(60, test, "20% of 150 BBC + 20% of 150 Wiki labelled pairs");
    }

    @Test
    void imagesDecodeAtTheConfiguredSize() throws IOException {
        CorpusManifest manifest = CorpusManifest.read(corpus.resolve("corpus.json"));
        ImageLoader loader = new ImageLoader(48);
        try (Stream<ImageTextPair> pairs = manifest.pairs(ReadOptions.strict())) {
            pairs.limit(40).forEach(p -> assertEquals(48, loader.decode(p.imagePath()).getWidth()));
        }
        try (Stream<Path> files = Files.list(corpus.resolve("wiki/images"))) {
            assertTrue(files.anyMatch(f -> f.toString().endsWith(".png")), "some Wiki images are PNG");
        }
    }

    @Test
    void sameSeedSameCorpus() throws IOException {
        Path again = dir.resolve("again");
        new CorpusGenerator(SMALL).generate(again);
        for (String file : List.of("labels/composition.jsonl", "labels/bbc_annotations.jsonl",
                "wiki/simplewiki_train.jsonl", "coco/annotations/captions_train.json", "bbc/train/bbc00003.html")) {
            // bytes, not strings: the BBC pages are ISO-8859-1, like the corpus they imitate
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(corpus.resolve(file)),
                    Files.readAllBytes(again.resolve(file))), file);
        }
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(corpus.resolve("bbc/train/bbc00003.jpg")),
                Files.readAllBytes(again.resolve("bbc/train/bbc00003.jpg"))));
    }

    @Test
    void regeneratingReplacesTheFolderWholesale() throws IOException {
        Path out = dir.resolve("replace");
        new CorpusGenerator(new GeneratorConfig(1, 30, 20, 0.2, 32, false)).generate(out);
        Files.writeString(out.resolve("stale.txt"), "old");
        new CorpusGenerator(new GeneratorConfig(2, 30, 20, 0.2, 32, false)).generate(out);
        assertFalse(Files.exists(out.resolve("stale.txt")));
        try (Stream<Path> siblings = Files.list(dir)) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith(".replace")),
                    "no temporary folders left");
        }
    }

    @Test
    void paperSkewFollowsTheTables() throws IOException {
        CorpusGenerator.Summary skewed = new CorpusGenerator(new GeneratorConfig(3, 0, 600, 0.2, 32, true))
                .generate(dir.resolve("skew"));
        // Table 1: CMI 0.5 is the most frequent level (466 of 826); Table 2: SC 1 (541 of 826).
        assertEquals(CmiLevel.L05, mostFrequent(skewed.cmi()));
        assertEquals(ScLevel.POS1, mostFrequent(skewed.sc()));
        // every level's count is the paper's scaled to 600 pairs, up to the rounding of its two sources' 300 each
        for (CmiLevel level : CmiLevel.values()) {
            double paper = CorpusGenerator.PAPER_CMI_COUNTS[level.index()] * 600.0 / 826;
            assertEquals(paper, skewed.cmi().getOrDefault(level, 0), 1.0, "CMI " + level + ": " + skewed.cmi());
        }
        for (ScLevel level : ScLevel.values()) {
            double paper = CorpusGenerator.PAPER_SC_COUNTS[level.index()] * 600.0 / 826;
            assertEquals(paper, skewed.sc().getOrDefault(level, 0), 1.0, "SC " + level + ": " + skewed.sc());
        }
    }

    private static <K> K mostFrequent(Map<K, Integer> counts) {
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private static long count(JsonNode truth, String role) {
        long n = 0;
        for (JsonNode s : truth.get("sentences")) {
            if (s.get("role").asText().equals(role)) {
                n++;
            }
        }
        return n;
    }

    /**
     * The default corpus is a measuring instrument: every figure in docs/ was measured on it, so a change to the
     * generator must not change it. These digests were taken before the generator learnt to draw real pictures
     * (2026-12-06) and checked against the whole corpus, images included, of the code before and after.
     */
    @Test
    void theDefaultCorpusTextsAreTheSameAsEver() throws Exception {
        Map<String, String> pinned = Map.of(
                "labels/composition.jsonl", "bdefcc6cf997580cdd309272babe0fc2c8b971b03b06c7a712efa8a08f7de3e4",
                "coco/annotations/captions_train.json", "bdeb2a2fa72a59941ab9ea289caa904049fc5bbaae9cc14d772eb5d45454da9c",
                "wiki/simplewiki_train.jsonl", "4c834baa61742304490de8f891fa45b2afd7a0a7c39f9a2473b80bfc8d0bf2df");
        for (Map.Entry<String, String> e : pinned.entrySet()) {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(corpus.resolve(e.getKey())));
            assertEquals(e.getValue(), java.util.HexFormat.of().formatHex(digest), e.getKey());
        }
    }
}
