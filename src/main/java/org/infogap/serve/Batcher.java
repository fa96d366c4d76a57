package org.infogap.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded queue of jobs and worker threads that run them in batches: each worker takes whatever is waiting (up to
 * {@code maxBatch} items, only jobs for the same target) and runs them in one call, so concurrent requests share a
 * forward pass. The queue is bounded in items, not jobs, so that its length bounds the wait (a top-20 waits as long
 * as 20 single pairs); a full queue refuses at once ({@link #submit} returns null) instead of letting memory and the
 * wait grow.
 *
 * @param <T> what a job runs on (a model, an encoder): jobs are batched only with jobs of the same target
 * @param <I> an item of a job
 * @param <O> an item's result
 */
final class Batcher<T, I, O> implements AutoCloseable {

    /** Runs a batch: {@code worker} is the calling worker's index, the result has one entry per item, in order. */
    @FunctionalInterface
    interface Runner<T, I, O> {
        List<O> run(int worker, T target, List<I> items);
    }

    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);

    private record Job<T, I, O>(T target, List<I> items, CompletableFuture<List<O>> result) {
    }

    private final BlockingQueue<Job<T, I, O>> queue;
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
    private final int capacity;
    private final int maxBatch;
    private final Runner<T, I, O> runner;
    private final List<Thread> workers = new ArrayList<>();
    private final ReentrantLock taking = new ReentrantLock();
    private volatile boolean running = true;
    private volatile IntConsumer batchListener = size -> { };

    Batcher(String name, int queueCapacity, int maxBatch, int workers, Runner<T, I, O> runner) {
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.capacity = queueCapacity;
        this.maxBatch = maxBatch;
        this.runner = runner;
        for (int i = 0; i < Math.max(1, workers); i++) {
            int index = i;
            Thread t = new Thread(() -> loop(index), name + "-" + i);
            t.setDaemon(true);
            t.start();
            this.workers.add(t);
        }
    }

    int workers() {
        return workers.size();
    }

    /** Called with the number of items of every batch run (metrics). */
    void onBatch(IntConsumer listener) {
        this.batchListener = listener;
    }

    /** Items waiting. */
    int queued() {
        return waiting.get();
    }

    /** Queues a job; null when its items would take the queue past its capacity in items. */
    CompletableFuture<List<O>> submit(T target, List<I> items) {
        int before = waiting.getAndAdd(items.size());
        if (before > 0 && before + items.size() > capacity) { // one job alone always fits
            waiting.addAndGet(-items.size());
            return null;
        }
        Job<T, I, O> job = new Job<>(target, List.copyOf(items), new CompletableFuture<>());
        if (!queue.offer(job)) {
            waiting.addAndGet(-items.size());
            return null;
        }
        return job.result();
    }

    private void loop(int worker) {
        List<Job<T, I, O>> jobs = new ArrayList<>();
        while (running) {
            try {
                jobs.clear();
                int size = take(jobs);
                if (size == 0) {
                    continue;
                }
                waiting.addAndGet(-size);
                run(worker, jobs.get(0).target(), jobs, size);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Takes the next job and the ones behind it that fit its batch into {@code jobs}; returns their items (0: none
     * came). One worker at a time: a job peeked at must be the one polled, which another worker's poll in between
     * would break (it gave a worker a null job and another target's, 2026-12-07).
     */
    private int take(List<Job<T, I, O>> jobs) throws InterruptedException {
        taking.lockInterruptibly();
        try {
            Job<T, I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
            if (first == null) {
                return 0;
            }
            jobs.add(first);
            int size = first.items().size();
            // the same target only: a reload may leave jobs for the old model behind the new one's
            for (Job<T, I, O> next; size < maxBatch && (next = queue.peek()) != null && next.target() == first.target()
                    && size + next.items().size() <= maxBatch; ) {
                jobs.add(queue.poll());
                size += next.items().size();
            }
            return size;
        } finally {
            taking.unlock();
        }
    }

    private void run(int worker, T target, List<Job<T, I, O>> jobs, int size) {
        try {
            List<I> all = new ArrayList<>(size);
            jobs.forEach(j -> all.addAll(j.items()));
            List<O> results = runner.run(worker, target, all);
            int from = 0;
            for (Job<T, I, O> j : jobs) {
                j.result().complete(results.subList(from, from + j.items().size()));
                from += j.items().size();
            }
            batchListener.accept(all.size());
        } catch (RuntimeException e) {
            LOG.error("batch failed", e);
            jobs.forEach(j -> j.result().completeExceptionally(e));
        }
    }

    @Override
    public void close() {
        running = false;
        workers.forEach(Thread::interrupt);
    }
}
