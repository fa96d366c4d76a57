package org.infogap.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits an image caption into the phrases it lists ("A red circle on the left, a blue star and a green
 * square." -> three), at commas, semicolons and the word "and". A caption names several objects, a sentence
 * of an article mostly one: the match head learns from phrases, each true of its image, so that what it
 * learns carries over to single claims ({@code tools/sentence_verifier_ceiling.py --supervision captions}).
 */
public final class CaptionPhrases {

    private static final Pattern SEPARATORS = Pattern.compile("\\s*[,;]\\s*|\\s+and\\s+", Pattern.CASE_INSENSITIVE);

    private CaptionPhrases() {
    }

    /** The caption's phrases, trimmed, in order; blank pieces dropped. */
    public static List<String> split(String caption) {
        List<String> out = new ArrayList<>();
        for (String piece : SEPARATORS.split(caption.strip())) {
            String phrase = piece.strip();
            if (!phrase.isEmpty() && !phrase.chars().allMatch(ch -> ".!?".indexOf(ch) >= 0)) {
                out.add(phrase);
            }
        }
        return out;
    }
}
