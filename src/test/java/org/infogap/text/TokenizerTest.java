package org.infogap.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenizerTest {

    private final Tokenizer tokenizer = new Tokenizer();

    @Test
    void lowerCasesAndDropsPunctuation() {
        assertEquals(List.of("the", "red", "circle", "is", "large"), tokenizer.tokenize("The RED circle, is large!"));
    }

    @Test
    void keepsInnerPunctuationOfWordsAndNumbers() {
        assertEquals(List.of("don't", "a", "well-known", "u.s", "rise", "of", "2.5", "per", "cent"),
                tokenizer.tokenize("Don't: a well-known U.S. rise of 2.5 per cent."));
    }

    @Test
    void splitsPossessives() {
        assertEquals(List.of("labour", "'s", "leader", "said", "it", "'s", "over"),
                tokenizer.tokenize("Labour's leader said it\u2019s over"));
    }

    @Test
    void nonAsciiLetters() {
        assertEquals(List.of("café", "costs", "15m"), tokenizer.tokenize("Café costs \u00a315m"));
    }
}
