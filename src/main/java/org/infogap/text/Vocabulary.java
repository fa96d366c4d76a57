package org.infogap.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.infogap.io.AtomicFiles;

/**
 * Word ids for the model. Id 0 is padding, id 1 the unknown word; the others are the words seen
 * at least {@code minCount} times, by descending count (ties by word, so a corpus always yields
 * the same ids). The paper kept words seen at least 10 times (section 5.1).
 *
 * <p>File format (UTF-8): a header line {@code # infogap vocabulary min_count=N}, then one
 * {@code word count} line per id in id order, starting with {@code <pad> 0} and {@code <unk> C}
 * where C counts the corpus tokens that fell below the threshold.
 */
public final class Vocabulary {

    public static final int PAPER_MIN_COUNT = 10;
    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";
    public static final int PAD_ID = 0;
    public static final int UNK_ID = 1;
    private static final String HEADER = "# infogap vocabulary min_count=";

    private final List<String> words;
    private final long[] counts;
    private final Map<String, Integer> ids;
    private final int minCount;

    private Vocabulary(List<String> words, long[] counts, int minCount) {
        this.words = List.copyOf(words);
        this.counts = counts.clone();
        this.minCount = minCount;
        Map<String, Integer> index = new HashMap<>(words.size() * 2);
        for (int i = 0; i < words.size(); i++) {
            index.put(words.get(i), i);
        }
        this.ids = Collections.unmodifiableMap(index);
    }

    /** Counts tokens for a vocabulary; feed it every training sentence once. */
    public static final class Builder {
        private final Map<String, Long> counts = new HashMap<>();

        public Builder add(List<String> tokens) {
            for (String token : tokens) {
                counts.merge(token, 1L, Long::sum);
            }
            return this;
        }

        public Vocabulary build(int minCount) {
            if (minCount < 1) {
                throw new IllegalArgumentException("min count must be at least 1, got " + minCount);
            }
            List<Map.Entry<String, Long>> kept = new ArrayList<>();
            long unknown = 0;
            for (Map.Entry<String, Long> e : counts.entrySet()) {
                if (e.getValue() >= minCount && !e.getKey().equals(PAD) && !e.getKey().equals(UNK)) {
                    kept.add(e);
                } else {
                    unknown += e.getValue();
                }
            }
            kept.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                    .thenComparing(Map.Entry.comparingByKey()));
            List<String> words = new ArrayList<>(kept.size() + 2);
            long[] wordCounts = new long[kept.size() + 2];
            words.add(PAD);
            words.add(UNK);
            wordCounts[UNK_ID] = unknown;
            for (Map.Entry<String, Long> e : kept) {
                wordCounts[words.size()] = e.getValue();
                words.add(e.getKey());
            }
            return new Vocabulary(words, wordCounts, minCount);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public int size() {
        return words.size();
    }

    public int minCount() {
        return minCount;
    }

    /** The id of a token, {@link #UNK_ID} for a word not in the vocabulary. */
    public int id(String token) {
        return ids.getOrDefault(token, UNK_ID);
    }

    public boolean contains(String token) {
        return ids.containsKey(token) && !token.equals(PAD) && !token.equals(UNK);
    }

    public String word(int id) {
        return words.get(id);
    }

    public long count(int id) {
        return counts[id];
    }

    /** Writes the vocabulary atomically. */
    public void save(Path file) throws IOException {
        AtomicFiles.writeString(file, serialize());
    }

    /** The file format: a header line, then {@code word count} per id. */
    public String serialize() {
        StringBuilder sb = new StringBuilder(words.size() * 12);
        sb.append(HEADER).append(minCount).append('\n');
        for (int i = 0; i < words.size(); i++) {
            sb.append(words.get(i)).append(' ').append(counts[i]).append('\n');
        }
        return sb.toString();
    }

    /** Reads a file written by {@link #save}; errors name the file and line. */
    public static Vocabulary load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file);
    }

    /** Parses {@link #serialize}'s format; {@code file} names the source in errors. */
    public static Vocabulary parse(String text, Path file) throws IOException {
        try (BufferedReader reader = new BufferedReader(new java.io.StringReader(text))) {
            String header = reader.readLine();
            if (header == null || !header.startsWith(HEADER)) {
                throw new IOException(file + ":1: not an infogap vocabulary (expected '" + HEADER + "N')");
            }
            int minCount;
            try {
                minCount = Integer.parseInt(header.substring(HEADER.length()).trim());
            } catch (NumberFormatException e) {
                throw new IOException(file + ":1: bad min_count in '" + header + "'");
            }
            List<String> words = new ArrayList<>();
            List<Long> counts = new ArrayList<>();
            String line;
            int lineNo = 1;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                int space = line.lastIndexOf(' ');
                if (space <= 0) {
                    throw new IOException(file + ":" + lineNo + ": expected 'word count', got '" + line + "'");
                }
                try {
                    counts.add(Long.parseLong(line.substring(space + 1)));
                } catch (NumberFormatException e) {
                    throw new IOException(file + ":" + lineNo + ": count is not a number in '" + line + "'");
                }
                words.add(line.substring(0, space));
            }
            if (words.size() < 2 || !words.get(PAD_ID).equals(PAD) || !words.get(UNK_ID).equals(UNK)) {
                throw new IOException(file + ": the first two entries must be " + PAD + " and " + UNK);
            }
            long[] c = counts.stream().mapToLong(Long::longValue).toArray();
            return new Vocabulary(words, c, minCount);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && minCount == v.minCount && words.equals(v.words)
                && java.util.Arrays.equals(counts, v.counts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(words, minCount, java.util.Arrays.hashCode(counts));
    }
}
