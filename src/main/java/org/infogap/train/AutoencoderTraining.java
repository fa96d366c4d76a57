package org.infogap.train;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.infogap.data.CorpusManifest;
import org.infogap.data.CorpusText;
import org.infogap.data.ImageTextPair;
import org.infogap.data.ReadOptions;
import org.infogap.data.Split;
import org.infogap.model.Autoencoder;
import org.infogap.model.Example;
import org.infogap.store.FeatureStore;
import org.infogap.model.FeatureNorm;
import org.infogap.model.ImageFeatures;
import org.infogap.model.Feeds;
import org.infogap.model.ImageEncoder;
import org.infogap.model.ImageTuner;
import org.infogap.model.MatchHead;
import org.infogap.model.Matcher;
import org.infogap.model.ModelBundle;
import org.infogap.model.ModelConfig;
import org.infogap.model.Network;
import org.infogap.text.Vocabulary;
import org.infogap.text.WordVectorTrainer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unsupervised stage on a corpus: its training part trains, up to {@code maxValidation} pairs of
 * its test part validate (image and text loss, text perplexity). Image features come from the frozen
 * image encoder through the feature cache.
 */
public final class AutoencoderTraining {

    private static final Logger LOG = LoggerFactory.getLogger(AutoencoderTraining.class);

    /** Inputs of a run. {@code maxPairs} 0 = all training pairs, else a seeded random sample of them. */
    public record Options(Path manifest, Path vocabulary, Path word2vec, ModelConfig config, Path inceptionWeights,
                          Path featureCache, Path out, boolean resume, int maxPairs, int maxValidation,
                          ReadOptions readOptions) {
    }

    private AutoencoderTraining() {
    }

    public static ArrayNode run(Options o) throws IOException {
        ModelConfig c = o.config();
        CorpusManifest manifest = CorpusManifest.read(o.manifest());
        List<ImageTextPair> train = pairs(manifest, Split.TRAIN, o.readOptions(), o.maxPairs(), c.training().seed());
        List<ImageTextPair> validation = pairs(manifest, Split.TEST, o.readOptions(), o.maxValidation(), c.training().seed());
        if (train.isEmpty()) {
            throw new IllegalArgumentException(o.manifest() + ": the corpus has no training pairs");
        }
        Vocabulary vocabulary = Vocabulary.load(o.vocabulary());
        INDArray wordVectors = ExampleBuilder.wordVectors(vocabulary, WordVectorTrainer.load(o.word2vec()), c);
        if (wordVectors.columns() != c.text().wordDim()) {
            throw new IllegalArgumentException(o.word2vec() + " has " + wordVectors.columns() + "-d vectors, the config "
                    + "says wordDim " + c.text().wordDim());
        }
        ImageEncoder encoder = ImageEncoder.create(c, o.inceptionWeights());
        FeatureStore cache = FeatureStore.open(o.featureCache(), encoder.id(), encoder.featureLength());
        ExampleBuilder builder = new ExampleBuilder(c, vocabulary, encoder, cache);
        LOG.info("autoencoder: {} training and {} validation pairs; image features from {} ({} cached)", train.size(),
                validation.size(), encoder.provenance(), cache.size());
        List<ImageTextPair> all = new ArrayList<>(train);
        all.addAll(validation);
        Map<Path, String> hashes = builder.featurePass(all);
        Map<Path, String> trainImages = new LinkedHashMap<>();
        train.forEach(p -> trainImages.put(p.imagePath(), hashes.get(p.imagePath())));
        FeatureNorm norm = builder.estimateNorm(List.copyOf(trainImages.values()));
        List<Example> trainExamples = builder.autoencoderExamples(train, hashes, norm);
        List<Example> valExamples = builder.autoencoderExamples(validation, hashes, norm);

        Autoencoder net = Autoencoder.create(c, wordVectors);
        if (c.fineTuneImage()) {
            net.attach(ImageTuner.create(c, o.inceptionWeights(), null, norm, imageFiles(all)));
            LOG.info("autoencoder: InceptionV3 ({} parameters) trained end to end: every step decodes and encodes its images",
                    net.imageTuner().parameterCount());
        }
        if (c.matching() && c.matchHead().warmupEpochs() > 0 && !(o.resume() && java.nio.file.Files.exists(o.out().resolve(Trainer.LAST)))) {
            net.setParameters(warmUpMatchHead(o, manifest, builder, vocabulary, wordVectors, norm, validation));
        }
        LOG.info("autoencoder: {} parameters, config {}", net.parameterCount(), c);
        ObjectNode provenance = org.infogap.io.Json.mapper().createObjectNode()
                .put("corpus", o.manifest().toString()).put("training_pairs", train.size())
                .put("validation_pairs", validation.size()).put("image_encoder", encoder.provenance())
                .put("image_trained_end_to_end", c.fineTuneImage())
                .put("inception_weights", o.inceptionWeights() == null ? null : o.inceptionWeights().toString())
                .set("image_weights", encoder.weights());
        provenance.put("word2vec", o.word2vec().toString()).put("vocabulary_size", vocabulary.size())
                .put("created", Instant.now().toString());
        Trainer trainer = new Trainer(net, (batch, random) -> Feeds.autoencoder(batch, net, random),
                n -> validate(n, valExamples.isEmpty() ? trainExamples : valExamples), Autoencoder.LOSS, false,
                state -> {
                    state.set("provenance", provenance);
                    Map<String, INDArray> params = net.parameters();
                    return new ModelBundle(ModelBundle.AUTOENCODER, c, vocabulary, wordVectors, norm,
                            imageEncoderId(c, encoder.id(), params), state, params);
                });
        return trainer.run(trainExamples, c.training().aeEpochs(), o.out(), o.resume());
    }

