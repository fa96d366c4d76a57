package org.infogap.eval;

import java.util.Arrays;
import java.util.List;

/**
 * Ranking quality of one query's result list, relevance graded (0 = not relevant): Recall@K (share of
 * the query's relevant candidates within the first K) and NDCG@K (DCG with gain 2^rel - 1 and discount
 * log2(rank + 1), divided by the DCG of the ideal order of all the query's candidates).
 */
public final class RankingMetrics {

    private RankingMetrics() {
    }

    /**
     * @param ranked   relevance grades of the list as shown (after any filtering)
     * @param all      relevance grades of every candidate the query had (the ideal and the recall base)
     */
    public static double recallAt(List<Integer> ranked, List<Integer> all, int k) {
        long relevant = all.stream().filter(r -> r > 0).count();
        if (relevant == 0) {
            return Double.NaN;
        }
        long found = ranked.stream().limit(k).filter(r -> r > 0).count();
        return (double) found / relevant;
    }

    public static double ndcgAt(List<Integer> ranked, List<Integer> all, int k) {
        int[] ideal = all.stream().mapToInt(Integer::intValue).map(r -> -r).sorted().map(r -> -r).toArray();
        double idcg = dcg(Arrays.stream(ideal).boxed().toList(), k);
        return idcg == 0 ? Double.NaN : dcg(ranked, k) / idcg;
    }

    static double dcg(List<Integer> ranked, int k) {
        double sum = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            sum += (Math.pow(2, ranked.get(i)) - 1) / (Math.log(i + 2) / Math.log(2));
        }
        return sum;
    }
}
