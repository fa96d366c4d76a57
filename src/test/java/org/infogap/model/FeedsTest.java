package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FeedsTest {

    @Test
    void theBulkCopyHoldsWhatNd4jCreateHolds() {
        float[] data = new float[3 * 4 * 5];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) Math.sin(i) * 1e3f;
        }
        INDArray bulk = Feeds.floats(data, 3, 4, 5);
        INDArray reference = Nd4j.create(data, new long[] {3, 4, 5}, DataType.FLOAT);
        assertArrayEquals(reference.shape(), bulk.shape());
        assertEquals(reference, bulk);
        assertEquals(data[37], bulk.getFloat(1, 3, 2));
        assertEquals(0, Feeds.floats(new float[0], 0, 5).length());
        assertThrows(IllegalArgumentException.class, () -> Feeds.floats(data, 3, 4, 4));
    }

    /** The image feeds are written straight into native buffers: each pair's pooled features and grid in its own row. */
    @Test
    void eachPairsFeaturesAndGridLandInItsRow() {
        ModelConfig c = EncoderSharingTest.generated(true);
        Classifier net = Classifier.create(c, NetworksTest.VECTORS);
        List<Example> batch = EncoderSharingTest.candidatesAndOthers(c);
        Map<String, INDArray> feed = Feeds.inference(batch, net);
        int pooled = c.imageFeatures();
        INDArray features = feed.get(Encoder.FEATURES);
        INDArray grid = feed.get(Encoder.GRID);
        assertArrayEquals(new long[] {batch.size(), pooled}, features.shape());
        for (int i = 0; i < batch.size(); i++) {
            float[] f = batch.get(i).features();
            assertArrayEquals(java.util.Arrays.copyOf(f, pooled), features.getRow(i).toFloatVector(), 0f, "pooled, pair " + i);
            assertArrayEquals(java.util.Arrays.copyOfRange(f, pooled, f.length), grid.get(
                    org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).dup().reshape(-1).toFloatVector(), 0f, "grid, pair " + i);
        }
        Example shortOne = new Example("short features", new float[pooled], batch.get(0).sentences(), List.of(), null, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> Feeds.inference(List.of(batch.get(0), shortOne), net),
                "a pair without the grid is refused before anything is fed");
    }

    @Test
    void standardisingInPlaceGivesWhatACopyGives() {
        Random r = new Random(5);
        float[] mean = new float[6];
        float[] std = new float[6];
        float[] x = new float[6];
        for (int i = 0; i < 6; i++) {
            mean[i] = r.nextFloat();
            std[i] = 0.5f + r.nextFloat();
            x[i] = r.nextFloat() * 3;
        }
        FeatureNorm norm = new FeatureNorm(Nd4j.createFromArray(mean), Nd4j.createFromArray(std));
        float[] copy = norm.apply(x);
        float[] same = norm.applyInPlace(x);
        assertEquals(x, same, "written over its input");
        assertArrayEquals(copy, same, 0f);
        assertThrows(IllegalArgumentException.class, () -> norm.applyInPlace(new float[5]));
    }
}
