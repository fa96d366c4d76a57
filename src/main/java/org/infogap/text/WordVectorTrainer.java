package org.infogap.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.deeplearning4j.models.embeddings.learning.impl.elements.CBOW;
import org.deeplearning4j.models.embeddings.learning.impl.elements.SkipGram;
import org.deeplearning4j.models.embeddings.loader.WordVectorSerializer;
import org.deeplearning4j.models.word2vec.VocabWord;
import org.deeplearning4j.models.word2vec.Word2Vec;
import org.deeplearning4j.text.sentenceiterator.SentencePreProcessor;
import org.deeplearning4j.text.sentenceiterator.SentenceIterator;
import org.deeplearning4j.text.tokenization.tokenizerfactory.DefaultTokenizerFactory;
import org.infogap.io.AtomicFiles;

/**
 * Trains the word vectors that initialise the model's 300-d word embeddings (paper, section 4.1)
 * with DL4J NLP's {@link Word2Vec} on already tokenised sentences, showing progress over all passes.
 */
public final class WordVectorTrainer {

    /**
     * Word2Vec hyperparameters.
     *
     * @param dimensions vector size (paper: 300)
     * @param window     context words on each side
     * @param minCount   words seen fewer times get no vector (paper's vocabulary threshold: 10)
     * @param epochs     passes over the corpus
     * @param seed       random seed
     * @param workers    training threads; 1 gives reproducible vectors
     * @param skipGram   skip-gram (default) or CBOW
     */
    public record Settings(int dimensions, int window, int minCount, int epochs, long seed, int workers,
                           boolean skipGram) {

        /** Paper, section 4.1: 300-d word vectors. */
        public static final int PAPER_DIMENSIONS = 300;
        public static final int DEFAULT_WINDOW = 5;
        public static final int DEFAULT_EPOCHS = 5;
        public static final long DEFAULT_SEED = 42;
        public static final int DEFAULT_WORKERS = 2;
        public static final Settings DEFAULT = new Settings(PAPER_DIMENSIONS, DEFAULT_WINDOW, Vocabulary.PAPER_MIN_COUNT,
                DEFAULT_EPOCHS, DEFAULT_SEED, DEFAULT_WORKERS, true);

        public Settings {
            if (dimensions < 1 || window < 1 || minCount < 1 || epochs < 1 || workers < 1) {
                throw new IllegalArgumentException("word2vec settings must be positive: " + this);
            }
        }
    }

    private final Settings settings;

    public WordVectorTrainer(Settings settings) {
        this.settings = settings;
    }

    /**
     * @param sentences     opens a fresh stream of token lists each time it is called (one per pass)
     * @param sentenceCount sentences per pass, for the progress bar
     */
    public Word2Vec train(Supplier<Stream<List<String>>> sentences, long sentenceCount) {
        // One pass builds the vocabulary, then one pass per epoch.
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("word2vec")
                .setInitialMax(sentenceCount * (settings.epochs() + 1)).setUnit(" sent", 1).showSpeed().build()) {
            Word2Vec vec = new Word2Vec.Builder()
                    .layerSize(settings.dimensions())
                    .windowSize(settings.window())
                    .minWordFrequency(settings.minCount())
                    .epochs(settings.epochs())
                    .iterations(1)
                    .seed(settings.seed())
                    .workers(settings.workers())
                    .elementsLearningAlgorithm(settings.skipGram() ? new SkipGram<VocabWord>() : new CBOW<VocabWord>())
                    .iterate(new StreamSentenceIterator(sentences, bar))
                    .tokenizerFactory(new DefaultTokenizerFactory())
                    .build();
            vec.fit();
            return vec;
        }
    }

    /** Saves in DL4J's full Word2Vec format, atomically. */
    public static void save(Word2Vec vec, Path file) throws IOException {
        AtomicFiles.writeVia(file, temp -> WordVectorSerializer.writeWord2VecModel(vec, temp.toFile()));
    }

    public static Word2Vec load(Path file) {
        return WordVectorSerializer.readWord2VecModel(file.toFile());
    }

    /** Feeds token lists to DL4J as space-joined sentences; each reset opens a new pass. */
    private static final class StreamSentenceIterator implements SentenceIterator {
        private final Supplier<Stream<List<String>>> source;
        private final ProgressBar bar;
        private Stream<List<String>> stream;
        private Iterator<List<String>> it;
        private SentencePreProcessor preProcessor;

        StreamSentenceIterator(Supplier<Stream<List<String>>> source, ProgressBar bar) {
            this.source = source;
            this.bar = bar;
        }

        private Iterator<List<String>> it() {
            if (it == null) {
                stream = source.get();
                it = stream.iterator();
            }
            return it;
        }

        @Override
        public synchronized String nextSentence() {
            String sentence = String.join(" ", it().next());
            bar.step();
            return preProcessor == null ? sentence : preProcessor.preProcess(sentence);
        }

        @Override
        public synchronized boolean hasNext() {
            return it().hasNext();
        }

        @Override
        public synchronized void reset() {
            finish();
        }

        @Override
        public synchronized void finish() {
            if (stream != null) {
                stream.close();
            }
            stream = null;
            it = null;
        }

        @Override
        public SentencePreProcessor getPreProcessor() {
            return preProcessor;
        }

        @Override
        public void setPreProcessor(SentencePreProcessor preProcessor) {
            this.preProcessor = preProcessor;
        }
    }
}
