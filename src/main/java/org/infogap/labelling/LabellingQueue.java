package org.infogap.labelling;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The order in which pairs are offered for labelling.
 *
 * <ul>
 *   <li>Without a model: a seeded random order, so that any prefix of the labels is a fair sample.</li>
 *   <li>With a model's uncertainty per pair: the least sure first, except that every {@code 1 / randomShare}-th
 *       place goes to the next pair of the random order. Labels chosen by a model are biased towards what it finds
 *       hard; the random share keeps a sample that estimates the whole collection.</li>
 *   <li>Test-split pairs are never ordered by the model: they keep their place in the random order and are
 *       spread through the queue in their share of the collection, so that evaluation stays unbiased.</li>
 * </ul>
 */
public final class LabellingQueue {

    /** One in five places goes to a random pair. */
    public static final double DEFAULT_RANDOM_SHARE = 0.2;

    private LabellingQueue() {
    }

    /** {@code keys} in a random order fixed by {@code seed}. */
    public static List<String> random(List<String> keys, long seed) {
        List<String> out = new ArrayList<>(keys);
        Collections.shuffle(out, new Random(seed));
        return out;
    }

    /**
     * The training pairs' order: {@code randomOrder}'s pairs, the most uncertain first, every
     * {@code round(1 / randomShare)}-th place taken by the next unused pair of {@code randomOrder} (a share of 0
     * orders by uncertainty alone; 1 keeps the random order). Pairs without an uncertainty count as least uncertain.
     */
    public static List<String> byUncertainty(List<String> randomOrder, Map<String, Double> uncertainty,
                                             double randomShare) {
        int every = randomEvery(randomShare);
        List<String> sure = new ArrayList<>(randomOrder);
        // stable: equal uncertainties keep the random order
        sure.sort(Comparator.comparingDouble((String k) -> -uncertainty.getOrDefault(k, Double.NEGATIVE_INFINITY)));
        Set<String> out = new LinkedHashSet<>();
        int u = 0;
        int r = 0;
        while (out.size() < randomOrder.size()) {
            boolean randomPlace = (out.size() + 1) % every == 0;
            if (randomPlace) {
                while (r < randomOrder.size() && out.contains(randomOrder.get(r))) {
                    r++;
                }
                if (r < randomOrder.size()) {
                    out.add(randomOrder.get(r));
                    continue;
                }
            }
            while (u < sure.size() && out.contains(sure.get(u))) {
                u++;
            }
            out.add(sure.get(u));
        }
        return new ArrayList<>(out);
    }

    /**
     * The whole queue: {@code train} as ordered, {@code test} (in its own fixed order) spread through it evenly, so
     * that after n labels about {@code n * test / (train + test)} are test pairs.
     */
    public static List<String> withTestSpread(List<String> train, List<String> test) {
        List<String> out = new ArrayList<>(train.size() + test.size());
        int total = train.size() + test.size();
        int t = 0;
        int tr = 0;
        for (int i = 0; i < total; i++) {
            // the test pairs due by place i + 1, in their share
            boolean testDue = t < test.size() && (tr >= train.size() || (long) (t + 1) * total <= (long) (i + 1) * test.size());
            out.add(testDue ? test.get(t++) : train.get(tr++));
        }
        return out;
    }

    /**
     * The queue of {@code train} and {@code test} keys. The training pairs: without {@code uncertainty} (no model)
     * the random order; with it, the least sure first, drawn {@link #diverse} when {@code embedding} is given (pairs
     * in {@code labelled} count as chosen and go last), else {@link #byUncertainty}. The test pairs in their own
     * random order, spread through it.
     */
    public static List<String> order(List<String> train, List<String> test, Map<String, Double> uncertainty,
                                     Map<String, float[]> embedding, Set<String> labelled, double randomShare, long seed) {
        List<String> trainOrder = random(train, seed);
        if (uncertainty != null && embedding != null) {
            List<String> open = trainOrder.stream().filter(k -> !labelled.contains(k)).toList();
            List<String> done = trainOrder.stream().filter(labelled::contains).toList();
            trainOrder = new ArrayList<>(diverse(open, uncertainty, embedding, done.stream().map(embedding::get).toList(),
                    open.size(), randomShare, seed));
            trainOrder.addAll(done);
        } else if (uncertainty != null) {
            trainOrder = byUncertainty(trainOrder, uncertainty, randomShare);
        }
        return withTestSpread(trainOrder, random(test, seed + 1));
    }

    /**
     * A batch of {@code size} pairs from {@code pool} that are both uncertain and unlike each other and the pairs
     * already labelled (BADGE's idea, Ash et al. 2020, on the article embedding): each next pair is drawn with
     * probability proportional to its uncertainty times its squared distance to the nearest pair chosen or
     * labelled. Top-k uncertainty takes many near-copies of one hard region; this spreads the batch. Every
     * {@code round(1 / randomShare)}-th place goes to the next unused pair of {@code pool}'s own (random) order.
     */
    public static List<String> diverse(List<String> pool, Map<String, Double> uncertainty, Map<String, float[]> embedding,
                                       List<float[]> labelled, int size, double randomShare, long seed) {
        Random random = new Random(seed);
        int n = pool.size();
        double[] nearest = new double[n];
        java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        for (float[] l : labelled) {
            for (int i = 0; i < n; i++) {
                nearest[i] = Math.min(nearest[i], distance(embedding.get(pool.get(i)), l));
            }
        }
        boolean[] taken = new boolean[n];
        int every = randomEvery(randomShare);
        List<String> out = new ArrayList<>();
        int r = 0;
        while (out.size() < Math.min(size, n)) {
            int pick = -1;
            if ((out.size() + 1) % every == 0) {
                while (r < n && taken[r]) {
                    r++;
                }
                pick = r < n ? r : -1;
            }
            if (pick < 0) {
                double total = 0;
                double[] weight = new double[n];
                for (int i = 0; i < n; i++) {
                    double d = Double.isInfinite(nearest[i]) ? 1 : nearest[i];
                    weight[i] = taken[i] ? 0 : Math.max(1e-12, uncertainty.getOrDefault(pool.get(i), 0.0)) * d;
                    total += weight[i];
                }
                double x = random.nextDouble() * total;
                for (int i = 0; i < n; i++) {
                    if (taken[i]) {
                        continue;
                    }
                    pick = i;
                    x -= weight[i];
                    if (x <= 0) {
                        break;
                    }
                }
            }
            taken[pick] = true;
            out.add(pool.get(pick));
            float[] chosen = embedding.get(pool.get(pick));
            for (int i = 0; i < n; i++) {
                nearest[i] = Math.min(nearest[i], distance(embedding.get(pool.get(i)), chosen));
            }
        }
        return out;
    }

    /** Every how many places one goes to the random order: {@code round(1 / randomShare)}, never for a share of 0. */
    private static int randomEvery(double randomShare) {
        if (!(randomShare >= 0 && randomShare <= 1)) {
            throw new IllegalArgumentException("random share must be in [0, 1], got " + randomShare);
        }
        return randomShare == 0 ? Integer.MAX_VALUE : (int) Math.max(1, Math.round(1 / randomShare));
    }

    private static double distance(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i] - b[i];
            d += x * x;
        }
        return d;
    }
}
