package org.infogap.model;

import java.util.Collection;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-dimension standardisation of the image features (pooled, and grid cells where present: per cell and
 * channel), estimated on the training images and kept in the bundle. InceptionV3 features vary in scale by
 * orders of magnitude across dimensions (and with random weights are tiny, rms about 1e-3); standardised,
 * they reach the image FC and the match head on one scale.
 */
public final class FeatureNorm {

    private final INDArray mean;
    private final INDArray std;
    /** The same as floats: standardising reads them for every example of every batch. */
    private final float[] meanValues;
    private final float[] stdValues;

    public FeatureNorm(INDArray mean, INDArray std) {
        this.mean = mean;
        this.std = std;
        this.meanValues = mean.toFloatVector();
        this.stdValues = std.toFloatVector();
    }

    public INDArray mean() {
        return mean;
    }

    public INDArray std() {
        return std;
    }

    public static FeatureNorm estimate(Collection<float[]> features) {
        Estimator estimator = new Estimator(features.isEmpty() ? InceptionV3.FEATURES : features.iterator().next().length);
        features.forEach(estimator::add);
        return estimator.result();
    }

    /** Sums of the features one image at a time, so a corpus's statistics need one image in memory. */
    public static final class Estimator {
        private final double[] sum;
        private final double[] sq;
        private long n;

        public Estimator(int length) {
            sum = new double[length];
            sq = new double[length];
        }

        public void add(float[] f) {
            if (f.length != sum.length) {
                throw new IllegalArgumentException("features of " + f.length + " and " + sum.length + " floats mixed");
            }
            for (int i = 0; i < f.length; i++) {
                sum[i] += f[i];
                sq[i] += (double) f[i] * f[i];
            }
            n++;
        }

        public FeatureNorm result() {
            int d = sum.length;
            long count = Math.max(1, n);
            float[] mean = new float[d];
            double[] spread = new double[d];
            double typical = 0;
            for (int i = 0; i < d; i++) {
                double m = sum[i] / count;
                mean[i] = (float) m;
                spread[i] = Math.sqrt(Math.max(sq[i] / count - m * m, 0));
                typical += spread[i] / d;
            }
            // a third of the random InceptionV3's mixed7 units never fire on the training images (std 0): a floor
            // keeps a rare activation there from being scaled up a million-fold
            float[] std = new float[d];
            for (int i = 0; i < d; i++) {
                std[i] = (float) Math.max(spread[i], Math.max(0.01 * typical, 1e-6));
            }
            return new FeatureNorm(Nd4j.createFromArray(mean), Nd4j.createFromArray(std));
        }
    }

    public static FeatureNorm identity() {
        return identity(InceptionV3.FEATURES);
    }

    /** No change to features of {@code length} floats. */
    public static FeatureNorm identity(int length) {
        return new FeatureNorm(Nd4j.zeros(DataType.FLOAT, length), Nd4j.ones(DataType.FLOAT, length));
    }

    public float[] apply(float[] features) {
        return standardise(features, new float[features.length]);
    }

    /**
     * {@link #apply}, written over {@code features} and returned: for arrays the caller owns (just read from the
     * store), so that a scoring request does not allocate a second copy of its candidates' features.
     */
    public float[] applyInPlace(float[] features) {
        return standardise(features, features);
    }

    private float[] standardise(float[] features, float[] out) {
        if (features.length != meanValues.length) {
            throw new IllegalArgumentException("the model's image features have " + mean.length() + " floats, these "
                    + features.length + " (features of another image encoder, e.g. without or with the grid)");
        }
        float[] m = meanValues;
        float[] s = stdValues;
        for (int i = 0; i < out.length; i++) {
            out[i] = (features[i] - m[i]) / s[i];
        }
        return out;
    }
}
