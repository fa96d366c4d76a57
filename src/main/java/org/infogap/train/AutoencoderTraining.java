package org.infogap.train;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /**
     * Trains the autoencoder. The training pairs are read from the corpus in passes (count and sample, the feature
     * pass, the examples), never all held at once: their examples are spooled to {@code OUT/examples.tmp/}
     * ({@link ExampleSpool}) and an epoch reads them a batch at a time. Held in memory: an int per pair (the
     * sample's and the epoch's orders) and, while preparing, a content hash per image; the validation pairs (at
     * most {@code maxValidation}) as examples.
     */
    public static ArrayNode run(Options o) throws IOException {
        ModelConfig c = o.config();
        CorpusManifest manifest = CorpusManifest.read(o.manifest());
        Selection train = Selection.of(manifest, Split.TRAIN, o.readOptions(), o.maxPairs(), c.training().seed());
        List<ImageTextPair> validation = pairs(manifest, Split.TEST, o.readOptions(), o.maxValidation(), c.training().seed());
        if (train.size() == 0) {
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
        // the feature pass over each image once, in the sample's order of first use (which the norm's sums follow)
        Map<Path, Integer> firstUse = new LinkedHashMap<>();
        try (Stream<Selection.At> s = train.stream()) {
            s.forEach(at -> firstUse.merge(at.pair().imagePath(), at.position(), Math::min));
        }
        List<Path> trainImages = new ArrayList<>(firstUse.keySet());
        trainImages.sort(java.util.Comparator.comparing(firstUse::get));
        firstUse.clear();
        List<Path> images = new ArrayList<>(trainImages);
        validation.forEach(p -> images.add(p.imagePath()));
        Map<Path, String> hashes = encoder.ensure(images, cache);
        images.clear();
        FeatureNorm norm = builder.estimateNorm(trainImages.stream().map(hashes::get).toList());
        trainImages.clear();
        Map<String, Path> files = c.fineTuneImage() ? new LinkedHashMap<>() : null;
        ExampleSpool spool;
        try (ExampleSpool.Writer writer = ExampleSpool.create(o.out().resolve("examples.tmp"));
             Stream<Selection.At> s = train.stream()) {
            ExampleBuilder.Spooling spooling = builder.spooling(writer);
            s.forEach(at -> {
                spooling.add(at.pair(), hashes.get(at.pair().imagePath()));
                if (files != null) {
                    files.put(at.pair().key(), at.pair().imagePath());
                }
            });
            spool = spooling.finish(norm);
        }
        List<Example> valExamples = builder.autoencoderExamples(validation, hashes, norm);
        hashes.clear();
        List<Example> trainExamples = spool.examples(train.slots());

        try (spool) {
            Autoencoder net = Autoencoder.create(c, wordVectors);
            if (c.fineTuneImage()) {
                validation.forEach(p -> files.put(p.key(), p.imagePath()));
                net.attach(ImageTuner.create(c, o.inceptionWeights(), null, norm, files));
                LOG.info("autoencoder: InceptionV3 ({} parameters) trained end to end: every step decodes and encodes its images",
                        net.imageTuner().parameterCount());
            }
            if (c.matching() && c.matchHead().warmupEpochs() > 0
                    && !(o.resume() && java.nio.file.Files.exists(o.out().resolve(Trainer.LAST)))) {
                net.setParameters(warmUpMatchHead(o, train.whole(), builder, vocabulary, wordVectors, norm, validation));
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
                    n -> validate(n, valExamples.isEmpty() ? trainExamples : valExamples), Autoencoder.RECONSTRUCTION_LOSS, false,
                    state -> {
                        state.set("provenance", provenance);
                        Map<String, INDArray> params = net.parameters();
                        return new ModelBundle(ModelBundle.AUTOENCODER, c, vocabulary, wordVectors, norm,
                                imageEncoderId(c, encoder.id(), params), state, params);
                    });
            return trainer.run(trainExamples, c.training().aeEpochs(), o.out(), o.resume());
        }
    }

    /**
     * The match head's warm-up ({@link MatchHead.Settings#warmupEpochs()}): a {@link Matcher} trained on the caption phrases
     * of every training pair that has captions (not only the autoencoder's sample), validated on the validation
     * pairs' captions, checkpointed under {@code OUT/matcher/} (resumable); returns its best parameters, without
     * optimiser state, for the autoencoder to start from. Its examples are spooled as the autoencoder's are.
     */
    private static Map<String, INDArray> warmUpMatchHead(Options o, Selection all, ExampleBuilder builder,
                                                         Vocabulary vocabulary, INDArray wordVectors, FeatureNorm norm,
                                                         List<ImageTextPair> validation) throws IOException {
        ModelConfig c = o.config();
        Map<Path, String> hashes;
        Set<Path> captioned = new LinkedHashSet<>();
        try (Stream<Selection.At> s = all.stream()) {
            s.forEach(at -> {
                if (!builder.captionIds(at.pair()).isEmpty()) {
                    captioned.add(at.pair().imagePath());
                }
            });
        }
        hashes = builder.encoder().ensure(List.copyOf(captioned), builder.cache());
        captioned.clear();
        try (ExampleSpool.Writer writer = ExampleSpool.create(o.out().resolve("matcher-examples.tmp"));
             Stream<Selection.At> s = all.stream()) {
            s.forEach(at -> {
                List<int[]> phrases = builder.captionIds(at.pair());
                if (!phrases.isEmpty()) {
                    try {
                        writer.add(at.pair().key(), hashes.get(at.pair().imagePath()), List.of(), phrases, -1, -1);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            hashes.clear();
            try (ExampleSpool spool = writer.finish(h -> ImageFeatures.stored(builder.cache(), h, norm), null)) {
                List<Example> train = spool.examples();
                List<Example> val = captionExamples(builder, validation, norm);
                LOG.info("match head warm-up: {} epochs on the captions of {} training pairs ({} validation)",
                        c.matchHead().warmupEpochs(), train.size(), val.size());
                Matcher matcher = Matcher.create(c, wordVectors);
                Path dir = o.out().resolve("matcher");
                Trainer trainer = new Trainer(matcher, (batch, random) -> Feeds.matcher(batch, matcher, random),
                        n -> meanLosses(n, val.isEmpty() ? train : val, Feeds::matcher), MatchHead.LOSS, false,
                        state -> new ModelBundle(ModelBundle.MATCHER, c, vocabulary, wordVectors, norm, builder.encoder().id(),
                                state, matcher.parameters()));
                trainer.run(train, c.matchHead().warmupEpochs(), dir, o.resume());
            }
        }
        Map<String, INDArray> params = new LinkedHashMap<>(ModelBundle.load(o.out().resolve("matcher").resolve(Trainer.BEST))
                .parameters());
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
        out.put(Autoencoder.RECONSTRUCTION_LOSS, out.get(Autoencoder.IMAGE_LOSS) + out.get(Autoencoder.TEXT_LOSS));
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
        Selection selection = Selection.of(manifest, split, options, max, seed);
        ImageTextPair[] out = new ImageTextPair[selection.size()];
        try (Stream<Selection.At> s = selection.stream()) {
            s.forEach(at -> out[at.position()] = at.pair());
        }
        return List.of(out);
    }

    /**
     * Which of a split's pairs a run takes, without holding them: all, in the corpus's order, or a seeded sample of
     * {@code max} in the order the sample drew them (as a shuffled list's first {@code max} would be). Read by
     * streaming the corpus again ({@link #stream}); {@link #slots} maps the sample's order to the corpus order in
     * which a pass meets its pairs.
     */
    record Selection(CorpusManifest manifest, Split split, ReadOptions options, int total, int[] sample) {

        /** A selected pair: its place in the selection's order, and the pair. */
        record At(int position, ImageTextPair pair) {
        }

        static Selection of(CorpusManifest manifest, Split split, ReadOptions options, int max, long seed) {
            int total;
            try (Stream<ImageTextPair> s = manifest.pairs(options, CorpusText.split(split))) {
                total = Math.toIntExact(s.count());
            }
            if (max <= 0 || total <= max) {
                return new Selection(manifest, split, options, total, null);
            }
            return new Selection(manifest, split, options, total,
                    java.util.Arrays.copyOf(Trainer.shuffled(total, new java.util.Random(seed)), max));
        }

        int size() {
            return sample == null ? total : sample.length;
        }

        /** Every pair of the split, in the corpus's order (counted already: no pass over the corpus). */
        Selection whole() {
            return sample == null ? this : new Selection(manifest, split, options, total, null);
        }

        /** The selected pairs in the corpus's order, each with its position in the selection's order. */
        Stream<At> stream() {
            int[] position = new int[sample == null ? 0 : total];
            java.util.Arrays.fill(position, -1);
            if (sample != null) {
                for (int k = 0; k < sample.length; k++) {
                    position[sample[k]] = k;
                }
            }
            int[] index = {0};
            return manifest.pairs(options, CorpusText.split(split)).map(p -> {
                int i = index[0]++;
                return new At(sample == null ? i : position[i], p);
            }).filter(at -> at.position() >= 0);
        }

        /**
         * For each position of the selection's order, where a pass in the corpus's order wrote that pair (null: the
         * same order).
         */
        int[] slots() {
            if (sample == null) {
                return null;
            }
            int[] sorted = sample.clone();
            java.util.Arrays.sort(sorted);
            int[] slots = new int[sample.length];
            for (int k = 0; k < sample.length; k++) {
                slots[k] = java.util.Arrays.binarySearch(sorted, sample[k]);
            }
            return slots;
        }
    }
}
