package org.infogap.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.infogap.model.Example;
import org.junit.jupiter.api.Test;

class ImageDependenceTest {

    /** Pairs whose image says their CMI level in its first feature and whose text says their SC level. */
    private static List<Example> pairs(int n) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int cmi = i % 5;
            int sc = (i / 5) % 5;
            out.add(new Example("p" + i, new float[] {cmi, i}, List.of(new int[] {sc}), List.of(new int[] {i}), null, cmi, sc));
        }
        return out;
    }

    /** Reads CMI from the image and SC from the text, as a system that uses both would. */
    private static AccuracyReport.Predictions read(List<Example> pairs) {
        return new AccuracyReport.Predictions(pairs.stream().mapToInt(e -> (int) e.features()[0]).toArray(),
                pairs.stream().mapToInt(e -> e.sentences().get(0)[0]).toArray());
    }

    @Test
    void aShuffleMovesEveryImageAndKeepsEveryText() {
        List<Example> test = pairs(50);
        ImageDependence d = new ImageDependence(test, 3);
        for (int s = 0; s < ImageDependence.SHUFFLES; s++) {
            List<Example> shuffled = d.shuffled(s);
            boolean[] used = new boolean[test.size()];
            for (int i = 0; i < test.size(); i++) {
                Example e = shuffled.get(i);
                assertArrayEquals(test.get(i).sentences().get(0), e.sentences().get(0));
                assertEquals(test.get(i).cmi(), e.cmi(), "labels stay the pair's own");
                int image = (int) e.features()[1];
                assertNotEquals(i, image, "no pair keeps its image");
                assertEquals(image, e.captions().get(0)[0], "the captions travel with their image");
                used[image] = true;
            }
            for (boolean u : used) {
                assertEquals(true, u, "every image is used once");
            }
        }
    }

    @Test
    void aSystemThatReadsTheImageLosesWhatItReadsFromItAndKeepsWhatItReadsFromTheText() {
        List<Example> test = pairs(100);
        ImageDependence d = new ImageDependence(test, 5);
        AccuracyReport.Predictions own = read(test);
        Metrics[] ownMetrics = {Metrics.of(test.stream().mapToInt(Example::cmi).toArray(), own.cmi()),
            Metrics.of(test.stream().mapToInt(Example::sc).toArray(), own.sc())};
        ObjectNode n = d.accuracy(ownMetrics, s -> read(d.shuffled(s)));
        assertEquals(1.0, n.path("CMI").path("accuracy").asDouble());
        assertEquals(0.0, n.path("SC").path("drop").asDouble(), 1e-12, "SC comes from the text");
        double shuffledCmi = n.path("CMI").path("shuffled").asDouble();
        // a random other image has the same CMI level about one time in five
        assertEquals(0.2, shuffledCmi, 0.12);
        assertEquals(1.0 - shuffledCmi, n.path("CMI").path("drop").asDouble(), 1e-12);
    }

    @Test
    void sattoloGivesCyclicPermutationsWithoutFixedPoints() {
        Random random = new Random(1);
        for (int n = 2; n < 40; n++) {
            int[] p = ImageDependence.sattolo(n, random);
            int steps = 0;
            int at = 0;
            do {
                at = p[at];
                steps++;
            } while (at != 0);
            assertEquals(n, steps, "one cycle through all " + n);
        }
    }

    @Test
    void oneTestPairCannotBeShuffled() {
        assertThrows(IllegalArgumentException.class, () -> new ImageDependence(pairs(1), 1));
    }
}
