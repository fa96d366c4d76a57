package org.infogap.text;

/**
 * How much of a text the model sees.
 *
 * @param maxSentences sentences kept from the start of a text
 * @param maxTokens    tokens kept from the start of each sentence
 */
public record TextLimits(int maxSentences, int maxTokens) {

    /** Henning &amp; Ewerth 2017, section 5.1: "a maximum text size of 50 sentences and a maximum sentence length of 40 tokens". */
    public static final int PAPER_MAX_SENTENCES = 50;
    public static final int PAPER_MAX_TOKENS = 40;
    public static final TextLimits PAPER = new TextLimits(PAPER_MAX_SENTENCES, PAPER_MAX_TOKENS);

    public TextLimits {
        if (maxSentences < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("text limits must be positive, got " + maxSentences + " sentences, "
                    + maxTokens + " tokens");
        }
    }
}
