package org.infogap.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a pair's sentences into the token lists the model reads: tokenise and lower-case, map
 * British to American spelling where asked (the paper did so for BBC text), drop sentences left
 * without tokens, and truncate to the configured limits. One instance serves every caller.
 */
public final class TextPipeline {

    private final Tokenizer tokenizer = new Tokenizer();
    private final SpellingNormalizer spelling;
    private final TextLimits limits;

    public TextPipeline(TextLimits limits) {
        this(limits, SpellingNormalizer.britishToAmerican());
    }

    public TextPipeline(TextLimits limits, SpellingNormalizer spelling) {
        this.limits = limits;
        this.spelling = spelling;
    }

    public TextLimits limits() {
        return limits;
    }

    /**
     * @param sentences   sentences as the readers produce them
     * @param americanize whether to map British spellings to American ones
     * @return at most {@code maxSentences} non-empty token lists of at most {@code maxTokens} tokens
     */
    public List<List<String>> process(List<String> sentences, boolean americanize) {
        List<List<String>> out = new ArrayList<>(Math.min(sentences.size(), limits.maxSentences()));
        for (String sentence : sentences) {
            if (out.size() == limits.maxSentences()) {
                break;
            }
            List<String> tokens = tokenizer.tokenize(sentence);
            if (tokens.isEmpty()) {
                continue;
            }
            if (americanize) {
                tokens = spelling.normalize(tokens);
            }
            out.add(tokens.size() > limits.maxTokens() ? List.copyOf(tokens.subList(0, limits.maxTokens()))
                    : List.copyOf(tokens));
        }
        return out;
    }
}
