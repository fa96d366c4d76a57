package org.infogap.model;

import java.util.Collection;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-dimension standardisation of the pooled image features, estimated on the training images and
 * kept in the bundle. InceptionV3 features vary in scale by orders of magnitude across dimensions (and
 * with random weights are tiny, rms about 1e-3); standardised, they reach the image FC on one scale.
 */
public record FeatureNorm(INDArray mean, INDArray std) {

    public static FeatureNorm estimate(Collection<float[]> features) {
        int d = InceptionV3.FEATURES;
        double[] sum = new double[d];
        double[] sq = new double[d];
        for (float[] f : features) {
            for (int i = 0; i < d; i++) {
                sum[i] += f[i];
                sq[i] += (double) f[i] * f[i];
            }
        }
        int n = Math.max(1, features.size());
        float[] mean = new float[d];
        float[] std = new float[d];
        for (int i = 0; i < d; i++) {
            double m = sum[i] / n;
            mean[i] = (float) m;
            std[i] = (float) Math.sqrt(Math.max(sq[i] / n - m * m, 0) + 1e-12);
        }
        return new FeatureNorm(Nd4j.createFromArray(mean), Nd4j.createFromArray(std));
    }

    public static FeatureNorm identity() {
        return new FeatureNorm(Nd4j.zeros(DataType.FLOAT, InceptionV3.FEATURES), Nd4j.ones(DataType.FLOAT, InceptionV3.FEATURES));
    }

    public float[] apply(float[] features) {
        float[] m = mean.toFloatVector();
        float[] s = std.toFloatVector();
        float[] out = new float[features.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (features[i] - m[i]) / s[i];
        }
        return out;
    }
}
