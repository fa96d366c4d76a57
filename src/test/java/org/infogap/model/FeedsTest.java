package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
