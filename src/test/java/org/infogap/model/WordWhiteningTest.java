package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

class WordWhiteningTest {

    /** 40 words in 8 dimensions sharing one large component, as Word2Vec gives words used alike. */
    private static INDArray nearSynonyms() {
        Random r = new Random(7);
        INDArray m = Nd4j.zeros(DataType.FLOAT, 41, 8);
        for (int row = 1; row <= 40; row++) {
            for (int d = 0; d < 8; d++) {
                m.putScalar(row, d, (d == 0 ? 5f : 0f) + (float) r.nextGaussian() * (0.1f + 0.05f * d));
            }
        }
        return m;
    }

    @Test
    void whitenedWordsAreCentredWithUnitCovarianceAndNearSynonymsComeApart() {
        INDArray raw = nearSynonyms();
        assertTrue(Transforms.cosineSim(raw.getRow(1), raw.getRow(2)) > 0.95);
        INDArray white = WordWhitening.whiten(raw, WordWhitening.FLOOR);
        assertEquals(0.0, white.getRow(0).norm2Number().doubleValue(), 0.0, "padding stays zero");
        INDArray words = white.get(NDArrayIndex.interval(1, 41), NDArrayIndex.all()).castTo(DataType.DOUBLE);
        assertEquals(0.0, words.mean(0).norm2Number().doubleValue(), 1e-4);
        // unit variance along each axis, up to the floor that keeps tiny-variance axes from blowing up
        INDArray covariance = words.transpose().mmul(words).divi(40);
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                assertEquals(i == j ? 1.0 : 0.0, covariance.getDouble(i, j), 1e-2, "covariance " + i + "," + j);
            }
        }
        double cosine = Transforms.cosineSim(white.getRow(1), white.getRow(2));
        assertTrue(Math.abs(cosine) < 0.8, "cosine after whitening " + cosine);
    }

    @Test
    void aVocabularySmallerThanTheDimensionStaysFinite() {
        INDArray few = nearSynonyms().get(NDArrayIndex.interval(0, 5), NDArrayIndex.all()).dup(); // 4 words, 8 dims
        INDArray white = WordWhitening.whiten(few, WordWhitening.FLOOR);
        for (float v : white.toFloatMatrix()[1]) {
            assertTrue(Float.isFinite(v), white.toString());
        }
        assertTrue(white.getRow(1).norm2Number().doubleValue() < 10, white.toString());
    }
}
