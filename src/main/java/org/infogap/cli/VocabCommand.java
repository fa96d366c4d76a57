package org.infogap.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.infogap.data.CorpusText;
import org.infogap.text.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "vocab", mixinStandardHelpOptions = true,
        description = "Builds the vocabulary from the training parts of a corpus: words seen at least --min-count times, "
            + "ids by descending count, <pad>=0 and <unk>=1.")
final class VocabCommand implements Callable<Integer> {

    @Mixin
    CorpusOptions corpus;

    @Mixin
    TextOptions text;

    @Option(names = "--min-count", defaultValue = "" + Vocabulary.PAPER_MIN_COUNT,
            description = "Minimum count to enter the vocabulary (paper: 10). Default: ${DEFAULT-VALUE}")
    int minCount;

    @Option(names = "--out", defaultValue = "models/vocab.txt", description = "Output file. Default: ${DEFAULT-VALUE}")
    Path out;

    @Override
    public Integer call() throws Exception {
        CorpusText corpusText = corpus.trainingText(text);
        Vocabulary.Builder builder = Vocabulary.builder();
        long sentences = 0;
        try (Stream<List<String>> stream = corpusText.sentences()) {
            for (List<String> tokens : (Iterable<List<String>>) stream::iterator) {
                builder.add(tokens);
                sentences++;
            }
        }
        Vocabulary vocabulary = builder.build(minCount);
        vocabulary.save(out);
        long known = 0;
        for (int id = 2; id < vocabulary.size(); id++) {
            known += vocabulary.count(id);
        }
        long total = known + vocabulary.count(Vocabulary.UNK_ID);
        System.out.printf("vocabulary of %d words (min count %d) from %d sentences, %.2f%% of %d tokens known -> %s%n",
                vocabulary.size(), minCount, sentences, total == 0 ? 0 : 100.0 * known / total, total, out);
        corpus.printSkipReport();
        return 0;
    }
}
