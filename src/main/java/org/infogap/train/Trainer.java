package org.infogap.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.infogap.io.AtomicFiles;
import org.infogap.io.Json;
import org.infogap.model.Example;
import org.infogap.model.ModelBundle;
import org.infogap.model.Network;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch loop: seeded shuffling, SGD with the learning rate multiplied by {@code lrDecay} after
 * every epoch (paper: halved), a progress bar with loss, pairs/s and ETA, validation after every epoch,
 * then {@code last.zip} written atomically and {@code best.zip} replaced when validation improved.
 * With {@code resume}, training continues after the last completed epoch of {@code last.zip}, with
 * the same shuffles and learning rates as an uninterrupted run.
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    public static final String LAST = "last.zip";
    public static final String BEST = "best.zip";
    /** Settings a resumed run may change: how long it trains. */
    static final java.util.Set<String> RESUMABLE_CHANGES = java.util.Set.of("aeEpochs", "classifierEpochs", "matchEpochs");

    /** How to score a network after an epoch: named figures and the one that selects the best checkpoint. */
    public interface Validation {
        Map<String, Double> evaluate(Network net);
    }

    /**
     * Collect garbage every this many steps (0: never; {@code -Dinfogap.train.gcSteps=N}). ND4J frees an array's
     * native memory only when its Java object is collected, and those objects are small: with a 1 GiB heap
     * the old generation is rarely collected while gigabytes of native memory wait behind it. Measured with
     * {@code bench train} (default classifier, 804 pairs, 3 epochs, one machine and session, 2026-12-01): peak
     * resident 8.7 GiB collecting every 20 steps, 5.5 GiB every 5 steps; epochs 2-3 took 36.1 / 31.5 s and 39.3 /
     * 41.3 s (docs/decisions/2026-11-30-training-memory.md).
     */
    static final int GC_STEPS = Integer.getInteger("infogap.train.gcSteps", 5);

    /**
     * Benchmarks only ({@code bench scale}): a run stops after this many steps of an epoch, before its validation and
     * checkpoint, and writes its speed and memory to {@link #STATS_FILE}. 0: no limit.
     */
    static final int MAX_STEPS = Integer.getInteger("infogap.train.maxSteps", 0);
    static final String STATS_FILE = System.getProperty("infogap.train.stats", "");
    /** Steps before the timed ones: the first allocate the graph's arrays and warm the JIT. */
    private static final int UNTIMED_STEPS = 3;

    private final Network net;
    private final BiFunction<List<Example>, Random, Map<String, INDArray>> feed;
    private final Validation validation;
    private final String selectBy;
    private final boolean higherIsBetter;
    private final Function<ObjectNode, ModelBundle> bundle;
    private IntConsumer stepHook = step -> { };

    /**
     * @param bundle makes the bundle to save from the training state (the network's parameters are
     *               taken by the caller's function at that moment)
     */
    public Trainer(Network net, BiFunction<List<Example>, Random, Map<String, INDArray>> feed, Validation validation,
                   String selectBy, boolean higherIsBetter, Function<ObjectNode, ModelBundle> bundle) {
        this.net = net;
        this.feed = feed;
        this.validation = validation;
        this.selectBy = selectBy;
        this.higherIsBetter = higherIsBetter;
        this.bundle = bundle;
    }

    /** Called after every step with the global step number; tests use it to kill a run half-way. */
    public void setStepHook(IntConsumer hook) {
        this.stepHook = hook;
    }

    /** Trains up to {@code epochs}; returns the history (one object per epoch). */
    public ArrayNode run(List<Example> train, int epochs, Path dir, boolean resume) throws IOException {
        if (train.size() < 2) {
            throw new IllegalArgumentException("training needs at least 2 pairs, got " + train.size());
        }
        Files.createDirectories(dir);
        ArrayNode history = Json.mapper().createArrayNode();
        int start = 1;
        double best = Double.NaN;
        Path last = dir.resolve(LAST);
        if (resume && Files.exists(last)) {
            ModelBundle saved = ModelBundle.load(last);
            // Another graph's variables (and Adam's moments) would be copied into this one's: refuse in words
            // rather than fail in native code. The number of epochs is what a resume may change.
            List<String> changed = saved.config().differences(net.config(), RESUMABLE_CHANGES);
            if (!changed.isEmpty()) {
                throw new IllegalArgumentException(last + " was saved with other settings (" + String.join(", ", changed)
                        + "): resume with the settings it was saved with, or train into another folder");
            }
            net.setParameters(saved.parameters());
            ObjectNode state = saved.state();
            start = state.path("epoch").asInt() + 1;
            best = state.path("best").asDouble(Double.NaN);
            state.withArray("history").forEach(history::add);
            if (!selectBy.equals(state.path("select_by").asText(selectBy))) {
                // a checkpoint from a version that selected by another figure: the best of the history by this one
                best = Double.NaN;
                for (JsonNode record : history) {
                    JsonNode v = record.path("validation").path(selectBy);
                    if (v.isNumber() && improves(v.asDouble(), best)) {
                        best = v.asDouble();
                    }
                }
                LOG.info("{} selected by {}, this version by {}: best so far {}", last, state.path("select_by").asText(),
                        selectBy, best);
            }
            LOG.info("resuming after epoch {} of {} from {}", start - 1, epochs, last);
        } else if (resume) {
            LOG.info("nothing to resume in {}: starting from scratch", dir);
        }
        var c = net.config();
        int batchSize = c.training().batchSize();
        int globalStep = (start - 1) * ((train.size() + batchSize - 1) / batchSize);
        for (int epoch = start; epoch <= epochs; epoch++) {
            double lr = c.training().learningRate() * Math.pow(c.training().lrDecay(), epoch - 1);
            int[] order = shuffled(train.size(), new Random(c.training().seed() * 1_000_003L + epoch));
            Random dropout = new Random(c.training().seed() * 7919L + epoch);
            Map<String, Double> sums = new LinkedHashMap<>();
            long t0 = System.nanoTime();
            try (ProgressBar bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
                    .setInitialMax(order.length).setUnit(" pairs", 1).showSpeed().build()) {
                for (int from = 0, to; from < order.length; from = to) {
                    to = Math.min(order.length, from + batchSize);
                    if (order.length - to == 1) {
                        to++; // SameDiff M2.1's backward pass fails on a batch of one (NetworksTest): never leave one over
                    }
                    List<Example> batch = new ArrayList<>(to - from);
                    for (int k = from; k < to; k++) {
                        batch.add(train.get(order[k])); // a spooled example is read here, one batch at a time
                    }
                    Network.Step step = net.trainStep(feed.apply(batch, dropout), lr);
                    step.losses().forEach((k, v) -> sums.merge(k, v * batch.size(), Double::sum));
                    bar.stepBy(batch.size());
                    double seen = to;
                    bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f", sums.getOrDefault(net.lossName(), 0.0) / seen));
                    stepHook.accept(++globalStep);
                    if (GC_STEPS > 0 && globalStep % GC_STEPS == 0) {
                        System.gc();
                    }
                    int stepOfRun = globalStep - (start - 1) * ((train.size() + batchSize - 1) / batchSize);
                    if (stepOfRun == UNTIMED_STEPS) {
                        timedFrom = System.nanoTime();
                        timedPairs = -to;
                    }
                    if (MAX_STEPS > 0 && stepOfRun >= MAX_STEPS) {
                        stopForBenchmark(train.size(), timedPairs + to, (System.nanoTime() - timedFrom) / 1e9);
                        return history;
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> val = validation.evaluate(net);
            ObjectNode record = history.addObject().put("epoch", epoch).put("learning_rate", lr)
                    .put("seconds", seconds).put("pairs_per_second", order.length / seconds)
                    .put("rss_bytes", org.infogap.io.ProcessMemory.residentBytes())
                    .put("heap_committed_bytes", org.infogap.io.ProcessMemory.heapCommittedBytes())
                    .put("offheap_tracked_bytes", org.infogap.io.ProcessMemory.trackedOffHeapBytes());
            ObjectNode trainNode = record.putObject("train");
            sums.forEach((k, v) -> trainNode.put(k, v / order.length));
            ObjectNode valNode = record.putObject("validation");
            val.forEach(valNode::put);
            double score = val.get(selectBy);
            boolean improved = improves(score, best);
            if (improved) {
                best = score;
            }
            ObjectNode state = Json.mapper().createObjectNode().put("epoch", epoch).put("epochs", epochs)
                    .put("select_by", selectBy).put("best", best);
            state.set("history", history.deepCopy());
            ModelBundle b = bundle.apply(state);
            b.save(last);
            if (improved) {
                AtomicFiles.writeVia(dir.resolve(BEST), tmp -> Files.copy(last, tmp, StandardCopyOption.REPLACE_EXISTING));
            }
            LOG.info("epoch {}/{}: lr {} train {} validation {}{} ({} s, {} pairs/s, resident {})", epoch, epochs,
                    String.format(Locale.ROOT, "%.4g", lr), format(trainNode), format(valNode), improved ? " (best)" : "",
                    String.format(Locale.ROOT, "%.1f", seconds), String.format(Locale.ROOT, "%.0f", order.length / seconds),
                    org.infogap.io.ProcessMemory.gib(record.path("rss_bytes").asLong()));
        }
        return history;
    }


    /**
     * A seeded permutation of 0..n-1, drawn as {@link Collections#shuffle(List, Random)} draws a list's: the order of
     * examples in memory was this, and stays so now that an epoch shuffles positions instead of the examples.
     */
    static int[] shuffled(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n; i > 1; i--) {
            int j = random.nextInt(i);
            int t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        return order;
    }

    private long timedFrom;
    private long timedPairs;

    private static void stopForBenchmark(int examples, long pairs, double seconds) throws IOException {
        ObjectNode stats = Json.mapper().createObjectNode().put("examples", examples).put("max_steps", MAX_STEPS)
                .put("timed_pairs", pairs).put("timed_seconds", seconds)
                .put("seconds_per_1000_pairs", pairs > 0 ? seconds / pairs * 1000 : Double.NaN)
                .put("rss_bytes", org.infogap.io.ProcessMemory.residentBytes())
                .put("peak_rss_bytes", org.infogap.io.ProcessMemory.peakResidentBytes());
        LOG.info("stopped after {} steps (infogap.train.maxSteps): {}", MAX_STEPS, stats);
        if (!STATS_FILE.isEmpty()) {
            AtomicFiles.writeString(Path.of(STATS_FILE), stats.toString());
        }
    }

    private static String format(ObjectNode node) {
        StringBuilder s = new StringBuilder();
        node.fields().forEachRemaining(e -> s.append(s.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                .append(String.format(Locale.ROOT, "%.4f", e.getValue().asDouble())));
        return s.toString();
    }

    /** Whether {@code score} beats {@code best} by the selecting figure; anything beats no best yet (NaN). */
    private boolean improves(double score, double best) {
        return Double.isNaN(best) || (higherIsBetter ? score > best : score < best);
    }
}
