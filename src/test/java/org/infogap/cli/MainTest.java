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
    @ValueSource(strings = {"generate", "vocab", "word2vec"})
    void everySubcommandHasHelp(String command) {
        Run run = run(command, "--help");
        assertEquals(0, run.exit());
        assertTrue(run.out().contains("Usage: infogap " + command), run.out());
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
}
