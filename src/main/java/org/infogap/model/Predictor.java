package org.infogap.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.infogap.data.CmiLevel;
import org.infogap.data.ScLevel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained classifier bundle, ready to score examples: levels, probabilities, article embeddings. Its graphs share
 * sentences ({@link Encoder.Shape}): pairs that share a text, a search request's candidates, run the text side once per
 * batch. Each batch runs on the graph unrolled over the fewest steps its texts need (sentence slots of 4, 8 or the
 * config's, tokens of 12 or the config's), made the first time a batch needs it. An {@link Ensemble}'s members each
 * run their own graph; a pair's probabilities are their mean, calibrated, and its article embedding is member 0's.
 * {@code predict}, the report and {@code serve} all score through here. Not for several threads at once: one
 * predictor per thread.
 */
public final class Predictor {

    /** One pair's scores. {@code expectedCmi}/{@code expectedSc}: the probability-weighted level value. */
    public record Prediction(String key, CmiLevel cmi, float[] cmiProbabilities, ScLevel sc, float[] scProbabilities,
                             double expectedCmi, double expectedSc, float[] article) {
    }

    /** Sentence slots and tokens a scoring graph may be unrolled to, besides the config's own. */
    private static final int[] SENTENCE_STEPS = {4, 8};
    private static final int[] TOKEN_STEPS = {12};

    private final ModelBundle bundle;
    private final Calibration calibration;
    /** Per shape, one graph per ensemble member (one without the component). */
    private final Map<Encoder.Shape, List<Classifier>> graphs = new java.util.HashMap<>();
    private final List<Map<String, INDArray>> members = new ArrayList<>();

    /** Scores with the calibration the bundle records ({@link Calibration#of}). */
    public Predictor(ModelBundle bundle) {
        this(bundle, Calibration.of(bundle));
    }

    /** Scores with {@code calibration} instead ({@link Calibration#NONE}: the probabilities as trained). */
    public Predictor(ModelBundle bundle, Calibration calibration) {
        if (!ModelBundle.CLASSIFIER.equals(bundle.kind())) {
            throw new IllegalArgumentException("a classifier bundle is needed, this one holds a " + bundle.kind());
        }
        this.bundle = bundle;
        this.calibration = calibration;
        for (int i = 0; i < Ensemble.members(bundle.config()); i++) {
            members.add(Ensemble.memberParameters(bundle.parameters(), i));
        }
        graph(shape(bundle.config().text().maxSentences(), bundle.config().text().maxTokens())); // checks the parameters now
    }

    /** The shared shape with the fewest steps that holds {@code sentences} and {@code tokens}; fused LSTMs. */
    private Encoder.Shape shape(int sentences, int tokens) {
        ModelConfig.Text t = bundle.config().text();
        return new Encoder.Shape(true, steps(sentences, SENTENCE_STEPS, t.maxSentences()), steps(tokens, TOKEN_STEPS,
                t.maxTokens()), true);
    }

    private static int steps(int needed, int[] choices, int max) {
        for (int c : choices) {
            if (needed <= c && c < max) {
                return c;
            }
        }
        return max;
    }

    private List<Classifier> graph(Encoder.Shape shape) {
        return graphs.computeIfAbsent(shape, s -> {
            List<Classifier> each = new ArrayList<>();
            for (Map<String, INDArray> params : members) {
                Classifier c = Classifier.create(bundle.config(), bundle.wordVectors(), s);
                if (c.setParameters(params) == 0) {
                    throw new IllegalArgumentException("ensemble member " + each.size() + " has no parameters in the bundle");
                }
                each.add(c);
            }
            return each;
        });
    }

    public ModelBundle bundle() {
        return bundle;
    }

    public Calibration calibration() {
        return calibration;
    }

    public List<Prediction> predict(List<Example> examples) {
        List<Prediction> out = new ArrayList<>(examples.size());
        int batch = Math.max(1, bundle.config().training().batchSize() * 4);
        for (int from = 0; from < examples.size(); from += batch) {
            List<Example> part = examples.subList(from, Math.min(examples.size(), from + batch));
            int sentences = 1;
            int tokens = 1;
            for (Example e : part) {
                sentences = Math.max(sentences, e.sentences().size());
                for (int[] ids : e.sentences()) {
                    tokens = Math.max(tokens, ids.length);
                }
            }
            List<Classifier> classifiers = graph(shape(sentences, tokens));
            float[][][] cmi = new float[classifiers.size()][][];
            float[][][] sc = new float[classifiers.size()][][];
            float[][] article = null;
            // the members share config and shape, so one feed (the grids are most of it) serves them all
            Map<String, INDArray> feed = Feeds.inference(part, classifiers.get(0));
            for (int m = 0; m < classifiers.size(); m++) {
                Classifier classifier = classifiers.get(m);
                ClosingMemoryMgr.install(classifier.sameDiff());
                Map<String, INDArray> result = classifier.output(feed, Classifier.CMI_PROBABILITIES,
                        Classifier.SC_PROBABILITIES, Encoder.ARTICLE);
                cmi[m] = result.get(Classifier.CMI_PROBABILITIES).toFloatMatrix();
                sc[m] = result.get(Classifier.SC_PROBABILITIES).toFloatMatrix();
                if (m == 0) {
                    article = result.get(Encoder.ARTICLE).toFloatMatrix();
                }
                Network.release(result.values());
            }
            // closed now: left to the garbage collector, the feeds' off-heap memory grew by MBs per call (measured)
            Network.release(feed.values());
            for (int i = 0; i < part.size(); i++) {
                float[] pc = Calibration.scale(Ensemble.mean(cmi, i), calibration.cmiTemperature());
                float[] ps = Calibration.scale(Ensemble.mean(sc, i), calibration.scTemperature());
                double ec = 0;
                double es = 0;
                for (int l = 0; l < Classifier.LEVELS; l++) {
                    ec += pc[l] * CmiLevel.ofIndex(l).value();
                    es += ps[l] * ScLevel.ofIndex(l).value();
                }
                out.add(new Prediction(part.get(i).key(), CmiLevel.ofIndex(argmax(pc)), pc, ScLevel.ofIndex(argmax(ps)), ps,
                        ec, es, article[i]));
            }
        }
        return out;
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }
}
