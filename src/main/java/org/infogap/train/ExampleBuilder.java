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
import org.infogap.model.FeatureCache;
import org.infogap.model.FeatureNorm;
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
    private final FeatureCache cache;

    public ImageEncoder encoder() {
        return encoder;
    }

    public FeatureCache cache() {
        return cache;
    }

    public ExampleBuilder(ModelConfig config, Vocabulary vocabulary, ImageEncoder encoder, FeatureCache cache) {
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
                FeatureCache.open(featureCache, encoder.id(), encoder.featureLength()));
    }

    /** Labelled pairs to standardised examples, computing missing features. */
    public List<Example> classifierExamples(List<LabelledPairs.Labelled> pairs, FeatureNorm norm) throws IOException {
        return classifierExamples(pairs, features(pairs.stream().map(LabelledPairs.Labelled::pair).toList()), norm);
    }

    /** Raw (not yet standardised) features of the pairs' images, computed where not cached. */
    public Map<Path, float[]> features(List<ImageTextPair> pairs) throws IOException {
        return encoder.features(pairs.stream().map(ImageTextPair::imagePath).toList(), cache);
    }

    /** Unlabelled examples with decoder targets (autoencoder). */
    public List<Example> autoencoderExamples(List<ImageTextPair> pairs, Map<Path, float[]> features, FeatureNorm norm) {
        ImageLoader small = new ImageLoader(config.decodedSize());
        List<Example> out = new ArrayList<>(pairs.size());
        java.util.function.Function<Path, float[]> standardised = standardiser(features, norm);
        for (ImageTextPair p : pairs) {
            float[] target = ImageTensors.unit(small.load(p.imagePath()));
            out.add(new Example(p.key(), standardised.apply(p.imagePath()), ids(p), captionIds(p), target, -1, -1));
        }
        return out;
    }

    /** Labelled examples (classifier). */
    public List<Example> classifierExamples(List<LabelledPairs.Labelled> pairs, Map<Path, float[]> features,
                                            FeatureNorm norm) {
        List<Example> out = new ArrayList<>(pairs.size());
        java.util.function.Function<Path, float[]> standardised = standardiser(features, norm);
        for (LabelledPairs.Labelled l : pairs) {
            ImageTextPair p = l.pair();
            out.add(new Example(p.key(), standardised.apply(p.imagePath()), ids(p), captionIds(p), null, l.cmi().index(),
                    l.sc().index()));
        }
        return out;
    }

    /**
     * Each image's standardised features, made once per image however many pairs share it (a grid is 200 KB, and
     * COCO's five captions share one image).
     */
    public static java.util.function.Function<Path, float[]> standardiser(Map<Path, float[]> features, FeatureNorm norm) {
        Map<Path, float[]> done = new java.util.HashMap<>();
        return image -> done.computeIfAbsent(image, i -> norm.apply(features.get(i)));
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
