package org.infogap.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Word whitening (not in the paper): the Word2Vec vectors centred and whitened (ZCA) before either stage reads
 * them. Word2Vec gives words that share contexts nearly the same vector (on the generated corpus, cosine
 * 0.93-0.98 between any two colours, 0.95-0.98 between shapes); the paper fine-tunes the vectors and so can pull
 * them apart, this model keeps them fixed ({@link Encoder}), so it whitens them instead, which keeps every
 * direction Word2Vec found at unit scale. Real Word2Vec vectors share the same trait: a common mean and a few
 * dominant directions that carry word frequency rather than meaning (Mu &amp; Viswanath, "All-but-the-Top", ICLR
 * 2018), which is why it is expected to carry over (docs/model.md, "What transfers").
 */
public final class WordWhitening {

    /** The variance floor of version-1 bundles, which whitened with it before it was a setting. */
    public static final double FLOOR = 1e-4;

    /**
     * Word whitening's section of {@link ModelConfig.Components}.
     *
     * @param floor axes with almost no variance (a vocabulary smaller than the dimension leaves some) are scaled by
     *              at most 1 / sqrt(floor x the mean variance), so noise along them stays small (flat name
     *              {@code whitenFloor})
     */
    public record Settings(double floor) {
        public Settings {
            if (!(floor > 0)) {
                throw new IllegalArgumentException("wordWhitening.floor must be > 0, got " + floor);
            }
        }
    }

    private WordWhitening() {
    }

    /** {@code vectors} whitened as {@code c} says, or themselves when its components leave whitening off. */
    public static INDArray apply(INDArray vectors, ModelConfig c) {
        WordWhitening.Settings s = c.components().wordWhitening();
        return s == null ? vectors : whiten(vectors, s.floor());
    }

    /**
     * ZCA whitening of the word rows (all but row 0, the padding, which stays zero): centred, rotated to the
     * principal axes, each scaled to unit variance, rotated back.
     */
    public static INDArray whiten(INDArray vectors, double floor) {
        INDArray words = vectors.get(NDArrayIndex.interval(1, vectors.rows()), NDArrayIndex.all()).castTo(DataType.DOUBLE);
        INDArray centred = words.subRowVector(words.mean(0));
        INDArray covariance = centred.transpose().mmul(centred).divi(words.rows());
        INDArray axes = covariance.dup(); // overwritten by the eigenvectors, one per column
        INDArray variances = org.nd4j.linalg.eigen.Eigen.symmetricGeneralizedEigenvalues(axes, true);
        double least = floor * variances.meanNumber().doubleValue();
        INDArray scale = Nd4j.createUninitialized(DataType.DOUBLE, variances.length());
        for (int i = 0; i < variances.length(); i++) {
            scale.putScalar(i, 1 / Math.sqrt(Math.max(variances.getDouble(i), 0) + least));
        }
        INDArray zca = axes.mulRowVector(scale).mmul(axes.transpose());
        INDArray out = Nd4j.zeros(DataType.FLOAT, vectors.rows(), vectors.columns());
        out.get(NDArrayIndex.interval(1, vectors.rows()), NDArrayIndex.all()).assign(centred.mmul(zca).castTo(DataType.FLOAT));
        return out;
    }
}
