package org.infogap.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps British spellings to American ones, token by token. The paper applied such a dictionary to
 * the BBC News text so that "colour" and "color" share one vocabulary entry (section 5.1).
 * The dictionary is {@code british_american.tsv} on the class path, derived from Debian's word
 * lists by {@code tools/british_american.py}.
 */
public final class SpellingNormalizer {

    static final String RESOURCE = "british_american.tsv";

    private final Map<String, String> britishToAmerican;

    private SpellingNormalizer(Map<String, String> britishToAmerican) {
        this.britishToAmerican = Map.copyOf(britishToAmerican);
    }

    /** The dictionary shipped with the project. */
    public static SpellingNormalizer britishToAmerican() {
        return Holder.DEFAULT;
    }

    /** Reads {@code british<TAB>american} lines; {@code #} starts a comment. */
    public static SpellingNormalizer read(InputStream in, String name) throws IOException {
        Map<String, String> map = new HashMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int lineNo = 0;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\t");
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IOException(name + ":" + lineNo + ": expected 'british<TAB>american', got '" + line + "'");
            }
            if (map.put(parts[0], parts[1]) != null) {
                throw new IOException(name + ":" + lineNo + ": duplicate entry '" + parts[0] + "'");
            }
        }
        return new SpellingNormalizer(map);
    }

    public int size() {
        return britishToAmerican.size();
    }

    /** Possessive endings, longest first: the dictionary lists words, not "neighbourhood's" or "colours'". */
    private static final String[] POSSESSIVES = {"'s", "\u2019s", "'", "\u2019"};

    /**
     * The American spelling of a lower-cased token, or the token itself. A mapped word with a derivational
     * ending keeps it ("neighbourhood" -> "neighborhood"), a possessive keeps its ending ("neighbourhood's" ->
     * "neighborhood's"), and so does each part of a hyphenated compound ("colour-blind" -> "color-blind").
     */
    public String normalize(String token) {
        String direct = britishToAmerican.get(token);
        if (direct != null) {
            return direct;
        }
        for (String ending : POSSESSIVES) {
            if (token.length() > ending.length() && token.endsWith(ending)) {
                String stem = token.substring(0, token.length() - ending.length());
                String mapped = derived(stem);
                if (!mapped.equals(stem)) {
                    return mapped + ending;
                }
            }
        }
        String suffixed = derived(token);
        if (!suffixed.equals(token)) {
            return suffixed;
        }
        if (token.indexOf('-') > 0) {
            String[] parts = token.split("-", -1);
            boolean changed = false;
            for (int i = 0; i < parts.length; i++) {
                String mapped = parts[i].isEmpty() ? parts[i] : normalize(parts[i]);
                changed |= !mapped.equals(parts[i]);
                parts[i] = mapped;
            }
            if (changed) {
                return String.join("-", parts);
            }
        }
        return token;
    }

    /** Derivational endings a dictionary of word forms leaves out: "neighbourhood" is "neighbour" + "hood". */
    private static final String[] SUFFIXES = {"hoods", "hood", "ships", "ship", "lessly", "less", "fully", "ful", "ness", "ly"};

    /** The word itself mapped, or a mapped word of at least 4 letters plus one of {@link #SUFFIXES}, or the word. */
    private String derived(String word) {
        String direct = britishToAmerican.get(word);
        if (direct != null) {
            return direct;
        }
        for (String suffix : SUFFIXES) {
            if (word.length() >= suffix.length() + 4 && word.endsWith(suffix)) {
                String stem = britishToAmerican.get(word.substring(0, word.length() - suffix.length()));
                if (stem != null) {
                    return stem + suffix;
                }
            }
        }
        return word;
    }

    public List<String> normalize(List<String> tokens) {
        return tokens.stream().map(this::normalize).toList();
    }

    private static final class Holder {
        static final SpellingNormalizer DEFAULT = load();

        private static SpellingNormalizer load() {
            try (InputStream in = SpellingNormalizer.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("class path resource " + RESOURCE + " is missing");
                }
                return read(in, RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
