package org.infogap.eval;

/** The most frequent training level (the lowest level on a tie), predicted for every pair. */
public final class MajorityBaseline {

    private MajorityBaseline() {
    }

    public static int fit(int[] trainLevels) {
        int[] counts = new int[Metrics.LEVELS];
        for (int l : trainLevels) {
            counts[l]++;
        }
        int best = 0;
        for (int l = 1; l < counts.length; l++) {
            if (counts[l] > counts[best]) {
                best = l;
            }
        }
        return best;
    }
}
