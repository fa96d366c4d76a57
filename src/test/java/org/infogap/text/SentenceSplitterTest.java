package org.infogap.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SentenceSplitterTest {

    private final SentenceSplitter splitter = new SentenceSplitter();

    @Test
    void splitsAtTerminators() {
        assertEquals(List.of("It rained.", "Was it cold?", "Yes!"), splitter.split("It rained. Was it cold? Yes!"));
    }

    @Test
    void titlesAndInitialsDoNotEndSentences() {
        assertEquals(List.of("Mr. Smith met Dr. J. R. Evans on Monday.", "They talked."),
                splitter.split("Mr. Smith met Dr. J. R. Evans on Monday. They talked."));
    }

    @Test
    void numberAbbreviationsAndDecimals() {
        assertEquals(List.of("Officials at No. 10 said prices rose 2.5 per cent.", "Markets fell."),
                splitter.split("Officials at No. 10 said prices rose 2.5 per cent. Markets fell."));
    }

    @Test
    void latinAbbreviations() {
        assertEquals(List.of("Some fruit, e.g. Apples and pears, is cheap.", "Others are not."),
                splitter.split("Some fruit, e.g. Apples and pears, is cheap. Others are not."));
    }

    @Test
    void acronymInsideAndAtTheEndOfASentence() {
        assertEquals(List.of("Talks with the U.S. Treasury resumed.", "They failed."),
                splitter.split("Talks with the U.S. Treasury resumed. They failed."));
        assertEquals(List.of("He moved to the U.S.", "The move was costly."),
                splitter.split("He moved to the U.S. The move was costly."));
        assertEquals(List.of("Troops in the U.K. next week."), splitter.split("Troops in the U.K. next week."));
    }

    @Test
    void quotesStayWithTheirSentence() {
        assertEquals(List.of("He said: \"We will act.\"", "Then he left."),
                splitter.split("He said: \"We will act.\" Then he left."));
        assertEquals(List.of("\u201cNo comment,\u201d he said.", "Nothing more."),
                splitter.split("\u201cNo comment,\u201d he said. Nothing more."));
        assertEquals(List.of("\"Why?\" she asked."), splitter.split("\"Why?\" she asked."));
    }

    @Test
    void paragraphsAndWhiteSpace() {
        assertEquals(List.of("First paragraph without a stop", "Second one."),
                splitter.split("  First paragraph\n without a stop\n\n  Second one.  "));
        assertEquals(List.of(), splitter.split("   \n\n "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Prof. Jones spoke.", "St. Paul's church was built in 1675.", "It cost approx. 10 pounds."})
    void singleSentencesWithAbbreviations(String text) {
        assertEquals(List.of(text), splitter.split(text));
    }
}
