package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MismatchedPairsTest {

    private static Example pair(int i, int cmi) {
        return new Example("p" + i, new float[] {i, i}, List.of(new int[] {100 + i}), List.of(new int[] {200 + i}), null, cmi,
                (i + 1) % 5);
    }

    @Test
    void aBatchGainsTextsShownWithAnotherImageLabelledCmiZeroAndNoSc() {
        List<Example> batch = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            batch.add(pair(i, i % 5));
        }
        List<Example> out = MismatchedPairs.augment(batch, new MismatchedPairs.Settings(0.25), new Random(1));
        assertEquals(20, out.size(), "4 mismatched pairs for 16");
        assertEquals(batch, out.subList(0, 16), "the batch itself comes first, unchanged");
        for (Example m : out.subList(16, 20)) {
            String[] keys = m.key().split("~");
            Example text = batch.get(Integer.parseInt(keys[0].substring(1)));
            Example image = batch.get(Integer.parseInt(keys[1].substring(1)));
            assertTrue(text.cmi() > 0, "only texts that share something with their own image");
            assertSame(text.sentences().get(0), m.sentences().get(0));
            assertSame(image.features(), m.features());
            assertFalse(Arrays.equals(text.features(), m.features()), "never the text's own image");
            assertEquals(0, m.cmi());
            assertEquals(-1, m.sc(), "SC unknown: the SC head learns nothing from it");
            assertTrue(m.captions().isEmpty(), "the match head learns from the real pairs only");
        }
    }

    @Test
    void withoutATextThatSharesSomethingTheBatchStaysAsItIs() {
        List<Example> batch = List.of(pair(1, 0), pair(2, 0));
        assertSame(batch, MismatchedPairs.augment(batch, new MismatchedPairs.Settings(1), new Random(1)));
    }

    @Test
    void aShareOutsideZeroToOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MismatchedPairs.Settings(0));
        assertThrows(IllegalArgumentException.class, () -> new MismatchedPairs.Settings(1.5));
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.real().with(Map.of("mismatchShare", "-0.5")));
    }

    @Test
    void theComponentIsASettingWithAFlatNameAndOldConfigsReadWithoutIt() throws Exception {
        ModelConfig on = ModelConfig.generated().with(Map.of("mismatchShare", "0.25"));
        assertEquals(0.25, on.mismatchedPairs().share());
        assertTrue(on.components().names().contains("mismatchedPairs"));
        assertEquals(on, ModelConfig.fromJson(on.toJson()), "written and read back");
        assertEquals(null, ModelConfig.paper().mismatchedPairs(), "not in the paper");
        assertEquals(List.of("mismatchShare: 0.0 -> 0.25"), ModelConfig.generated().differences(on, java.util.Set.of()));
        assertEquals(null, ModelConfig.generated().with(Map.of("mismatchShare", "0")).mismatchedPairs(), "0 turns it off");
    }
}
