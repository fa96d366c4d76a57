package org.infogap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.infogap.text.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class MainTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"generate", "vocab", "word2vec", "annotations", "annotations import", "annotations stats",
        "annotations export", "annotations agreement", "annotations coco-heuristic", "train-autoencoder", "train-classifier",
        "predict", "report", "serve", "bench", "bench encoder", "bench api", "bench train", "bench lstm", "doctor", "weights", "weights import",
        "annotate", "bench active-learning"})
    void everySubcommandHasHelp(String command) {
        List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
        args.add("--help");
        Run run = run(args.toArray(String[]::new));
        assertEquals(0, run.exit());
        assertTrue(run.out().contains("Usage: infogap " + command), run.out());
    }

    @Test
    void weightsImportChecksTheTarballsPinnedDigestBeforeReadingIt() throws Exception {
        Path tgz = dir.resolve("nsfwjs-4.4.0.tgz");
        try (var out = new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(tgz));
             var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out)) {
            byte[] pkg = "{\"name\": \"nsfwjs\", \"version\": \"4.4.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("package/package.json");
            entry.setSize(pkg.length);
            tar.putArchiveEntry(entry);
            tar.write(pkg);
            tar.closeArchiveEntry();
        }
        Path into = dir.resolve("weights-out");
        Run wrong = run("weights", "import", "--tarball", tgz.toString(), "--integrity", "sha512-AAAA", "--out", into.toString());
        assertEquals(Main.EXIT_BAD_INPUT, wrong.exit());
        assertTrue(wrong.err().contains("sha-512 mismatch") && wrong.err().contains("sha512-AAAA"), wrong.err());
        // the right digest, but no InceptionV3 inside: refused, and nothing is written
        Run empty = run("weights", "import", "--tarball", tgz.toString(), "--integrity", WeightsCommand.integrity(tgz),
                "--out", into.toString());
        assertEquals(Main.EXIT_BAD_INPUT, empty.exit());
        assertTrue(empty.err().contains("no package/dist/models/inception_v3/"), empty.err());
        assertTrue(!java.nio.file.Files.exists(into), "no half-written output folder");
        try (var left = java.nio.file.Files.list(dir)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".weights-import-")), "work folder removed");
        }
    }

    @Test
    void benchEncoderTimesBothGraphsAndComparesWithThePeer() throws Exception {
        Path peer = dir.resolve("torch.json");
        Files.writeString(peer, "{\"results\": [{\"size\": 75, \"batch\": 2, \"ms_per_image\": 1.0}]}");
        Path out = dir.resolve("bench.json");
        Run run = run("bench", "encoder", "--sizes", "75", "--batches", "2", "--seconds", "0.1", "--peer", peer.toString(),
                "--out", out.toString());
        assertEquals(0, run.exit(), run.err());
        var json = org.infogap.io.Json.mapper().readTree(out.toFile());
        assertEquals(2, json.path("results").size(), "as trained and folded");
        assertTrue(json.path("results").get(0).path("msPerItem").asDouble() > 0);
        var ratio = json.path("peer").get(0);
        assertEquals(ratio.path("dl4j_ms_per_image").asDouble(), ratio.path("ratio").asDouble(), 1e-9,
                "a peer at 1 ms/image makes the ratio the DL4J figure");
        assertEquals(2, run(("bench encoder --variants fast --seconds 0.1 --out " + out).split(" ")).exit());
    }

    @Test
    void topLevelHelpListsTheCommands() {
        Run run = run("--help");
        assertEquals(0, run.exit());
        for (String command : List.of("generate", "vocab", "word2vec")) {
            assertTrue(run.out().contains(command), run.out());
        }
    }

    @Test
    void generateThenVocabEndToEnd() throws Exception {
        Path corpus = dir.resolve("corpus");
        assertEquals(0, run("generate", "--out", corpus.toString(), "--unlabelled", "60", "--labelled", "40",
                "--image-size", "32").exit());
        Path vocab = dir.resolve("vocab.txt");
        assertEquals(0, run("vocab", "--corpus", corpus.resolve("corpus.json").toString(), "--min-count", "3",
                "--out", vocab.toString()).exit());
        Vocabulary v = Vocabulary.load(vocab);
        assertTrue(v.contains("circle") && v.contains("color") && !v.contains("colour"));
    }

    @Test
    void badInputExitsWithStatus2AndANamedFile() throws Exception {
        Path manifest = Files.writeString(dir.resolve("corpus.json"), "{\"parts\": []}");
        Run run = run("vocab", "--corpus", manifest.toString(), "--out", dir.resolve("v.txt").toString());
        assertEquals(Main.EXIT_BAD_INPUT, run.exit());
        assertTrue(run.err().contains("corpus.json") && run.err().contains("parts"), run.err());
    }

    @Test
    void annotationsImportExportAndStatsEndToEnd() throws Exception {
        Path corpus = dir.resolve("corpus");
        assertEquals(0, run("generate", "--out", corpus.toString(), "--unlabelled", "30", "--labelled", "40",
                "--image-size", "32").exit());
        String store = dir.resolve("annotations.db").toString();
        String manifest = corpus.resolve("corpus.json").toString();
        String bbc = corpus.resolve("labels/bbc_annotations.jsonl").toString();
        String wiki = corpus.resolve("labels/wiki_annotations.jsonl").toString();
        assertEquals(0, run("annotations", "import", "--store", store, "--corpus", manifest, bbc, wiki).exit());
        assertEquals(0, run("annotations", "import", "--store", store, "--corpus", manifest, bbc).exit());
        Path out = dir.resolve("labelled.jsonl");
        assertEquals(0, run("annotations", "export", "--store", store, "--out", out.toString()).exit());
        assertEquals(40, org.infogap.annotate.LabelledPairs.read(out).size());
        assertEquals(0, run("annotations", "stats", "--store", store).exit());
        assertEquals(0, run("annotations", "agreement", "--store", store, "--json").exit());

        Path unknown = Files.writeString(dir.resolve("unknown.jsonl"),
                "{\"name\": \"nope\", \"mi\": 0.5, \"sc\": 0.5, \"train\": true}\n");
        assertEquals(AnnotationsCommand.EXIT_SOME_REJECTED, run("annotations", "import", "--store", store,
                "--corpus", manifest, unknown.toString()).exit());
        Path ambiguous = Files.writeString(dir.resolve("ambiguous.jsonl"),
                "{\"name\": \"nope\", \"mi\": 1, \"sc\": 0.5, \"train\": true}\n");
        Run refused = run("annotations", "import", "--store", store, "--corpus", manifest, ambiguous.toString());
        assertEquals(Main.EXIT_BAD_INPUT, refused.exit());
        assertTrue(refused.err().contains("ambiguous.jsonl") && refused.err().contains("--cmi-scale"), refused.err());
        assertEquals(0, run("annotations", "import", "--store", store, "--corpus", manifest,
                "--cmi-scale", "legacy8", "--format", "bbc-tool", ambiguous.toString()).exit(),
                "legacy code 1 is dropped and counted, nothing rejected");
    }
}
