package org.infogap.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lower-cased word tokens of a sentence. Words keep inner apostrophes, hyphens and periods
 * ("don't", "well-known", "u.s", "2.5"); a possessive or contraction {@code 's} becomes a token
 * of its own so that "party's" shares the vocabulary entry of "party". Punctuation is dropped:
 * the model reads word order, and punctuation would only take vocabulary slots.
 */
public final class Tokenizer {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:['\u2019.\\-][\\p{L}\\p{N}]+)*");

    public List<String> tokenize(String sentence) {
        List<String> tokens = new ArrayList<>();
        Matcher m = WORD.matcher(sentence.toLowerCase(Locale.ROOT).replace('\u2019', '\''));
        while (m.find()) {
            String word = m.group();
            if (word.endsWith("'s") && word.length() > 2) {
                tokens.add(word.substring(0, word.length() - 2));
                tokens.add("'s");
            } else {
                tokens.add(word);
            }
        }
        return tokens;
    }
}
