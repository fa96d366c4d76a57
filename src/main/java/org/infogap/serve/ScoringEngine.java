package org.infogap.serve;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.infogap.model.Example;
import org.infogap.model.Predictor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifier inference for the server, off the event loop: requests put their pairs into one bounded queue; each of
 * {@code workers} threads takes whatever is waiting (up to {@code maxBatch} pairs) and scores it in one forward pass
 * with its own predictor ({@link Batcher}), so concurrent requests share batches. A full queue refuses at once. The
 * model can be swapped while running: batches already taken finish on the model they started with.
 *
 * <p>A request is one job, scored by one worker: split between two workers, a top-20 at one client was slower
 * (361 pairs/s against 415 on 2 cores, where the other core is the HTTP side's;
 * docs/decisions/2026-12-06-scoring-throughput.md).
 */
public final class ScoringEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScoringEngine.class);

    private final AtomicReference<ServingModel> model = new AtomicReference<>();
    private final Batcher<ServingModel, Example, Predictor.Prediction> batcher;

    public ScoringEngine(int queueCapacity, int maxBatch, int workers) {
        this.batcher = new Batcher<>("infogap-scoring", queueCapacity, maxBatch, workers,
                (worker, m, examples) -> m.predictor(worker).predict(examples));
    }

    public int workers() {
        return batcher.workers();
    }

    public void setModel(ServingModel m) {
        ServingModel old = model.getAndSet(m);
        LOG.info("serving model {}{}", m.id(), old == null ? "" : " (was " + old.id() + ")");
    }

    public ServingModel model() {
        return model.get();
    }

    /** Called with the size of every batch scored (metrics). */
    public void onBatch(IntConsumer listener) {
        batcher.onBatch(listener);
    }

    public int queued() {
        return batcher.queued();
    }

    /**
     * Queues pairs for scoring with {@code m}, the model their features were standardised for (a reload meanwhile
     * does not mix models within a request); null when the queue is full.
     */
    public CompletableFuture<List<Predictor.Prediction>> submit(ServingModel m, List<Example> examples) {
        return batcher.submit(m, examples);
    }

    @Override
    public void close() {
        batcher.close();
    }
}
