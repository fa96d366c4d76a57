package org.infogap.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rule-based sentence splitter for English news and encyclopaedia text.
 *
 * <p>A sentence ends at {@code .}, {@code !} or {@code ?} (plus any closing quotes and brackets)
 * followed by white space and a word that does not start in lower case, unless the word before the period is a title or other abbreviation that
 * is never sentence-final (Mr., Dr., e.g.), a number abbreviation followed by a number (No. 10),
 * or a single capital letter (an initial, J. R. Evans). A multi-letter acronym such as U.S. ends a
 * sentence only when the next word is a typical sentence opener ("The", "He", ...). Decimals never
 * split because their period is not followed by white space. A new paragraph (blank line) always
 * ends a sentence. Trained detectors (OpenNLP, Stanford) would need a downloaded model, which the
 * project may not fetch, so these rules are explicit and tested instead.
 */
public final class SentenceSplitter {

    private static final Set<String> NEVER_FINAL = Set.of(
            "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "sen", "rep", "gov", "lt", "col",
            "capt", "cpt", "sgt", "maj", "cmdr", "adm", "rev", "hon", "pres", "supt", "insp", "det", "messrs",
            "e.g", "i.e", "cf", "vs", "v", "approx", "dept", "est", "inc", "corp", "ltd", "co", "bros",
            "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec");

    private static final Set<String> BEFORE_NUMBER = Set.of("no", "nos", "art", "p", "pp", "fig", "vol", "ch", "sec");

    private static final Set<String> SENTENCE_OPENERS = Set.of(
            "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "this", "that", "these", "those", "but",
            "and", "in", "on", "at", "his", "her", "their", "its", "our", "there", "then", "however", "meanwhile",
            "officials", "mr", "mrs", "ms", "dr");

    /** Splits {@code text} into trimmed, non-empty sentences. */
    public List<String> split(String text) {
        List<String> sentences = new ArrayList<>();
        for (String paragraph : text.split("\\n\\s*\\n")) {
            splitParagraph(paragraph.replaceAll("\\s+", " ").trim(), sentences);
        }
        return sentences;
    }

    private void splitParagraph(String text, List<String> out) {
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c != '.' && c != '!' && c != '?') {
                continue;
            }
            int end = i + 1;
            while (end < n && isTerminatorContinuation(text.charAt(end))) {
                end++;
            }
            if (end < n && text.charAt(end) != ' ') {
                continue; // "2.5", "U.S", "example.com": no white space, no boundary
            }
            if (end >= n) {
                break;
            }
            String next = wordAfter(text, end);
            if (!next.isEmpty() && Character.isLowerCase(next.charAt(0))) {
                continue; // "\"Why?\" she asked.": the sentence runs on
            }
            if (c == '.' && !periodEndsSentence(text, start, i, end, next)) {
                continue;
            }
            add(out, text.substring(start, end));
            start = end;
            i = end - 1;
        }
        add(out, text.substring(start));
    }

    private static boolean isTerminatorContinuation(char c) {
        return c == '.' || c == '!' || c == '?' || c == '"' || c == '\'' || c == ')' || c == ']'
                || c == '\u201d' || c == '\u2019' || c == '\u00bb';
    }

    private boolean periodEndsSentence(String text, int sentenceStart, int period, int afterTerminator, String next) {
        String before = wordBefore(text, sentenceStart, period);
        if (next.isEmpty()) {
            return true;
        }
        char first = next.charAt(0);
        String lower = before.toLowerCase();
        if (period + 1 != afterTerminator) {
            return true; // a quote or bracket closed after the period
        }
        if (NEVER_FINAL.contains(lower)) {
            return false;
        }
        if (BEFORE_NUMBER.contains(lower) && Character.isDigit(first)) {
            return false;
        }
        if (before.length() == 1 && Character.isUpperCase(before.charAt(0))) {
            return false; // an initial
        }
        if (before.matches("(\\p{L}\\.)+\\p{L}")) {
            // an acronym (U.S., U.K.): final only if a typical opener follows
            return SENTENCE_OPENERS.contains(stripPunctuation(next).toLowerCase());
        }
        return true;
    }

    private static String wordBefore(String text, int from, int period) {
        int i = period;
        while (i > from && !Character.isWhitespace(text.charAt(i - 1)) && text.charAt(i - 1) != '('
                && text.charAt(i - 1) != '"' && text.charAt(i - 1) != '\u201c') {
            i--;
        }
        return text.substring(i, period);
    }

    private static String wordAfter(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) == ' ') {
            i++;
        }
        int j = i;
        while (j < text.length() && !Character.isWhitespace(text.charAt(j))) {
            j++;
        }
        String word = text.substring(i, j);
        // "\"We..." and "(The..." start with punctuation; look at the first letter or digit.
        int k = 0;
        while (k < word.length() && !Character.isLetterOrDigit(word.charAt(k))) {
            k++;
        }
        return word.substring(k);
    }

    private static String stripPunctuation(String word) {
        return word.replaceAll("[^\\p{L}\\p{N}]", "");
    }

    private static void add(List<String> out, String sentence) {
        String trimmed = sentence.trim();
        if (!trimmed.isEmpty()) {
            out.add(trimmed);
        }
    }
}
