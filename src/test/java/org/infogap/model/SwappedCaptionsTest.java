package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SwappedCaptionsTest {

    // ids: 0 pad, 1 unknown, 2 "a", 3 "koala", 4 "panda", 5 "left", 6 "right", 7 "picture"
    private static final INDArray VECTORS = Nd4j.createFromArray(new float[][] {
            {0, 0, 0, 0}, {1, 1, 1, 1}, {0, 0, 0, 1}, {1, 0, 0, 0}, {0.9f, 0.1f, 0, 0}, {0, 1, 0, 0},
            {0, 0.95f, 0.05f, 0}, {0, 0, 0.2f, 1}});

    private static Example pair(String key, int[]... phrases) {
        return new Example(key, new float[4], List.of(new int[] {2}), List.of(phrases), null, -1, -1);
    }

    @Test
    void neighboursAreTheNearestWordsByCosineWithoutPaddingOrUnknown() {
        SwappedCaptions s = SwappedCaptions.of(VECTORS);
        assertEquals(4, s.neighbours(3)[0]); // koala's nearest is panda
        assertEquals(6, s.neighbours(5)[0]); // left's is right
        assertEquals(5, s.neighbours(3).length); // every other word (2, 4-7), fewer than NEIGHBOURS here
        for (int w = 2; w < 8; w++) {
            for (int n : s.neighbours(w)) {
                assertTrue(n > 1 && n != w, "word " + w + " has neighbour " + n);
            }
        }
        assertEquals(0, s.neighbours(0).length);
        assertEquals(0, s.neighbours(1).length);
    }

    @Test
    void aPhraseLosesOneRareWordToANeighbourItsImageNeverNames() {
        SwappedCaptions s = SwappedCaptions.of(VECTORS);
        // "a" and "picture" are in every pair's captions: never swapped; "koala" is in one pair's of three
        List<Example> batch = List.of(
                pair("k", new int[] {7, 2, 3}),
                pair("p", new int[] {7, 2, 4, 5}),
                pair("x", new int[] {7, 2}, new int[] {2, 6}));
        for (int seed = 0; seed < 50; seed++) {
            List<SwappedCaptions.Row> rows = s.rows(batch, new Random(seed));
            for (SwappedCaptions.Row row : rows) {
                List<int[]> captions = batch.get(row.owner()).captions();
                int[] phrase = captions.get(captions.size() - 1); // x's first phrase has nothing to swap
                int changed = 0;
                for (int p = 0; p < phrase.length; p++) {
                    if (phrase[p] != row.ids()[p]) {
                        changed++;
                        assertTrue(phrase[p] != 2 && phrase[p] != 7, "a common word was swapped");
                        // never a word of the pair's own captions, never one every other pair uses
                        int replacement = row.ids()[p];
                        assertFalse(batch.get(row.owner()).captions().stream()
                                .anyMatch(c -> java.util.Arrays.stream(c).anyMatch(w -> w == replacement)));
                        assertTrue(replacement != 2 && replacement != 7);
                    }
                }
                assertEquals(1, changed);
            }
            // "x"'s phrases: "picture a" only common words; "a right" can lose "right", used by one pair of three
            assertEquals(List.of(0, 1, 2), rows.stream().map(SwappedCaptions.Row::owner).toList());
        }
        // a batch where every word is in every pair's captions gives nothing to swap
        assertEquals(List.of(), s.rows(List.of(pair("a", new int[] {2, 3}), pair("b", new int[] {3, 2})), new Random(1)));
    }

    @Test
    void swappedPhrasesTeachFalseOfTheirOwnImageOnlyWhileTraining() throws Exception {
        ModelConfig c = NetworksTest.tiny().with(Map.of("matchSwaps", "true"));
        assertTrue(c.matchHead().swaps());
        Autoencoder ae = Autoencoder.create(c, NetworksTest.VECTORS);
        Random r = new Random(12);
        List<Example> batch = List.of(NetworksTest.example(r, "a", 2, c), NetworksTest.example(r, "b", 3, c),
                NetworksTest.example(r, "c", 1, c));
        List<SwappedCaptions.Row> swapped = ae.swappedCaptions().rows(batch, new Random(5));
        assertFalse(swapped.isEmpty());
        Map<String, INDArray> feed = Feeds.autoencoder(batch, ae, new Random(5));
        // rows: 6 text sentences, 3 caption phrases, then the swapped phrases in the order rows() gives them
        INDArray weights = feed.get(MatchHead.WEIGHTS);
        INDArray targets = feed.get(MatchHead.TARGETS);
        assertEquals(9 + swapped.size(), weights.rows());
        for (int k = 0; k < swapped.size(); k++) {
            float[] expected = new float[3];
            expected[swapped.get(k).owner()] = 0.5f;
            assertArrayEquals(expected, weights.getRow(9 + k).toFloatVector(), 0f);
            assertArrayEquals(new float[3], targets.getRow(9 + k).toFloatVector(), 0f);
            assertEquals(swapped.get(k).owner(), feed.get(Encoder.OWNER).getInt(9 + k));
        }
        assertFalse(feed.containsKey("swap_owners"), "the owners' side channel must not reach the graph");
        Map<String, Double> losses = ae.losses(feed);
        assertTrue(Double.isFinite(losses.get(MatchHead.LOSS)));
        // chance for the match accuracy stays a caption's: the swapped rows have no own image to find
        double accuracy = losses.get(MatchHead.ACCURACY);
        assertTrue(accuracy >= 0 && accuracy <= 1);
        // validation (no random): no swapped rows, so its match accuracy compares with a head trained without
        assertEquals(9, Feeds.autoencoder(batch, ae, null).get(MatchHead.WEIGHTS).rows());
        // the setting round-trips, and needs captions
        assertEquals(c, ModelConfig.fromJson(c.toJson()));
        assertThrows(IllegalArgumentException.class, () -> new MatchHead.Settings(1, null, false, 0, true, true));
    }
}
