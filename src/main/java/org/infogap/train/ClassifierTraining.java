package org.infogap.train;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.infogap.annotate.LabelledPairs;
import org.infogap.data.ImageTextPair;
import org.infogap.data.Split;
import org.infogap.io.AtomicFiles;
import org.infogap.io.Json;
import org.infogap.model.Calibration;
import org.infogap.model.Classifier;
import org.infogap.model.Ensemble;
import org.infogap.model.Predictor;
import org.infogap.model.MismatchedPairs;
import org.infogap.model.SentenceCounts;
import org.infogap.model.Encoder;
import org.infogap.model.Example;
import org.infogap.store.FeatureStore;
import org.infogap.model.FeatureNorm;
import org.infogap.model.Feeds;
import org.infogap.model.ImageEncoder;
import org.infogap.model.ImageTuner;
import org.infogap.model.InceptionV3;
import org.infogap.model.ModelBundle;
import org.infogap.model.ModelConfig;
import org.infogap.model.Network;
import org.infogap.model.ObjectCounter;
import org.infogap.text.Vocabulary;
import org.infogap.text.WordVectorTrainer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervised stage on labelled pairs (the {@code annotations export} file): the training part,
 * less a seeded validation share that picks the best epoch, trains; the test part is never read here.
 * The encoder starts from an autoencoder bundle (the paper's CL) or at random (its "no AE" baseline),
 * and is fine-tuned or frozen.
 */
public final class ClassifierTraining {

    private static final Logger LOG = LoggerFactory.getLogger(ClassifierTraining.class);
    public static final String SELECT_BY = "mean_accuracy";
    /**
     * Epochs of the object count's pre-fit ({@link ObjectCounter}), about 260 steps of 32 images: on the default
     * corpus its validation counts were as often right after 10 epochs as after 60 (0.76 / 0.71).
     */
    static final int OBJECT_EPOCHS = 20;
    static final int OBJECT_BATCH = 32;

    /**
     * Options: {@code autoencoder} the autoencoder bundle, or null for a random encoder (then vocabulary,
     * word2vec and config must be given); {@code randomEncoder} with an autoencoder: its vocabulary, word
     * vectors and feature normalisation but a random encoder (the paper's "no AE" baseline on equal
     * inputs); {@code validationSeed} which pairs validate (null: the config's seed).
     */
    public record Options(Path labelled, Path autoencoder, Path vocabulary, Path word2vec, ModelConfig config,
                          Path inceptionWeights, Path featureCache, Path out, boolean resume,
                          double validationFraction, boolean randomEncoder, Long validationSeed) {
    }

    private ClassifierTraining() {
    }

    public static ArrayNode run(Options o) throws IOException {
        List<LabelledPairs.Labelled> all = LabelledPairs.read(o.labelled());
        ModelBundle ae = o.autoencoder() == null ? null : ModelBundle.load(o.autoencoder());
        if (ae != null && !ModelBundle.AUTOENCODER.equals(ae.kind())) {
            throw new IllegalArgumentException(o.autoencoder() + " holds a " + ae.kind() + ", not an autoencoder");
        }
        ModelConfig c = o.config() != null ? o.config() : ae.config();
        Vocabulary vocabulary = ae != null ? ae.vocabulary() : Vocabulary.load(o.vocabulary());
        INDArray wordVectors = ae != null ? ae.wordVectors()
                : ExampleBuilder.wordVectors(vocabulary, WordVectorTrainer.load(o.word2vec()), c);
        boolean fromAe = ae != null && !o.randomEncoder();
        INDArray tunedImage = fromAe ? ae.parameters().get(ImageTuner.PARAMS) : null;
        ImageEncoder encoder;
        if (tunedImage != null) {
            if (c.image().size() != ae.config().image().size()) {
                throw new IllegalArgumentException("the autoencoder's InceptionV3 was trained at " + ae.config().image().size()
                        + " px, this run's config says imageSize " + c.image().size());
            }
            encoder = ImageEncoder.forBundle(ae, o.inceptionWeights());
        } else {
            // an autoencoder's end-to-end trained InceptionV3 belongs to its encoder: the "no AE" baseline
            // starts from the untrained one, like the rest of its encoder
            // a classifier that reads no grid takes the autoencoder's features, grid and all, and ignores the grid:
            // the ablation report's variants share the autoencoder's feature cache
            boolean aeFeatures = ae != null && !c.matchGrid() && c.image().equals(ae.config().image());
            encoder = ImageEncoder.create(aeFeatures ? ae.config() : c, o.inceptionWeights());
            if (ae != null && !ae.parameters().containsKey(ImageTuner.PARAMS) && !encoder.id().equals(ae.imageEncoderId())) {
                throw new IllegalArgumentException("the autoencoder's image features came from " + ae.imageEncoderId()
                        + ", this run's from " + encoder.id() + "; use the same image size, seed and --inception-weights");
            }
        }
        FeatureStore cache = FeatureStore.open(o.featureCache(), encoder.id(), encoder.featureLength());
        ExampleBuilder builder = new ExampleBuilder(c, vocabulary, encoder, cache);

        long seed = o.validationSeed() != null ? o.validationSeed() : c.training().seed();
        List<LabelledPairs.Labelled> train = new ArrayList<>();
        List<LabelledPairs.Labelled> validation = new ArrayList<>();
        for (LabelledPairs.Labelled l : all) {
            if (l.split() == Split.TRAIN) {
                (isValidation(seed, l.pair().key(), o.validationFraction()) ? validation : train).add(l);
            }
        }
        if (train.isEmpty() || validation.isEmpty()) {
            throw new IllegalArgumentException(o.labelled() + ": needs labelled training pairs for both training ("
                    + train.size() + ") and validation (" + validation.size() + ")");
        }
        List<ImageTextPair> pairs = new ArrayList<>();
        train.forEach(l -> pairs.add(l.pair()));
        validation.forEach(l -> pairs.add(l.pair()));
        Map<Path, String> hashes = builder.featurePass(pairs);
        FeatureNorm norm = ae != null && encoder.id().equals(ae.imageEncoderId()) ? ae.featureNorm()
                : builder.estimateNorm(train.stream().map(l -> hashes.get(l.pair().imagePath())).toList());
        List<Example> trainExamples = builder.classifierExamples(train, hashes, norm);
        List<Example> valExamples = builder.classifierExamples(validation, hashes, norm);

        ObjectNode provenance = Json.mapper().createObjectNode()
                .put("labelled", o.labelled().toString()).put("training_pairs", train.size())
                .put("validation_pairs", validation.size()).put("image_encoder", encoder.provenance())
                .put("inception_weights", o.inceptionWeights() == null ? null : o.inceptionWeights().toString());
        provenance.set("image_weights", encoder.weights());
        return train(new Setup(c, vocabulary, wordVectors, norm, encoder.id(), fromAe ? ae : null, fromAe ? o.autoencoder() : null,
                        new ImageSide(o.inceptionWeights(), tunedImage, AutoencoderTraining.imageFiles(pairs))),
                trainExamples, valExamples, o.out(), o.resume(), provenance);
    }

    /** Whether a training pair is held out for validation: a seeded hash of its key, stable across runs. */
    public static boolean isValidation(long seed, String key, double fraction) {
        return LabelledPairs.unitHashOf(seed + 17, key) < fraction;
    }

    /** What a classifier is trained from besides its examples. {@code autoencoder} null: random encoder. */
    public record Setup(ModelConfig config, Vocabulary vocabulary, INDArray wordVectors, FeatureNorm norm,
                        String imageEncoderId, ModelBundle autoencoder, Path autoencoderFile, ImageSide image) {

        /** The config's {@code fineTuneEncoder} off: only the classifier's own layers train. */
        boolean freezeEncoder() {
            return !config.training().fineTuneEncoder();
        }
    }

    /**
     * Where the image features come from: Keras weights (or null), the end-to-end trained InceptionV3
     * parameters they were computed with (or null), and each example's image file (end-to-end training).
     */
    public record ImageSide(Path inceptionWeights, INDArray tunedParams, Map<String, Path> files) {
    }

    /**
     * Trains on {@code train}, picks the best epoch on {@code validation}; bundles go to {@code out}, calibrated. With
     * an {@link Ensemble}, each member trains under {@code out/members/<i>/} and {@code out/best.zip} holds them all;
     * {@code out/last.zip} is member 0's last checkpoint, whose history the report plots.
     */
    public static ArrayNode train(Setup s, List<Example> train, List<Example> validation, Path out, boolean resume,
                                  ObjectNode provenance) throws IOException {
        ModelConfig c = s.config();
        if (c.ensemble() == null) {
            ArrayNode history = trainOne(s, train, validation, out, resume, provenance);
            calibrate(out.resolve(Trainer.BEST), validation);
            return history;
        }
        int k = c.ensemble().members();
        ArrayNode history = null;
        ModelBundle first = null;
        List<Map<String, INDArray>> params = new ArrayList<>();
        ArrayNode members = Json.mapper().createArrayNode();
        for (int i = 0; i < k; i++) {
            ModelConfig member = Ensemble.member(c, i);
            Path dir = out.resolve(Ensemble.MEMBERS_DIR).resolve(Integer.toString(i));
            LOG.info("ensemble: member {} of {} (seed {}) in {}", i + 1, k, member.training().seed(), dir);
            ArrayNode h = trainOne(new Setup(member, s.vocabulary(), s.wordVectors(), s.norm(), s.imageEncoderId(),
                    s.autoencoder(), s.autoencoderFile(), s.image()), train, validation, dir, resume, provenance);
            ModelBundle best = ModelBundle.load(dir.resolve(Trainer.BEST));
            params.add(best.parameters());
            members.addObject().put("member", i).put("seed", member.training().seed())
                    .put("epoch", best.state().path("epoch").asInt()).put(SELECT_BY, best.state().path("best").asDouble());
            if (i == 0) {
                history = h;
                first = best;
            }
        }
        ObjectNode state = first.state().deepCopy();
        state.set("ensemble", members);
        new ModelBundle(ModelBundle.CLASSIFIER, c, first.vocabulary(), first.wordVectors(), first.featureNorm(),
                first.imageEncoderId(), state, Ensemble.combine(params)).save(out.resolve(Trainer.BEST));
        Path firstLast = out.resolve(Ensemble.MEMBERS_DIR).resolve("0").resolve(Trainer.LAST);
        AtomicFiles.writeVia(out.resolve(Trainer.LAST), tmp -> Files.copy(firstLast, tmp, StandardCopyOption.REPLACE_EXISTING));
        calibrate(out.resolve(Trainer.BEST), validation);
        return history;
    }

    /** One classifier: trains on {@code train}, picks the best epoch on {@code validation}, into {@code out}. */
    private static ArrayNode trainOne(Setup s, List<Example> train, List<Example> validation, Path out, boolean resume,
                                      ObjectNode provenance) throws IOException {
        ModelConfig c = s.config();
        Classifier net = Classifier.create(c, s.wordVectors());
        String init = "random";
        if (s.autoencoder() != null) {
            Map<String, INDArray> encoderParams = new LinkedHashMap<>(s.autoencoder().parameters());
            encoderParams.keySet().removeIf(n -> !n.startsWith(Encoder.PREFIX));
            int set = net.setParameters(Encoder.adapt(encoderParams, s.autoencoder().config(), c));
            init = "autoencoder " + s.autoencoderFile() + " (epoch " + s.autoencoder().state().path("epoch").asInt() + ", "
                    + set + " encoder variables)";
        }
        int visual = net.setVisualWords(train);
        if (c.sentenceCounts() != null && c.sentenceCounts().visualWords()) {
            LOG.info("classifier: {} visual words (in the training pairs' caption phrases)", visual);
        }
        if (c.countsCoverage() && !(resume && Files.exists(out.resolve(Trainer.LAST)))) {
            fitObjectCount(net, train, validation);
        }
        if (s.freezeEncoder()) {
            net.freezeEncoder();
        }
        if (c.fineTuneImage() && s.freezeEncoder()) {
            LOG.warn("fineTuneImage with a frozen encoder: InceptionV3 stays frozen too");
        } else if (c.fineTuneImage()) {
            net.attach(ImageTuner.create(c, s.image().inceptionWeights(), s.image().tunedParams(), s.norm(), s.image().files()));
        }
        LOG.info("classifier: {} training, {} validation pairs; encoder from {}; {}", train.size(), validation.size(),
                init, s.freezeEncoder() ? "encoder frozen" : "encoder fine-tuned");
        ObjectNode p = provenance.deepCopy().put("encoder_init", init).put("encoder_from_autoencoder", s.autoencoder() != null)
                .put("fine_tune_encoder", !s.freezeEncoder()).put("image_trained_end_to_end", net.imageTuner() != null)
                .put("created", Instant.now().toString());
        Trainer trainer = new Trainer(net, (batch, random) -> Feeds.classifier(c.mismatchedPairs() == null || random == null
                ? batch : MismatchedPairs.augment(batch, c.mismatchedPairs(), random), net, random),
                n -> accuracy(n, validation), SELECT_BY, true, state -> {
                    state.set("provenance", p);
                    Map<String, INDArray> params = net.parameters();
                    if (net.imageTuner() == null && s.image().tunedParams() != null) {
                        params.put(ImageTuner.PARAMS, s.image().tunedParams()); // the features' encoder travels along
                    }
                    return new ModelBundle(ModelBundle.CLASSIFIER, c, s.vocabulary(), s.wordVectors(), s.norm(),
                            AutoencoderTraining.imageEncoderId(c, s.imageEncoderId(), params), state, params);
                });
        return trainer.run(train, c.training().classifierEpochs(), out, resume);
    }

    /**
     * Fits each head's temperature ({@link Calibration}) on the validation pairs and records it in the bundle, with
     * the expected calibration error before and after; the bundle is rewritten atomically.
     */
    public static Calibration calibrate(Path bundleFile, List<Example> validation) throws IOException {
        ModelBundle bundle = ModelBundle.load(bundleFile);
        List<Predictor.Prediction> predictions = new Predictor(bundle, Calibration.NONE).predict(validation);
        List<float[]> cmi = new ArrayList<>();
        List<float[]> sc = new ArrayList<>();
        List<Integer> cmiLabels = new ArrayList<>();
        List<Integer> scLabels = new ArrayList<>();
        for (int i = 0; i < validation.size(); i++) {
            if (validation.get(i).cmi() >= 0) {
                cmi.add(predictions.get(i).cmiProbabilities());
                cmiLabels.add(validation.get(i).cmi());
            }
            if (validation.get(i).sc() >= 0) {
                sc.add(predictions.get(i).scProbabilities());
                scLabels.add(validation.get(i).sc());
            }
        }
        int[] yc = cmiLabels.stream().mapToInt(Integer::intValue).toArray();
        int[] ys = scLabels.stream().mapToInt(Integer::intValue).toArray();
        Calibration fitted = new Calibration(Calibration.fit(cmi, yc), Calibration.fit(sc, ys));
        ObjectNode record = fitted.toJson(bundle.state().objectNode()).put("validation_pairs", validation.size())
                .put("cmi_ece_before", Calibration.expectedCalibrationError(cmi, yc))
                .put("cmi_ece_after", Calibration.expectedCalibrationError(scaled(cmi, fitted.cmiTemperature()), yc))
                .put("sc_ece_before", Calibration.expectedCalibrationError(sc, ys))
                .put("sc_ece_after", Calibration.expectedCalibrationError(scaled(sc, fitted.scTemperature()), ys));
        ObjectNode state = bundle.state().deepCopy();
        state.set("calibration", record);
        new ModelBundle(bundle.kind(), bundle.config(), bundle.vocabulary(), bundle.wordVectors(), bundle.featureNorm(),
                bundle.imageEncoderId(), state, bundle.parameters()).save(bundleFile);
        LOG.info("calibration on {} validation pairs: CMI temperature {} (expected calibration error {} -> {}), SC {} ({} -> {})",
                validation.size(), String.format("%.3f", fitted.cmiTemperature()), fmt(record, "cmi_ece_before"),
                fmt(record, "cmi_ece_after"), String.format("%.3f", fitted.scTemperature()), fmt(record, "sc_ece_before"),
                fmt(record, "sc_ece_after"));
        return fitted;
    }

    private static List<float[]> scaled(List<float[]> probabilities, double t) {
        return probabilities.stream().map(p -> Calibration.scale(p, t)).toList();
    }

    private static String fmt(ObjectNode record, String field) {
        return String.format("%.3f", record.get(field).asDouble());
    }

    /**
     * Fits the classifier's object count ({@link Classifier#OBJECTS}) to the number of object phrases of the
     * training pairs' captions ({@link ObjectCounter}) and gives it to {@code net}. No label is read.
     *
     * @return the rounded count's share right on the validation pairs with a caption (NaN without any)
     */
    static double fitObjectCount(Classifier net, List<Example> train, List<Example> validation) {
        ModelConfig c = net.config();
        List<Example> known = train.stream().filter(e -> SentenceCounts.objectsNamed(e) >= 0).toList();
        List<Example> held = validation.stream().filter(e -> SentenceCounts.objectsNamed(e) >= 0).toList();
        if (known.isEmpty()) {
            LOG.warn("object count: no training pair has a caption; the count stays untrained");
            return Double.NaN;
        }
        ObjectCounter counter = ObjectCounter.create(c, net.wordVectors());
        java.util.Random random = new java.util.Random(c.training().seed() + 3);
        List<Example> order = new ArrayList<>(known);
        double right = Double.NaN;
        long start = System.nanoTime();
        for (int epoch = 1; epoch <= OBJECT_EPOCHS; epoch++) {
            java.util.Collections.shuffle(order, random);
            double loss = 0;
            int batches = 0;
            for (int from = 0; from < order.size(); from += OBJECT_BATCH) {
                List<Example> batch = order.subList(from, Math.min(order.size(), from + OBJECT_BATCH));
                loss += counter.trainStep(Feeds.objects(batch, counter, random), c.training().learningRate()).losses()
                        .get(SentenceCounts.OBJECTS_LOSS);
                batches++;
            }
            if (epoch % 10 == 0 || epoch == OBJECT_EPOCHS) {
                right = held.isEmpty() ? Double.NaN : countsRight(counter, held);
                LOG.info(String.format(java.util.Locale.ROOT, "object count: epoch %d/%d, squared error %.3f, "
                                + "validation counts right %.3f (%d pairs; %.0f s)", epoch, OBJECT_EPOCHS,
                        loss / batches, right, held.size(), (System.nanoTime() - start) / 1e9));
            }
        }
        Map<String, INDArray> fitted = counter.parameters();
        // the variables only: the counter's optimizer state and step count are not the classifier's
        fitted.keySet().removeIf(n -> n.startsWith(Network.OPTIMIZER));
        net.setParameters(fitted);
        return right;
    }

    private static double countsRight(ObjectCounter counter, List<Example> examples) {
        int right = 0;
        for (int from = 0; from < examples.size(); from += OBJECT_BATCH) {
            List<Example> batch = examples.subList(from, Math.min(examples.size(), from + OBJECT_BATCH));
            Map<String, INDArray> o = counter.output(Feeds.objects(batch, counter, null), SentenceCounts.OBJECTS);
            for (int i = 0; i < batch.size(); i++) {
                if (Math.round(o.get(SentenceCounts.OBJECTS).getDouble(i, 0)) == SentenceCounts.objectsNamed(batch.get(i))) {
                    right++;
                }
            }
            Network.release(o.values());
        }
        return (double) right / examples.size();
    }

    /** CMI and SC accuracy (and their mean) of the most probable level on {@code examples}. */
    public static Map<String, Double> accuracy(Network net, List<Example> examples) {
        int cmiRight = 0;
        int scRight = 0;
        double loss = 0;
        int batch = net.config().training().batchSize() * 4;
        for (int from = 0; from < examples.size(); from += batch) {
            List<Example> part = examples.subList(from, Math.min(examples.size(), from + batch));
            Map<String, INDArray> feed = Feeds.classifier(part, net, null);
            Map<String, INDArray> out = net.output(feed, Classifier.CMI_PROBABILITIES, Classifier.SC_PROBABILITIES,
                    Classifier.LOSS);
            INDArray cmi = out.get(Classifier.CMI_PROBABILITIES).argMax(1);
            INDArray sc = out.get(Classifier.SC_PROBABILITIES).argMax(1);
            for (int i = 0; i < part.size(); i++) {
                cmiRight += cmi.getInt(i) == part.get(i).cmi() ? 1 : 0;
                scRight += sc.getInt(i) == part.get(i).sc() ? 1 : 0;
            }
            loss += out.get(Classifier.LOSS).getDouble(0) * part.size();
            Network.release(feed.values());
            Network.release(out.values());
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", loss / examples.size());
        m.put("cmi_accuracy", (double) cmiRight / examples.size());
        m.put("sc_accuracy", (double) scRight / examples.size());
        m.put(SELECT_BY, (m.get("cmi_accuracy") + m.get("sc_accuracy")) / 2);
        return m;
    }
}
