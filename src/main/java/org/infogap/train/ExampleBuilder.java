package org.infogap.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.models.word2vec.Word2Vec;
import org.infogap.annotate.LabelledPairs;
import org.infogap.data.ImageLoader;
import org.infogap.data.ImageTextPair;
import org.infogap.model.Example;
import org.infogap.store.FeatureStore;
import org.infogap.model.FeatureNorm;
import org.infogap.model.ImageFeatures;
import org.infogap.model.ImageEncoder;
import org.infogap.model.ImageTensors;
import org.infogap.model.ModelConfig;
import org.infogap.text.CaptionPhrases;
import org.infogap.text.TextLimits;
import org.infogap.text.TextPipeline;
import org.infogap.text.Vocabulary;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Pairs to {@link Example}s: sentences through the text pipeline (British spellings mapped for BBC
 * text) and the vocabulary, images through the cached {@link ImageEncoder} and, for the autoencoder,
 * resized to the image decoder's output size.
 */
public final class ExampleBuilder {

    private final ModelConfig config;
    private final Vocabulary vocabulary;
    private final TextPipeline pipeline;
    private final ImageEncoder encoder;
    private final FeatureStore cache;
    private FeatureStore targets;

    public ImageEncoder encoder() {
        return encoder;
    }

    public FeatureStore cache() {
        return cache;
    }

    public ExampleBuilder(ModelConfig config, Vocabulary vocabulary, ImageEncoder encoder, FeatureStore cache) {
        this.config = config;
        this.vocabulary = vocabulary;
        this.pipeline = new TextPipeline(new TextLimits(config.text().maxSentences(), config.text().maxTokens()));
        this.encoder = encoder;
        this.cache = cache;
    }

    /**
     * The builder a trained bundle needs: its configuration and vocabulary, and an image encoder that
     * must produce the same features as the one it was trained on (same weights, size and seed).
     */
    public static ExampleBuilder forBundle(org.infogap.model.ModelBundle bundle, Path inceptionWeights, Path featureCache)
            throws IOException {
        ModelConfig c = bundle.config();
        ImageEncoder encoder = ImageEncoder.forBundle(bundle, inceptionWeights);
        return new ExampleBuilder(c, bundle.vocabulary(), encoder,
                FeatureStore.open(featureCache, encoder.id(), encoder.featureLength()));
    }

    /** Labelled pairs to standardised examples, computing missing features; the features stay on disk. */
    public List<Example> classifierExamples(List<LabelledPairs.Labelled> pairs, FeatureNorm norm) throws IOException {
        return classifierExamples(pairs, featurePass(pairs.stream().map(LabelledPairs.Labelled::pair).toList()), norm);
    }

    /**
     * The feature pass: computes and stores the features of the pairs' images that the store lacks (a killed pass
     * resumes where it stopped) and returns each image's content hash. It holds no image's features.
     */
    public Map<Path, String> featurePass(List<ImageTextPair> pairs) throws IOException {
        return encoder.ensure(pairs.stream().map(ImageTextPair::imagePath).toList(), cache);
    }

    /** Raw (not yet standardised) features of the pairs' images, in memory (for a test split's few hundred). */
    public Map<Path, float[]> features(List<ImageTextPair> pairs) throws IOException {
        return encoder.features(pairs.stream().map(ImageTextPair::imagePath).toList(), cache);
    }

    /** Per-dimension statistics of the images of {@code hashes} (repeats count again), read one at a time. */
    public FeatureNorm estimateNorm(List<String> hashes) {
        FeatureNorm.Estimator estimator = new FeatureNorm.Estimator(cache.dimensions());
        for (String hash : hashes) {
            estimator.add(cache.get(hash).orElseThrow(() -> new IllegalStateException(cache.file() + ": no record of " + hash)));
        }
        return estimator.result();
    }

    /**
     * Unlabelled examples with decoder targets (autoencoder); features and targets stay on disk and are read when a
     * batch needs them. The targets (each image at the decoder's size) are computed into their own store first.
     */
    public List<Example> autoencoderExamples(List<ImageTextPair> pairs, Map<Path, String> hashes, FeatureNorm norm)
            throws IOException {
        Targets targets = new Targets();
        for (ImageTextPair p : pairs) {
            targets.ensure(p, hashes.get(p.imagePath()));
        }
        targets.store.flush();
        List<Example> out = new ArrayList<>(pairs.size());
        for (ImageTextPair p : pairs) {
            String hash = hashes.get(p.imagePath());
            out.add(new Example(p.key(), ImageFeatures.stored(cache, hash, norm), ids(p), captionIds(p),
                    ImageFeatures.stored(targets.store, hash, null), -1, -1));
        }
        return out;
    }

    /**
     * Autoencoder examples written to {@code writer} one pair at a time ({@link ExampleSpool}), each image's decoder
     * target computed into its store on the way: what a corpus too large to hold as examples trains from.
     */
    public Spooling spooling(ExampleSpool.Writer writer) throws IOException {
        return new Spooling(writer, new Targets());
    }

    /** Pairs in, spooled examples out; {@link #finish} opens the spool. */
    public final class Spooling {
        private final ExampleSpool.Writer writer;
        private final Targets targets;

        private Spooling(ExampleSpool.Writer writer, Targets targets) {
            this.writer = writer;
            this.targets = targets;
        }

