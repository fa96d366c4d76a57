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
        if (!(randomShare >= 0 && randomShare <= 1)) {
            throw new IllegalArgumentException("random share must be in [0, 1], got " + randomShare);
        }
        List<String> sure = new ArrayList<>(randomOrder);
        // stable: equal uncertainties keep the random order
        sure.sort(Comparator.comparingDouble((String k) -> -uncertainty.getOrDefault(k, Double.NEGATIVE_INFINITY)));
        int every = randomShare == 0 ? Integer.MAX_VALUE : (int) Math.max(1, Math.round(1 / randomShare));
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
     * The queue of {@code train} and {@code test} keys: the training pairs by {@code uncertainty} (null: no model, the
     * random order), the test pairs in their own random order, spread through it.
     */
    public static List<String> order(List<String> train, List<String> test, Map<String, Double> uncertainty,
                                     double randomShare, long seed) {
        List<String> trainOrder = random(train, seed);
        if (uncertainty != null) {
            trainOrder = byUncertainty(trainOrder, uncertainty, randomShare);
        }
        return withTestSpread(trainOrder, random(test, seed + 1));
    }
}
