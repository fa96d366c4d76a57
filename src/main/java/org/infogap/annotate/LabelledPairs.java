package org.infogap.annotate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.infogap.data.BadInputException;
import org.infogap.data.CmiLevel;
import org.infogap.data.ImageTextPair;
import org.infogap.data.ScLevel;
import org.infogap.data.Source;
import org.infogap.data.Split;
import org.infogap.io.AtomicFiles;
import org.infogap.io.Json;

/**
 * The classifier's input: one label per pair (the median of its annotators' latest valid labels) and
 * a train/test split, written as merged JSONL with two extra fields, {@code pair} and {@code split}:
 *
 * <pre>{"pair": "bbc:bbc02000", "split": "train", "imgpath": "/abs/img.jpg", "text": ["..."],
 *  "annotation": {"mi": 0.5, "sc": 1.0, "type": "Photograph", "snippets": [], "annotators": 1}}</pre>
 */
public final class LabelledPairs {

    /** A pair with its one label and its split. */
    public record Labelled(ImageTextPair pair, CmiLevel cmi, ScLevel sc, String imageType, List<String> snippets,
                           int annotators, Split split) {
    }

    /** How the test part is chosen. */
    public enum SplitRule {
        /** By a seeded hash of the pair key: fixed per pair, so adding labels never moves a pair. */
        HASH,
        /** The part of the corpus the pair came from (BBC's train/test folders, Wiki's files). */
        CORPUS
    }

    private LabelledPairs() {
    }

    /**
     * One label per pair from the stored labels: invalid labels are left out; for each annotator the
     * latest label counts; across annotators the lower median level of each measure.
     */
    public static List<Labelled> aggregate(List<AnnotationStore.Label> labels, SplitRule rule, long seed,
                                           double testFraction) {
        if (!(testFraction >= 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in [0, 1), got " + testFraction);
        }
        Map<String, Map<String, AnnotationStore.Label>> byPair = new LinkedHashMap<>();
        for (AnnotationStore.Label l : labels) {
            if (l.valid()) {
                byPair.computeIfAbsent(l.pair().key(), k -> new LinkedHashMap<>()).put(l.annotator(), l);
            }
        }
        List<Labelled> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, AnnotationStore.Label>> e : byPair.entrySet()) {
            List<AnnotationStore.Label> ls = new ArrayList<>(e.getValue().values());
            AnnotationStore.Label first = ls.get(0);
            int cmi = lowerMedian(ls.stream().map(l -> l.cmi().index()).toList());
            int sc = lowerMedian(ls.stream().map(l -> l.sc().index()).toList());
            Split split = rule == SplitRule.CORPUS ? first.pair().split()
                    : unitHash(seed, e.getKey()) < testFraction ? Split.TEST : Split.TRAIN;
            out.add(new Labelled(first.pair(), CmiLevel.ofIndex(cmi), ScLevel.ofIndex(sc), first.imageType(),
                    first.snippets(), ls.size(), split));
        }
        out.sort(Comparator.comparing(l -> l.pair().key()));
        return out;
    }

    private static int lowerMedian(List<Integer> values) {
        List<Integer> sorted = values.stream().sorted().toList();
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** A number in [0, 1) fixed by seed and key (for seeded splits elsewhere, e.g. validation shares). */
    public static double unitHashOf(long seed, String key) {
        return unitHash(seed, key);
    }

    /** A number in [0, 1) fixed by seed and key. */
    static double unitHash(long seed, String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((seed + ":" + key).getBytes(StandardCharsets.UTF_8));
            long bits = 0;
            for (int i = 0; i < 7; i++) {
                bits = (bits << 8) | (d[i] & 0xff);
            }
            return bits / (double) (1L << 56);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the labelled pairs atomically as JSONL. */
    public static void write(Path out, List<Labelled> pairs) throws IOException {
        AtomicFiles.write(out, stream -> {
            BufferedWriter w = new BufferedWriter(new java.io.OutputStreamWriter(stream, StandardCharsets.UTF_8));
            for (Labelled l : pairs) {
                ObjectNode n = Json.mapper().createObjectNode();
                n.put("pair", l.pair().key()).put("split", l.split().label())
                        .put("imgpath", l.pair().imagePath().toString());
                l.pair().sentences().forEach(n.putArray("text")::add);
                if (!l.pair().caption().isBlank()) {
                    n.put("caption", l.pair().caption()); // the image's own caption: the match head learns from it
                }
                ObjectNode a = n.putObject("annotation");
                a.put("mi", l.cmi().value()).put("sc", l.sc().value()).put("type", l.imageType());
                l.snippets().forEach(a.putArray("snippets")::add);
                a.put("annotators", l.annotators());
                w.write(Json.mapper().writeValueAsString(n));
                w.write('\n');
            }
            w.flush();
        });
    }

    /** Reads a file written by {@link #write}; errors name the line and field. */
    public static List<Labelled> read(Path file) throws IOException {
        List<Labelled> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String where = "line " + (i + 1);
            JsonNode n;
            try {
                n = Json.parseWhole(line);
            } catch (JsonProcessingException e) {
                throw new BadInputException(file, where, null, "broken JSON: " + e.getOriginalMessage());
            }
            String key = field(file, where, n, "pair").asText();
            int colon = key.indexOf(':');
            if (colon < 0) {
                throw new BadInputException(file, where, "pair", "expected source:id, got '" + key + "'");
            }
            Source source;
            Split split;
            try {
                source = Source.valueOf(key.substring(0, colon).toUpperCase(Locale.ROOT));
                split = Split.parse(field(file, where, n, "split").asText());
            } catch (IllegalArgumentException e) {
                throw new BadInputException(file, where, "pair/split", e.getMessage());
            }
            List<String> text = new ArrayList<>();
            field(file, where, n, "text").forEach(t -> text.add(t.asText()));
            JsonNode a = field(file, where, n, "annotation");
            CmiLevel cmi;
            ScLevel sc;
            try {
                cmi = CmiLevel.ofValue(field(file, where, a, "mi").asDouble());
                sc = ScLevel.ofValue(field(file, where, a, "sc").asDouble());
            } catch (IllegalArgumentException e) {
                throw new BadInputException(file, where, "annotation", e.getMessage());
            }
            List<String> snippets = new ArrayList<>();
            a.path("snippets").forEach(t -> snippets.add(t.asText()));
            ImageTextPair pair = new ImageTextPair(source, key.substring(colon + 1),
                    Path.of(field(file, where, n, "imgpath").asText()), text, n.path("caption").asText(""), split);
            out.add(new Labelled(pair, cmi, sc, a.path("type").asText(""), snippets, a.path("annotators").asInt(1),
                    split));
        }
        return out;
    }

    private static JsonNode field(Path file, String where, JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            throw new BadInputException(file, where, name, "missing");
        }
        return v;
    }
}
