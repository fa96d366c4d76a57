package org.infogap.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.infogap.text.Vocabulary;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Hard negatives for the match head ({@link MatchHead.Settings#swaps()}): a caption phrase with one word replaced by
 * one of its nearest Word2Vec neighbours, taught as false of the phrase's own image. The batch's other images only
 * teach the head that a phrase is false of a picture that shows other things; a phrase that differs from a true one
 * by one word ("a koala on the left" of a picture of a panda) makes it tell near kinds apart, the binding of words
 * to what is seen that contrastive image-text models lack (Yuksekgonul et al., ICLR 2023, hard negatives made from
 * captions).
 *
 * <p>Which words: a word is swapped only when the captions of at most half the batch's pairs use it, so that words
 * every caption shares ("a", "of", "picture") stay, and the words that tell the images apart (mostly what they
 * show) change. Its replacement is one of its {@value #NEIGHBOURS} nearest vocabulary words by cosine of the
 * word vectors that the own image's captions never use: a word in the same contexts, so a kind for a kind, and not
 * a synonym that its captions already say. The rule reads only the captions and the word vectors, no label or
 * generator rule.
 */
public final class SwappedCaptions {

    /** Candidates per word: its nearest vocabulary words by cosine. */
    static final int NEIGHBOURS = 10;

    private final int[][] neighbours;

    /** One negative row: its words and the pair (batch index) whose image it is false of. */
    public record Row(int[] ids, int owner) {
    }

    private SwappedCaptions(int[][] neighbours) {
        this.neighbours = neighbours;
    }

    /** Nearest neighbours of every vocabulary word (the padding and unknown ids have none and are never chosen). */
    public static SwappedCaptions of(INDArray wordVectors) {
        int words = (int) wordVectors.rows();
        float[][] unit = new float[words][];
        for (int w = 0; w < words; w++) {
            float[] v = wordVectors.getRow(w).toFloatVector();
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            if (w > Vocabulary.UNK_ID && norm > 0) {
                float inv = (float) (1 / Math.sqrt(norm));
                for (int k = 0; k < v.length; k++) {
                    v[k] *= inv;
                }
                unit[w] = v;
            }
        }
        int[][] neighbours = new int[words][];
        for (int w = 0; w < words; w++) {
            neighbours[w] = unit[w] == null ? new int[0] : nearest(unit, w);
        }
        return new SwappedCaptions(neighbours);
    }

    private static int[] nearest(float[][] unit, int w) {
        List<Integer> others = new ArrayList<>();
        double[] cosine = new double[unit.length];
        for (int o = 0; o < unit.length; o++) {
            if (o != w && unit[o] != null) {
                double dot = 0;
                for (int k = 0; k < unit[w].length; k++) {
                    dot += unit[w][k] * unit[o][k];
                }
                cosine[o] = dot;
                others.add(o);
            }
        }
        others.sort((a, b) -> a.equals(b) ? 0 : cosine[b] != cosine[a] ? Double.compare(cosine[b], cosine[a]) : Integer.compare(a, b));
        return others.subList(0, Math.min(NEIGHBOURS, others.size())).stream().mapToInt(Integer::intValue).toArray();
    }

    /** Word {@code w}'s candidates, nearest first. */
    int[] neighbours(int w) {
        return w >= 0 && w < neighbours.length ? neighbours[w].clone() : new int[0];
    }

    /**
     * One negative per caption phrase of the batch that has a word to swap (pairs in order, phrases in order), the
     * word and its replacement drawn at random among those the rule allows.
     */
    public List<Row> rows(List<Example> batch, Random random) {
        List<Set<Integer>> used = new ArrayList<>(); // per pair, the words of its image's captions
        Map<Integer, Integer> pairsUsing = new HashMap<>();
        for (Example e : batch) {
            Set<Integer> words = new HashSet<>();
            e.captions().forEach(phrase -> {
                for (int id : phrase) {
                    words.add(id);
                }
            });
            words.forEach(w -> pairsUsing.merge(w, 1, Integer::sum));
            used.add(words);
        }
        int common = batch.size() / 2;
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            for (int[] phrase : batch.get(i).captions()) {
                List<int[]> swaps = new ArrayList<>(); // {position, replacement}
                for (int p = 0; p < phrase.length; p++) {
                    int w = phrase[p];
                    if (w <= Vocabulary.UNK_ID || w >= neighbours.length || pairsUsing.getOrDefault(w, 0) > common) {
                        continue;
                    }
                    for (int r : neighbours[w]) {
                        if (!used.get(i).contains(r) && pairsUsing.getOrDefault(r, 0) <= common) {
                            swaps.add(new int[] {p, r});
                        }
                    }
                }
                if (!swaps.isEmpty()) {
                    int[] swap = swaps.get(random.nextInt(swaps.size()));
                    int[] ids = phrase.clone();
                    ids[swap[0]] = swap[1];
                    out.add(new Row(ids, i));
                }
            }
        }
        return out;
    }
}
