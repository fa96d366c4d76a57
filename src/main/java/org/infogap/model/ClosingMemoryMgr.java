package org.infogap.model;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A SameDiff session memory manager that frees an op's output as soon as the session releases it (no later op reads
 * it), instead of keeping it in a cache (SameDiff's default, up to a quarter of the memory per session and thread)
 * or leaving it to the garbage collector, which frees native memory only when it gets to the array's small Java
 * object. A server scoring with several graphs (one per {@link Encoder.Shape}) grew by 0.5-1 GiB a minute under load
 * with the default (docs/decisions/2026-12-06-scoring-throughput.md). The session releases only arrays that nothing
 * reads any more (the cache reuses them for the next op), so closing them is safe.
 */
final class ClosingMemoryMgr extends AbstractMemoryMgr {

    /** {@code -Dinfogap.predict.arrayCache=true}: leave SameDiff's own cache in place (for comparison). */
    static final boolean KEEP_CACHE = Boolean.getBoolean("infogap.predict.arrayCache");

    /** Makes the calling thread's session of {@code sd} use this manager; before its first output on the thread. */
    static void install(SameDiff sd) {
        if (KEEP_CACHE) {
            return;
        }
        sd.getSessions().computeIfAbsent(Thread.currentThread().getId(), id -> {
            InferenceSession session = new InferenceSession(sd);
            session.setMmgr(new ClosingMemoryMgr());
            return session;
        });
    }

    @Override
    public INDArray allocate(boolean detached, DataType dataType, long... shape) {
        return Nd4j.createUninitialized(dataType, shape);
    }

    @Override
    public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        return Nd4j.create(descriptor, false);
    }

    @Override
    public void release(INDArray array) {
        if (array != null && array.closeable()) {
            array.close();
        }
    }

    @Override
    public void close() {
        // nothing held
    }
}
