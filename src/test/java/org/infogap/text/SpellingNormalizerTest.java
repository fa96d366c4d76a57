package org.infogap.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpellingNormalizerTest {

    private final SpellingNormalizer normalizer = SpellingNormalizer.britishToAmerican();

    @Test
    void shippedDictionaryHasAtLeast500Pairs() {
        assertTrue(normalizer.size() >= 500, "pairs: " + normalizer.size());
    }

    @Test
    void mapsTheUsualBritishSpellings() {
        assertEquals(List.of("color", "organize", "center", "defense", "traveled", "catalog", "analyze", "gray",
                        "program", "labor", "theater", "organization", "favorite", "license"),
                normalizer.normalize(List.of("colour", "organise", "centre", "defence", "travelled", "catalogue",
                        "analyse", "grey", "programme", "labour", "theatre", "organisation", "favourite", "licence")));
    }

    @Test
    void leavesAmericanAndSharedWordsAlone() {
        assertEquals(List.of("color", "meter", "license", "check", "tour", "four", "the"),
                normalizer.normalize(List.of("color", "meter", "license", "check", "tour", "four", "the")));
    }

    @Test
    void noTargetIsItselfRewritten() {
        // a chain (a -> b -> c) would make the result depend on how often the map is applied
        for (String word : List.of("color", "center", "organize", "gray", "program")) {
            assertEquals(word, normalizer.normalize(word));
        }
    }

    @Test
    void malformedDictionaryLineIsReportedWithItsLineNumber() {
        String text = "# comment\ncolour\tcolor\nbroken line\n";
        IOException e = assertThrows(IOException.class, () -> SpellingNormalizer.read(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test.tsv"));
        assertTrue(e.getMessage().startsWith("test.tsv:3:"), e.getMessage());
    }

    @Test
    void possessivesAndCompoundsOfMappedWordsAreMappedAndKeepTheirEnding() {
        assertEquals(List.of("neighborhood's", "colors'", "neighborhood\u2019s", "color-blind", "well-organized", "its", "james'",
                        "neighborhood", "neighborhoods", "colorless"),
                normalizer.normalize(List.of("neighbourhood's", "colours'", "neighbourhood\u2019s", "colour-blind", "well-organised",
                        "its", "james'", "neighbourhood", "neighbourhoods", "colourless")));
        assertEquals(List.of("analysis", "process", "boss"), normalizer.normalize(List.of("analysis", "process", "boss")),
                "words that merely end like a suffix stay");
    }
}