        /** Spools the pair whose image has content hash {@code hash} (already in the feature store). */
        public void add(ImageTextPair p, String hash) {
            try {
                targets.ensure(p, hash);
                writer.add(p.key(), hash, ids(p), captionIds(p), -1, -1);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(p.key() + ": could not be spooled", e);
            }
        }

        /** The spool, its examples' features standardised by {@code norm}. */
        public ExampleSpool finish(FeatureNorm norm) throws IOException {
            targets.store.flush();
            FeatureStore store = targets.store;
            return writer.finish(h -> ImageFeatures.stored(cache, h, norm), h -> ImageFeatures.stored(store, h, null));
        }
    }

    /** Each image at the decoder's size, computed once into its own store (a killed run keeps what it stored). */
    private final class Targets {
        private final ImageLoader small = new ImageLoader(config.decodedSize());
        private final FeatureStore store;

        Targets() throws IOException {
            this.store = targets();
        }

        void ensure(ImageTextPair p, String hash) throws IOException {
            if (!store.contains(hash)) { // one lookup, no record read (COCO's five captions share one image)
                store.put(hash, ImageTensors.unit(small.load(p.imagePath())));
                if (store.pendingCount() >= 512) {
                    store.flush();
                }
            }
        }
    }

    /** Labelled examples (classifier), their features read from the store when a batch needs them. */
    public List<Example> classifierExamples(List<LabelledPairs.Labelled> pairs, Map<Path, String> hashes, FeatureNorm norm) {
        List<Example> out = new ArrayList<>(pairs.size());
        for (LabelledPairs.Labelled l : pairs) {
            ImageTextPair p = l.pair();
            out.add(new Example(p.key(), ImageFeatures.stored(cache, hashes.get(p.imagePath()), norm), ids(p),
                    captionIds(p), null, l.cmi().index(), l.sc().index()));
        }
        return out;
    }

    /** Labelled examples of features given in memory (a precision or shuffling experiment's). */
    public List<Example> inMemoryExamples(List<LabelledPairs.Labelled> pairs, Map<Path, float[]> features, FeatureNorm norm) {
        List<Example> out = new ArrayList<>(pairs.size());
        Map<Path, float[]> done = new java.util.HashMap<>(); // once per image, however many pairs share it
        for (LabelledPairs.Labelled l : pairs) {
            ImageTextPair p = l.pair();
            out.add(new Example(p.key(), done.computeIfAbsent(p.imagePath(), i -> norm.apply(features.get(i))), ids(p),
                    captionIds(p), null, l.cmi().index(), l.sc().index()));
        }
        return out;
    }

    /** The store of decoder targets: each image at the decoder's size, by the same content hash as its features. */
    private FeatureStore targets() throws IOException {
        if (targets == null) {
            int r = config.decodedSize();
            targets = FeatureStore.open(cache.dir().getParent(), "decoder-target-" + r + "px", 3 * r * r);
        }
        return targets;
    }

    /**
     * Vocabulary ids of the object phrases of the pair's image captions ({@link CaptionPhrases}): a COCO pair's
     * text is a caption, other sources may carry one beside the text; empty unless the config's match head learns
     * from captions.
     */
    public List<int[]> captionIds(ImageTextPair p) {
        if (!config.matchCaptions()) {
            return List.of();
        }
        List<String> captions = p.source() == org.infogap.data.Source.COCO ? p.sentences()
                : p.caption().isBlank() ? List.of() : List.of(p.caption());
        List<String> phrases = new ArrayList<>();
        captions.forEach(caption -> phrases.addAll(CaptionPhrases.split(caption)));
        return ids(phrases, p.source().britishEnglish());
    }

    /** Vocabulary ids of the pair's text, per sentence. */
    public List<int[]> ids(ImageTextPair p) {
        return ids(p.sentences(), p.source().britishEnglish());
    }

    /** Vocabulary ids of sentences, British spellings mapped to American ones when asked. */
    public List<int[]> ids(List<String> text, boolean americanize) {
        List<int[]> sentences = new ArrayList<>();
        for (List<String> tokens : pipeline.process(text, americanize)) {
            sentences.add(tokens.stream().mapToInt(vocabulary::id).toArray());
        }
        return sentences;
    }

    /**
     * The word-vector matrix of a vocabulary: row i is Word2Vec's vector for word i; {@code <pad>} is
     * zero; words Word2Vec does not know (it has its own minimum count) get small random vectors.
     */
    public static INDArray wordVectors(Vocabulary vocabulary, Word2Vec word2vec, ModelConfig c) {
        int dim = word2vec.getLayerSize();
        INDArray m = Nd4j.zeros(DataType.FLOAT, vocabulary.size(), dim);
        java.util.Random random = new java.util.Random(c.training().seed());
        for (int id = 1; id < vocabulary.size(); id++) {
            String w = vocabulary.word(id);
            if (word2vec.hasWord(w)) {
                m.putRow(id, word2vec.getWordVectorMatrix(w).castTo(DataType.FLOAT).reshape(dim));
            } else {
                for (int d = 0; d < dim; d++) {
                    m.putScalar(id, d, (random.nextFloat() - 0.5f) * 0.1f);
                }
            }
        }
        return org.infogap.model.WordWhitening.apply(m, c);
    }
}
