package org.infogap.labelling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.infogap.model.Predictor;
import org.junit.jupiter.api.Test;

class LabellingQueueTest {

    private static List<String> keys(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void theMostUncertainComeFirstAndEveryFifthPlaceIsTheNextRandomPair() {
        List<String> random = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        Map<String, Double> u = new HashMap<>();
        for (int i = 0; i < random.size(); i++) {
            u.put(random.get(i), (double) i); // j is the least sure, a the surest
        }
        List<String> order = LabellingQueue.byUncertainty(random, u, 0.2);
        assertEquals(List.of("j", "i", "h", "g", "a", "f", "e", "d", "c", "b"), order);
        assertEquals(List.of("j", "i", "h", "g", "f", "e", "d", "c", "b", "a"), LabellingQueue.byUncertainty(random, u, 0));
        assertEquals(random, LabellingQueue.byUncertainty(random, u, 1));
        assertThrows(IllegalArgumentException.class, () -> LabellingQueue.byUncertainty(random, u, 1.5));
    }

    @Test
    void testPairsAreSpreadInTheirShareAndNeverReorderedByTheModel() {
        List<String> train = keys("train", 80);
        List<String> test = keys("test", 20);
        Map<String, Double> u = new HashMap<>();
        train.forEach(k -> u.put(k, Math.random()));
        List<String> withModel = LabellingQueue.order(train, test, u, null, Set.of(), 0.2, 7);
        List<String> without = LabellingQueue.order(train, test, null, null, Set.of(), 0.2, 7);
        assertEquals(100, new HashSet<>(withModel).size());
        assertEquals(withModel.stream().filter(k -> k.startsWith("test")).toList(),
                without.stream().filter(k -> k.startsWith("test")).toList());
        for (int n = 10; n <= 100; n += 10) { // after n places, n / 5 of them are test pairs
            assertEquals(n / 5, withModel.subList(0, n).stream().filter(k -> k.startsWith("test")).count());
        }
        assertNotEquals(withModel.stream().filter(k -> k.startsWith("train")).toList(),
                without.stream().filter(k -> k.startsWith("train")).toList());
        assertEquals(without, LabellingQueue.order(train, test, null, null, Set.of(), 0.2, 7), "the random order is fixed by its seed");
        // diverse: the same test places; pairs already labelled go last among the training pairs
        Map<String, float[]> e = new HashMap<>();
        train.forEach(k -> e.put(k, new float[] {(float) Math.random(), (float) Math.random()}));
        List<String> spread = LabellingQueue.order(train, test, u, e, Set.of("train0", "train1"), 0.2, 7);
        assertEquals(without.stream().filter(k -> k.startsWith("test")).toList(),
                spread.stream().filter(k -> k.startsWith("test")).toList());
        List<String> spreadTrain = spread.stream().filter(k -> k.startsWith("train")).toList();
        assertEquals(Set.of("train0", "train1"), Set.copyOf(spreadTrain.subList(78, 80)));
        assertEquals(100, new HashSet<>(spread).size());
    }

    @Test
    void entropyAndMarginRankASureAndAnUnsurePredictionTheSameWay() {
        float[] sure = {0.96f, 0.01f, 0.01f, 0.01f, 0.01f};
        float[] unsure = {0.2f, 0.2f, 0.2f, 0.2f, 0.2f};
        Predictor.Prediction a = new Predictor.Prediction("a", null, sure, null, sure, 0, 0, new float[0]);
        Predictor.Prediction b = new Predictor.Prediction("b", null, unsure, null, sure, 0, 0, new float[0]);
        for (Uncertainty m : Uncertainty.values()) {
            assertTrue(m.of(b) > m.of(a), m.name());
        }
        assertEquals(2 * Math.log(5), Uncertainty.ENTROPY.of(
                new Predictor.Prediction("c", null, unsure, null, unsure, 0, 0, new float[0])), 1e-6);
        assertEquals(2.0, Uncertainty.MARGIN.of(new Predictor.Prediction("c", null, unsure, null, unsure, 0, 0,
                new float[0])), 1e-6);
    }

    @Test
    void aDiverseBatchSpreadsOverTheEmbeddingWhereTopUncertaintyTakesOneRegion() {
        // two tight clusters: "a" pairs slightly more uncertain than "b" pairs, far from each other
        List<String> pool = List.of("a0", "a1", "a2", "a3", "b0", "b1", "b2", "b3");
        Map<String, Double> u = new HashMap<>();
        Map<String, float[]> e = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            u.put("a" + i, 1.0 + 0.01 * i);
            u.put("b" + i, 0.9);
            e.put("a" + i, new float[] {0, 0.01f * i});
            e.put("b" + i, new float[] {10, 0.01f * i});
        }
        assertEquals(List.of("a3", "a2"), LabellingQueue.byUncertainty(pool, u, 0).subList(0, 2));
        for (long seed = 0; seed < 20; seed++) {
            List<String> two = LabellingQueue.diverse(pool, u, e, List.of(), 2, 0, seed);
            assertEquals(2, two.stream().map(k -> k.charAt(0)).distinct().count(), seed + ": " + two);
            // a pair already labelled in cluster a: the batch starts in b
            assertTrue(LabellingQueue.diverse(pool, u, e, List.of(new float[] {0, 0}), 1, 0, seed).get(0)
                    .startsWith("b"));
        }
        assertEquals(8, new HashSet<>(LabellingQueue.diverse(pool, u, e, List.of(), 8, 0.2, 3)).size());
    }
}
