package org.infogap.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CaptionPhrasesTest {

    @Test
    void aCaptionListingObjectsSplitsIntoOnePhraseEach() {
        assertEquals(List.of("A picture of a large purple square on the right", "a blue square on the left",
                        "a white triangle."),
                CaptionPhrases.split("A picture of a large purple square on the right, a blue square on the left and a white triangle."));
        assertEquals(List.of("A dog", "a cat", "a bird"), CaptionPhrases.split("A dog; a cat AND a bird"));
    }

    @Test
    void aCaptionOfOneObjectStaysWholeAndNothingBlankIsKept() {
        assertEquals(List.of("A man riding a horse."), CaptionPhrases.split("  A man riding a horse. "));
        assertEquals(List.of(), CaptionPhrases.split(" , ; ."));
        // "and" inside a word is no separator
        assertEquals(List.of("A sandy beach"), CaptionPhrases.split("A sandy beach"));
    }
}
