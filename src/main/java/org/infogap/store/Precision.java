package org.infogap.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.indexer.HalfIndexer;

/**
 * How a feature record's floats are stored. {@code FLOAT16} is IEEE half precision (JavaCPP's
 * conversion, the one ND4J's HALF arrays use). {@code UINT8} stores each group of {@value #GROUP} values
 * as 8-bit codes between the group's minimum and maximum (two floats per group): InceptionV3's
 * activations differ in range from cell to cell, so one range per record would waste most codes.
 */
public enum Precision {
    FLOAT32,
    FLOAT16,
    UINT8;

    /** Every half-precision bit pattern's float: a table lookup decodes a record 4x faster than converting each value. */
    private static final float[] HALF = new float[1 << 16];

    static {
        for (int h = 0; h < HALF.length; h++) {
            HALF[h] = HalfIndexer.toFloat(h);
        }
    }

    /** Values per quantisation range in {@link #UINT8}: one grid cell's channels are 768. */
    static final int GROUP = 256;

    /** Bytes of one record of {@code dimensions} floats. */
    public int bytes(int dimensions) {
        return switch (this) {
            case FLOAT32 -> 4 * dimensions;
            case FLOAT16 -> 2 * dimensions;
            case UINT8 -> dimensions + 8 * groups(dimensions);
        };
    }

    public byte[] encode(float[] values) {
        ByteBuffer out = ByteBuffer.allocate(bytes(values.length)).order(ByteOrder.LITTLE_ENDIAN);
        switch (this) {
            case FLOAT32 -> out.asFloatBuffer().put(values);
            case FLOAT16 -> {
                for (float v : values) {
                    out.putShort((short) HalfIndexer.fromFloat(v));
                }
            }
            case UINT8 -> {
                for (int from = 0; from < values.length; from += GROUP) {
                    int to = Math.min(values.length, from + GROUP);
                    float min = Float.POSITIVE_INFINITY;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int i = from; i < to; i++) {
                        min = Math.min(min, values[i]);
                        max = Math.max(max, values[i]);
                    }
                    float step = max > min ? (max - min) / 255f : 0f;
                    out.putFloat(min).putFloat(step);
                    for (int i = from; i < to; i++) {
                        out.put((byte) (step == 0f ? 0 : Math.round((values[i] - min) / step)));
                    }
                }
            }
        }
        return out.array();
    }

    public float[] decode(byte[] bytes, int dimensions) {
        if (bytes.length != bytes(dimensions)) {
            throw new IllegalArgumentException("a " + this + " record of " + dimensions + " values has " + bytes(dimensions)
                    + " bytes, this one " + bytes.length);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[dimensions];
        switch (this) {
            case FLOAT32 -> in.asFloatBuffer().get(out);
            case FLOAT16 -> {
                java.nio.ShortBuffer halves = in.asShortBuffer();
                for (int i = 0; i < dimensions; i++) {
                    out[i] = HALF[halves.get(i) & 0xffff];
                }
            }
            case UINT8 -> {
                for (int from = 0; from < dimensions; from += GROUP) {
                    int to = Math.min(dimensions, from + GROUP);
                    float min = in.getFloat();
                    float step = in.getFloat();
                    for (int i = from; i < to; i++) {
                        out[i] = min + step * (in.get() & 0xff);
                    }
                }
            }
        }
        return out;
    }

    private static int groups(int dimensions) {
        return (dimensions + GROUP - 1) / GROUP;
    }
}