    /**
     * The match head's warm-up ({@link MatchHead.Settings#warmupEpochs()}): a {@link Matcher} trained on the caption phrases
     * of every training pair that has captions (not only the autoencoder's sample), validated on the validation
     * pairs' captions, checkpointed under {@code OUT/matcher/} (resumable); returns its best parameters, without
     * optimiser state, for the autoencoder to start from.
     */
    private static Map<String, INDArray> warmUpMatchHead(Options o, CorpusManifest manifest, ExampleBuilder builder,
                                                         Vocabulary vocabulary, INDArray wordVectors, FeatureNorm norm,
                                                         List<ImageTextPair> validation) throws IOException {
        ModelConfig c = o.config();
        List<Example> train = captionExamples(builder, pairs(manifest, Split.TRAIN, o.readOptions(), 0, c.training().seed()), norm);
        List<Example> val = captionExamples(builder, validation, norm);
        LOG.info("match head warm-up: {} epochs on the captions of {} training pairs ({} validation)", c.matchHead().warmupEpochs(),
                train.size(), val.size());
        Matcher matcher = Matcher.create(c, wordVectors);
        Path dir = o.out().resolve("matcher");
        Trainer trainer = new Trainer(matcher, (batch, random) -> Feeds.matcher(batch, matcher, random),
                n -> meanLosses(n, val.isEmpty() ? train : val, Feeds::matcher), MatchHead.LOSS, false,
                state -> new ModelBundle(ModelBundle.MATCHER, c, vocabulary, wordVectors, norm, builder.encoder().id(), state,
                        matcher.parameters()));
        trainer.run(train, c.matchHead().warmupEpochs(), dir, o.resume());
        Map<String, INDArray> params = new LinkedHashMap<>(ModelBundle.load(dir.resolve(Trainer.BEST)).parameters());
        params.keySet().removeIf(name -> name.startsWith(Network.OPTIMIZER)); // the autoencoder's optimiser starts afresh
        return params;
    }

    /** Examples of the pairs that have captions: the image and its caption phrases, no text. */
    private static List<Example> captionExamples(ExampleBuilder builder, List<ImageTextPair> pairs, FeatureNorm norm)
            throws IOException {
        Map<ImageTextPair, List<int[]>> captioned = new LinkedHashMap<>();
        for (ImageTextPair p : pairs) {
            List<int[]> phrases = builder.captionIds(p);
            if (!phrases.isEmpty()) {
                captioned.put(p, phrases);
            }
        }
        Map<Path, String> hashes = builder.featurePass(List.copyOf(captioned.keySet()));
        List<Example> out = new ArrayList<>(captioned.size());
        captioned.forEach((p, phrases) -> out.add(new Example(p.key(),
                ImageFeatures.stored(builder.cache(), hashes.get(p.imagePath()), norm), List.of(), phrases, null, -1, -1)));
        return out;
    }

    /** Each pair's image file by key: what an {@link ImageTuner} reads. */
    public static Map<String, Path> imageFiles(List<ImageTextPair> pairs) {
        Map<String, Path> files = new LinkedHashMap<>();
        pairs.forEach(p -> files.put(p.key(), p.imagePath()));
        return files;
    }

    /** The id of the features a bundle's network expects: the tuned InceptionV3's, when it carries one. */
    static String imageEncoderId(ModelConfig c, String fixedId, Map<String, INDArray> params) {
        INDArray tuned = params.get(ImageTuner.PARAMS);
        return tuned == null ? fixedId : ImageEncoder.tunedId(c.image().size(), tuned,
                org.infogap.model.ImageWeights.Input.ofEncoderId(fixedId));
    }

    /** Mean losses over {@code examples} (no dropout), and text perplexity exp(text cross-entropy). */
    static Map<String, Double> validate(Network net, List<Example> examples) {
        Map<String, Double> out = meanLosses(net, examples, Feeds::autoencoder);
        out.put("text_perplexity", Math.exp(out.get(Autoencoder.TEXT_LOSS)));
        return out;
    }

    /** Mean losses over {@code examples} in batches of twice the training batch, no dropout. */
    static Map<String, Double> meanLosses(Network net, List<Example> examples,
                                          Feeds.Maker feeds) {
        Map<String, Double> sums = new LinkedHashMap<>();
        int batch = net.config().training().batchSize() * 2;
        for (int from = 0; from < examples.size(); from += batch) {
            List<Example> part = examples.subList(from, Math.min(examples.size(), from + batch));
            net.losses(feeds.feed(part, net, null)).forEach((k, v) -> sums.merge(k, v * part.size(), Double::sum));
        }
        Map<String, Double> out = new LinkedHashMap<>();
        sums.forEach((k, v) -> out.put(k, v / examples.size()));
        return out;
    }

    /** The split's pairs; at most {@code max} (0: all), drawn at random (seeded) from every part. */
    private static List<ImageTextPair> pairs(CorpusManifest manifest, Split split, ReadOptions options, int max, long seed) {
        List<ImageTextPair> all;
        try (Stream<ImageTextPair> s = manifest.pairs(options, CorpusText.split(split))) {
            all = new ArrayList<>(s.toList());
        }
        if (max <= 0 || all.size() <= max) {
            return all;
        }
        java.util.Collections.shuffle(all, new java.util.Random(seed));
        return List.copyOf(all.subList(0, max));
    }
}
