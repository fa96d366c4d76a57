package org.infogap.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.deeplearning4j.models.word2vec.Word2Vec;
import org.infogap.data.CorpusText;
import org.infogap.text.Vocabulary;
import org.infogap.text.WordVectorTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "word2vec", mixinStandardHelpOptions = true,
        description = "Trains Word2Vec (DL4J NLP) on the training text of a corpus after the text pipeline and saves it "
            + "with WordVectorSerializer.")
final class Word2VecCommand implements Callable<Integer> {

    @Mixin
    CorpusOptions corpus;

    @Mixin
    TextOptions text;

    @Option(names = "--dim", defaultValue = "" + WordVectorTrainer.Settings.PAPER_DIMENSIONS, description = "Vector size (paper: 300). Default: ${DEFAULT-VALUE}")
    int dimensions;

    @Option(names = "--window", defaultValue = "" + WordVectorTrainer.Settings.DEFAULT_WINDOW, description = "Context window. Default: ${DEFAULT-VALUE}")
    int window;

    @Option(names = "--min-count", defaultValue = "" + Vocabulary.PAPER_MIN_COUNT,
            description = "Minimum word count. Default: ${DEFAULT-VALUE}")
    int minCount;

    @Option(names = "--epochs", defaultValue = "" + WordVectorTrainer.Settings.DEFAULT_EPOCHS, description = "Passes over the corpus. Default: ${DEFAULT-VALUE}")
    int epochs;

    @Option(names = "--seed", defaultValue = "" + WordVectorTrainer.Settings.DEFAULT_SEED, description = "Random seed. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--workers", defaultValue = "" + WordVectorTrainer.Settings.DEFAULT_WORKERS, description = "Training threads (1 = reproducible). Default: ${DEFAULT-VALUE}")
    int workers;

    @Option(names = "--cbow", description = "CBOW instead of skip-gram.")
    boolean cbow;

    @Option(names = "--out", defaultValue = "models/word2vec.zip", description = "Output file. Default: ${DEFAULT-VALUE}")
    Path out;

    @Override
    public Integer call() throws Exception {
        CorpusText corpusText = corpus.trainingText(text);
        long count;
        try (Stream<List<String>> s = corpusText.sentences()) {
            count = s.count();
        }
        WordVectorTrainer.Settings settings = new WordVectorTrainer.Settings(dimensions, window, minCount, epochs, seed,
                workers, !cbow);
        long start = System.nanoTime();
        Word2Vec vec = new WordVectorTrainer(settings).train(corpusText::sentences, count);
        WordVectorTrainer.save(vec, out);
        System.out.printf("word2vec: %d words x %d dims from %d sentences in %.1f s -> %s%n",
                vec.getVocab().numWords(), dimensions, count, (System.nanoTime() - start) / 1e9, out);
        for (String probe : List.of("red", "circle", "government")) {
            if (vec.hasWord(probe)) {
                System.out.println("  nearest to '" + probe + "': " + vec.wordsNearest(probe, 5));
            }
        }
        corpus.printSkipReport();
        return 0;
    }
}
