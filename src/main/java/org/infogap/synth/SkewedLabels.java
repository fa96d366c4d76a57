package org.infogap.synth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The target levels of a skewed corpus's labelled pairs, so that their counts are the paper's (Tables 1 and 2) scaled
 * to the number of pairs, exactly up to rounding.
 *
 * <p>Why not draw CMI and SC independently and redraw what the label rules cannot produce: the rules tie the two
 * measures (a text that describes nothing of its image, CMI 0, cannot agree with it; a caption, CMI 1, cannot
 * contradict it), so such a redraw keeps few of the drawn CMI 0 and loses SC 1 with them. Measured on an 826-pair
 * corpus so drawn: CMI 0 on 12 pairs instead of 44, CMI 0.5 on 503 instead of 466, SC 1 on 469 instead of 541, which
 * moves the most frequent label's accuracy, the bar that the paper's lifts are measured from, by 4.5 (CMI) and -9
 * (SC) points. Here the counts are fixed first, then paired: the most constrained CMI levels take their SC levels
 * first, each from the SC levels still left that the rules allow with it, in proportion to how many are left.
 */
final class SkewedLabels {

    /** One labelled pair's target: level indexes, 0..4. */
    record Target(int cmi, int sc) {
    }

    private static final int RESTARTS = 1_000;

    private SkewedLabels() {
    }

    /**
     * Targets in random order whose CMI and SC counts are {@code cmi} and {@code sc} (each summing to the number of
     * targets; {@link #scaled} gives such counts), each a pair that {@code feasible[cmi][sc]} allows.
     *
     * @throws IllegalArgumentException when the counts differ in total or cannot be paired within what is feasible
     */
    static List<Target> draw(int[] cmi, int[] sc, boolean[][] feasible, Random random) {
        if (java.util.stream.IntStream.of(cmi).sum() != java.util.stream.IntStream.of(sc).sum()) {
            throw new IllegalArgumentException("the CMI counts " + java.util.Arrays.toString(cmi) + " and SC counts "
                    + java.util.Arrays.toString(sc) + " differ in total");
        }
        // fewest allowed SC levels first: they are the ones a late pick could leave without a partner
        List<Integer> order = new ArrayList<>();
        for (int level = 0; level < cmi.length; level++) {
            order.add(level);
        }
        order.sort((x, y) -> Integer.compare(allowed(feasible[x]), allowed(feasible[y])));
        for (int attempt = 0; attempt < RESTARTS; attempt++) {
            List<Target> out = pair(cmi, sc.clone(), order, feasible, random);
            if (out != null) {
                Collections.shuffle(out, random);
                return out;
            }
        }
        throw new IllegalArgumentException("the CMI counts " + java.util.Arrays.toString(cmi) + " and SC counts "
                + java.util.Arrays.toString(sc) + " cannot be paired within what the label rules allow");
    }

    private static List<Target> pair(int[] cmi, int[] scLeft, List<Integer> order, boolean[][] feasible, Random random) {
        List<Target> out = new ArrayList<>();
        for (int c : order) {
            for (int i = 0; i < cmi[c]; i++) {
                int total = 0;
                for (int s = 0; s < scLeft.length; s++) {
                    total += feasible[c][s] ? scLeft[s] : 0;
                }
                if (total == 0) {
                    return null;
                }
                int r = random.nextInt(total);
                for (int s = 0; s < scLeft.length; s++) {
                    r -= feasible[c][s] ? scLeft[s] : 0;
                    if (r < 0) {
                        scLeft[s]--;
                        out.add(new Target(c, s));
                        break;
                    }
                }
            }
        }
        return out;
    }

    private static int allowed(boolean[] row) {
        int k = 0;
        for (boolean b : row) {
            k += b ? 1 : 0;
        }
        return k;
    }

    /** {@code counts} scaled to sum to {@code n}: floors, then one more to the largest remainders (ties: lower level). */
    static int[] scaled(int[] counts, int n) {
        long total = 0;
        for (int c : counts) {
            total += c;
        }
        int[] out = new int[counts.length];
        double[] remainder = new double[counts.length];
        int given = 0;
        for (int i = 0; i < counts.length; i++) {
            double exact = (double) counts[i] * n / total;
            out[i] = (int) Math.floor(exact);
            remainder[i] = exact - out[i];
            given += out[i];
        }
        for (; given < n; given++) {
            int best = 0;
            for (int i = 1; i < counts.length; i++) {
                if (remainder[i] > remainder[best]) {
                    best = i;
                }
            }
            out[best]++;
            remainder[best] = -1;
        }
        return out;
    }

    /**
     * Which (CMI, SC) pairs the label rules can produce for a text of at most {@code maxSentences} sentences about an
     * image of {@code objects} objects: every plan enumerated.
     */
    static boolean[][] feasible(int objects, int maxSentences) {
        boolean[][] out = new boolean[5][5];
        for (int t = 1; t <= maxSentences; t++) {
            for (int a = 0; a <= t; a++) {
                for (int c = 0; a + c <= t; c++) {
                    for (int d = a == 0 ? 0 : 1; d <= Math.min(a, objects); d++) {
                        out[LabelRules.cmi(objects, d, a, t).index()][LabelRules.sc(a, c, t).index()] = true;
                    }
                }
            }
        }
        return out;
    }

    /** {@link #feasible(int, int)} for each of {@code 1..maxObjects} objects, at its object count. */
    static boolean[][][] feasibleByObjects(int maxObjects, int maxSentences) {
        boolean[][][] out = new boolean[maxObjects + 1][][];
        for (int n = 1; n <= maxObjects; n++) {
            out[n] = feasible(n, maxSentences);
        }
        return out;
    }

    /** What any of the object counts of {@link #feasibleByObjects} allows. */
    static boolean[][] any(boolean[][][] byObjects) {
        boolean[][] out = new boolean[5][5];
        for (boolean[][] f : byObjects) {
            for (int i = 0; f != null && i < 5; i++) {
                for (int j = 0; j < 5; j++) {
                    out[i][j] |= f[i][j];
                }
            }
        }
        return out;
    }

    /** {@link #feasible(int, int)} for any of {@code 1..maxObjects} objects. */
    static boolean[][] feasibleForAny(int maxObjects, int maxSentences) {
        return any(feasibleByObjects(maxObjects, maxSentences));
    }
}
