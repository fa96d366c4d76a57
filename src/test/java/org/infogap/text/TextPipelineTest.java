package org.infogap.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextPipelineTest {

    @Test
    void truncatesToTheLimits() {
        List<String> sentences = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            sentences.add("word ".repeat(45) + "end.");
        }
        List<List<String>> tokens = new TextPipeline(TextLimits.PAPER).process(sentences, false);
        assertEquals(50, tokens.size());
        tokens.forEach(t -> assertEquals(40, t.size()));
    }

    @Test
    void smallLimitsAndEmptySentencesDropped() {
        List<List<String>> tokens = new TextPipeline(new TextLimits(2, 3))
                .process(List.of("!!!", "One two three four.", "Five.", "Six."), false);
        assertEquals(List.of(List.of("one", "two", "three"), List.of("five")), tokens);
    }

    @Test
    void americanizesOnlyWhenAsked() {
        TextPipeline pipeline = new TextPipeline(TextLimits.PAPER);
        assertEquals(List.of(List.of("the", "grey", "centre")), pipeline.process(List.of("The grey centre."), false));
        assertEquals(List.of(List.of("the", "gray", "center")), pipeline.process(List.of("The grey centre."), true));
    }

    @Test
    void limitsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new TextLimits(0, 40));
    }
}
