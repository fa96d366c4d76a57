package org.infogap.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.infogap.model.Example;
import org.infogap.model.Predictor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifier inference for the server, off the event loop: requests put their pairs into one bounded
 * queue; a single worker thread takes whatever is waiting (up to {@code maxBatch}) and scores it in one
 * forward pass, so concurrent requests share batches. A full queue refuses at once ({@link #submit}
 * returns null) instead of letting memory grow. The model can be swapped while running: batches
 * already taken finish on the model they started with.
 */
public final class ScoringEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScoringEngine.class);

    private record Job(List<Example> examples, CompletableFuture<List<Predictor.Prediction>> result) {
    }

    private final BlockingQueue<Job> queue;
    private final int maxBatch;
    private final AtomicReference<ServingModel> model = new AtomicReference<>();
    private final Thread worker;
    private volatile boolean running = true;
    private volatile IntConsumer batchListener = size -> { };

    public ScoringEngine(int queueCapacity, int maxBatch) {
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.maxBatch = maxBatch;
        this.worker = new Thread(this::loop, "infogap-scoring");
        worker.setDaemon(true);
        worker.start();
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
        this.batchListener = listener;
    }

    public int queued() {
        return queue.size();
    }

    /** Queues pairs for scoring; null when the queue is full. */
    public CompletableFuture<List<Predictor.Prediction>> submit(List<Example> examples) {
        Job job = new Job(examples, new CompletableFuture<>());
        return queue.offer(job) ? job.result() : null;
    }

    private void loop() {
        List<Job> jobs = new ArrayList<>();
        while (running) {
            try {
                Job first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                jobs.clear();
                jobs.add(first);
                int size = first.examples().size();
                for (Job next; size < maxBatch && (next = queue.peek()) != null
                        && size + next.examples().size() <= maxBatch; ) {
                    jobs.add(queue.poll());
                    size += next.examples().size();
                }
                score(jobs, size);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void score(List<Job> jobs, int size) {
        ServingModel m = model.get();
        try {
            List<Example> all = new ArrayList<>(size);
            jobs.forEach(j -> all.addAll(j.examples()));
            List<Predictor.Prediction> predictions = m.predictor().predict(all);
            int from = 0;
            for (Job j : jobs) {
                j.result().complete(predictions.subList(from, from + j.examples().size()));
                from += j.examples().size();
            }
            batchListener.accept(all.size());
        } catch (RuntimeException e) {
            LOG.error("scoring failed", e);
            jobs.forEach(j -> j.result().completeExceptionally(e));
        }
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
    }
}
