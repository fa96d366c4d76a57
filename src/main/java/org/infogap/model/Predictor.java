package org.infogap.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.infogap.data.CmiLevel;
import org.infogap.data.ScLevel;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A trained classifier bundle, ready to score examples: levels, probabilities, article embeddings. */
public final class Predictor {

    /** One pair's scores. {@code expectedCmi}/{@code expectedSc}: the probability-weighted level value. */
    public record Prediction(String key, CmiLevel cmi, float[] cmiProbabilities, ScLevel sc, float[] scProbabilities,
                             double expectedCmi, double expectedSc, float[] article) {
    }

    private final ModelBundle bundle;
    private final Classifier classifier;

    public Predictor(ModelBundle bundle) {
        if (!ModelBundle.CLASSIFIER.equals(bundle.kind())) {
            throw new IllegalArgumentException("a classifier bundle is needed, this one holds a " + bundle.kind());
        }
        this.bundle = bundle;
        this.classifier = Classifier.create(bundle.config(), bundle.wordVectors());
        classifier.setParameters(bundle.parameters());
    }

    public ModelBundle bundle() {
        return bundle;
    }

    public Classifier classifier() {
        return classifier;
    }

    public List<Prediction> predict(List<Example> examples) {
        List<Prediction> out = new ArrayList<>(examples.size());
        int batch = Math.max(1, bundle.config().training().batchSize() * 4);
        for (int from = 0; from < examples.size(); from += batch) {
            List<Example> part = examples.subList(from, Math.min(examples.size(), from + batch));
            Map<String, INDArray> feed = Feeds.classifier(part, classifier, null);
            Map<String, INDArray> result = classifier.output(feed, Classifier.CMI_PROBABILITIES, Classifier.SC_PROBABILITIES,
                    Encoder.ARTICLE);
            INDArray cmi = result.get(Classifier.CMI_PROBABILITIES);
            INDArray sc = result.get(Classifier.SC_PROBABILITIES);
            INDArray article = result.get(Encoder.ARTICLE);
            for (int i = 0; i < part.size(); i++) {
                float[] pc = cmi.getRow(i).toFloatVector();
                float[] ps = sc.getRow(i).toFloatVector();
                double ec = 0;
                double es = 0;
                for (int l = 0; l < Classifier.LEVELS; l++) {
                    ec += pc[l] * CmiLevel.ofIndex(l).value();
                    es += ps[l] * ScLevel.ofIndex(l).value();
                }
                out.add(new Prediction(part.get(i).key(), CmiLevel.ofIndex(argmax(pc)), pc, ScLevel.ofIndex(argmax(ps)), ps,
                        ec, es, article.getRow(i).toFloatVector()));
            }
            // closed now: left to the garbage collector, the feeds' off-heap memory grew by MBs per call (measured)
            Network.release(feed.values());
            Network.release(result.values());
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
