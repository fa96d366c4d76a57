package org.infogap.eval;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.infogap.annotate.LabelledPairs;
import org.infogap.model.Example;
import org.infogap.model.ModelBundle;
import org.infogap.model.Predictor;
import org.infogap.store.Precision;
import org.infogap.train.ExampleBuilder;

/**
 * What storing image features in a lower precision does to a classifier's predictions: the pairs are scored
 * with their float32 features and with the same features after a round trip through each {@link Precision}.
 * The store's precision is the smallest at which no pair changes level and no probability moves by more than
 * {@link #TOLERANCE}.
 */
public final class StoragePrecision {

    /** The most a level's probability may move for a precision to be good enough. */
    public static final double TOLERANCE = 0.01;

    /** One precision's effect over the pairs. */
    public record Effect(Precision precision, int bytesPerImage, int pairs, int levelsChanged, double maxShift,
                         double meanShift) {
        public boolean keepsPredictions() {
            return levelsChanged == 0 && maxShift <= TOLERANCE;
        }
    }

    private StoragePrecision() {
    }

    /** Each precision's effect on the bundle's predictions of {@code pairs}, whose raw features are given. */
    public static List<Effect> compare(ModelBundle bundle, ExampleBuilder builder, List<LabelledPairs.Labelled> pairs,
                                       Map<Path, float[]> raw, List<Precision> precisions) {
        Predictor predictor = new Predictor(bundle);
        List<Predictor.Prediction> reference = predictor.predict(builder.inMemoryExamples(pairs, raw, bundle.featureNorm()));
        int dims = raw.values().iterator().next().length;
        return precisions.stream().map(precision -> {
            Map<Path, float[]> stored = new LinkedHashMap<>();
            raw.forEach((image, f) -> stored.put(image, precision.decode(precision.encode(f), f.length)));
            List<Example> examples = builder.inMemoryExamples(pairs, stored, bundle.featureNorm());
            List<Predictor.Prediction> got = predictor.predict(examples);
            int changed = 0;
            double max = 0;
            double sum = 0;
            int n = 0;
            for (int i = 0; i < got.size(); i++) {
                Predictor.Prediction a = reference.get(i);
                Predictor.Prediction b = got.get(i);
                changed += a.cmi() != b.cmi() || a.sc() != b.sc() ? 1 : 0;
                for (float[][] heads : new float[][][] {{a.cmiProbabilities(), b.cmiProbabilities()},
                        {a.scProbabilities(), b.scProbabilities()}}) {
                    for (int k = 0; k < heads[0].length; k++) {
                        double shift = Math.abs(heads[0][k] - heads[1][k]);
                        max = Math.max(max, shift);
                        sum += shift;
                        n++;
                    }
                }
            }
            return new Effect(precision, precision.bytes(dims), got.size(), changed, max, n == 0 ? 0 : sum / n);
        }).toList();
    }
}
