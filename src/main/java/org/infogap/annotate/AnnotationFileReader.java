package org.infogap.annotate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.infogap.data.BadInputException;
import org.infogap.data.CmiLevel;
import org.infogap.data.ScLevel;
import org.infogap.data.Source;
import org.infogap.data.Split;
import org.infogap.data.TextDecoding;
import org.infogap.io.Json;

/**
 * Reads one annotation file into records. Problems with one line (a missing field, a label off the
 * scale, broken JSON, a truncated last line, a line repeated verbatim) reject that line with a reason
 * and leave the others; problems with the whole file (not UTF-8, unknown format, a label scale that
 * is neither given nor unambiguous) throw {@link BadInputException} naming the file and what to do.
 */
public final class AnnotationFileReader {

    /** What came out of a file. */
    public record Result(Path file, AnnotationFormat format, CmiScale cmiScale, ScScale scScale,
                         List<AnnotationRecord> records, List<Rejection> rejected, int droppedLegacyCodes) {
    }

    /** A line that was not imported, and why. */
    public record Rejection(int line, String field, String reason) {
        @Override
        public String toString() {
            return "line " + line + (field == null ? "" : ", field '" + field + "'") + ": " + reason;
        }
    }

    /** A line parsed up to its raw labels, before the scale is known. */
    private record Raw(int line, double cmi, double sc, RecordBuilder build) {
    }

    @FunctionalInterface
    private interface RecordBuilder {
        AnnotationRecord build(CmiLevel cmi, ScLevel sc);
    }

    private static final String WIKI_FILE_PREFIX = "/wiki/File:";

    private final CmiScale cmiScale; // null = detect
    private final ScScale scScale;   // null = detect

    public AnnotationFileReader(CmiScale cmiScale, ScScale scScale) {
        this.cmiScale = cmiScale;
        this.scScale = scScale;
    }

    /** Reads {@code file}; {@code format} null detects it from the extension or the first line. */
    public Result read(Path file, AnnotationFormat format) throws IOException {
        return read(file, Files.readAllBytes(file), format);
    }

    /**
     * Reads annotation lines given as bytes (an HTTP body, a file already read for hashing);
     * {@code file} names them in messages and locates CSV {@code text_path}s.
     */
    public Result read(Path file, byte[] content, AnnotationFormat format) throws IOException {
        String text = TextDecoding.strict(content, StandardCharsets.UTF_8, file, "annotation files must be UTF-8");
        List<Raw> raws = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        AnnotationFormat actual = format != null ? format : detectFormat(file, text);
        if (actual == AnnotationFormat.CSV) {
            parseCsv(file, text, raws, rejected);
        } else {
            parseJsonl(text, actual, raws, rejected);
        }
        CmiScale cmi = cmiScale != null ? cmiScale : CmiScale.detect(raws.stream().map(Raw::cmi).toList())
                .orElseThrow(() -> new BadInputException(file, null, "mi", "the CMI values " + distinct(raws, true)
                        + " fit more than one scale; pass --cmi-scale fractions|levels|legacy8"));
        ScScale sc = scScale != null ? scScale : ScScale.detect(raws.stream().map(Raw::sc).toList())
                .orElseThrow(() -> new BadInputException(file, null, "sc", "the SC values " + distinct(raws, false)
                        + " fit more than one scale; pass --sc-scale fractions|integers"));
        List<AnnotationRecord> records = new ArrayList<>();
        int dropped = 0;
        for (Raw raw : raws) {
            Optional<CmiLevel> cmiLevel;
            try {
                cmiLevel = cmi.level(raw.cmi);
            } catch (IllegalArgumentException e) {
                rejected.add(new Rejection(raw.line, "mi", e.getMessage()));
                continue;
            }
            ScLevel scLevel;
            try {
                scLevel = sc.level(raw.sc);
            } catch (IllegalArgumentException e) {
                rejected.add(new Rejection(raw.line, "sc", e.getMessage()));
                continue;
            }
            if (cmiLevel.isEmpty()) {
                dropped++;
                continue;
            }
            records.add(raw.build.build(cmiLevel.get(), scLevel));
        }
        rejected.sort(java.util.Comparator.comparingInt(Rejection::line));
        return new Result(file, actual, cmi, sc, records, rejected, dropped);
    }

    private static String distinct(List<Raw> raws, boolean cmi) {
        return raws.stream().map(r -> CmiScale.format(cmi ? r.cmi : r.sc)).distinct().sorted().toList().toString();
    }

    private static AnnotationFormat detectFormat(Path file, String text) {
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            return AnnotationFormat.CSV;
        }
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode node = Json.parseWhole(line);
                if (node.has("annotation") || node.has("imgpath")) {
                    return AnnotationFormat.MERGED;
                }
                if (node.has("section") || node.has("valid")) {
                    return AnnotationFormat.WIKI_TOOL;
                }
                if (node.has("train")) {
                    return AnnotationFormat.BBC_TOOL;
                }
            } catch (JsonProcessingException e) {
                // a broken first line says nothing about the format; try the next
                continue;
            }
            break;
        }
        throw new BadInputException(file, null, null, "cannot tell the annotation format; pass --format "
                + "bbc-tool|wiki-tool|merged|csv");
    }

    private void parseJsonl(String text, AnnotationFormat format, List<Raw> raws, List<Rejection> rejected) {
        String[] lines = text.split("\n", -1);
        boolean endsWithNewline = text.endsWith("\n");
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            int lineNo = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            Integer first = seen.putIfAbsent(line, lineNo);
            if (first != null) {
                rejected.add(new Rejection(lineNo, null, "duplicate of line " + first));
                continue;
            }
            JsonNode node;
            try {
                node = Json.parseWhole(line);
            } catch (JsonProcessingException e) {
                boolean last = i == lines.length - 1 && !endsWithNewline;
                rejected.add(new Rejection(lineNo, null, last ? "truncated last line (no closing newline, broken JSON)"
                        : "broken JSON: " + e.getOriginalMessage()));
                continue;
            }
            try {
                raws.add(switch (format) {
                    case BBC_TOOL -> bbc(node, lineNo);
                    case WIKI_TOOL -> wiki(node, lineNo);
                    case MERGED -> merged(node, lineNo);
                    case CSV -> throw new IllegalStateException();
                });
            } catch (FieldException e) {
                rejected.add(new Rejection(lineNo, e.field, e.getMessage()));
            }
        }
    }

    private static Raw bbc(JsonNode n, int line) {
        String name = text(n, "name");
        boolean train = bool(n, "train");
        String type = n.path("type").asText("");
        List<String> snippets = strings(n, "snippets");
        return new Raw(line, number(n, "mi"), number(n, "sc"), (cmi, sc) -> new AnnotationRecord(Source.BBC, name,
                train ? Split.TRAIN : Split.TEST, null, List.of(), cmi, sc, type, snippets, true,
                n.path("annotator").asText(""), line));
    }

    private static Raw wiki(JsonNode n, int line) {
        JsonNode idNode = n.get("id");
        if (idNode == null || !(idNode.isTextual() || idNode.isIntegralNumber())) {
            throw new FieldException("id", "missing or not a string/integer");
        }
        String section = text(n, "section");
        String name = text(n, "name");
        String file = name.startsWith(WIKI_FILE_PREFIX) ? name.substring(WIKI_FILE_PREFIX.length()) : name;
        boolean valid = !n.has("valid") || bool(n, "valid");
        String type = n.path("type").asText("");
        List<String> snippets = strings(n, "snippets");
        String pairId = idNode.asText() + "#" + section + "#" + file;
        return new Raw(line, number(n, "mi"), number(n, "sc"), (cmi, sc) -> new AnnotationRecord(Source.WIKI, pairId,
                null, null, List.of(), cmi, sc, type, snippets, valid, n.path("annotator").asText(""), line));
    }

    /**
     * A merged classifier-input line of the original pipeline: a pair ({@code imgpath}, or {@code image} in BBC
     * files, and its text, nested as the pair files write it or flat) plus {@code annotation}; BBC lines carry
     * the {@code train} flag, which must agree with the corpus part the image is in.
     */
    private static Raw merged(JsonNode n, int line) {
        String imageField = org.infogap.data.PairsFileReader.imageField(n);
        if (imageField == null) {
            throw new FieldException("imgpath", "missing: a merged line names its image as imgpath or image");
        }
        String image = n.get(imageField).asText();
        List<String> text;
        try {
            text = n.has("text") && !n.get("text").isNull() ? org.infogap.data.PairsFileReader.nestedText(n.get("text")) : List.of();
        } catch (IllegalArgumentException e) {
            throw new FieldException("text", e.getMessage());
        }
        Split split = n.has("train") ? (bool(n, "train") ? Split.TRAIN : Split.TEST) : null;
        JsonNode a = n.get("annotation");
        if (a == null || !a.isObject()) {
            throw new FieldException("annotation", "missing or not an object");
        }
        String type = a.path("type").asText("");
        List<String> snippets = strings(a, "snippets");
        return new Raw(line, number(a, "mi", "annotation.mi"), number(a, "sc", "annotation.sc"),
                (cmi, sc) -> new AnnotationRecord(null, null, split, image, text, cmi, sc, type, snippets, true,
                        a.path("annotator").asText(""), line));
    }

    private static void parseCsv(Path file, String text, List<Raw> raws, List<Rejection> rejected) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).build();
        try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
            List<String> header = parser.getHeaderNames();
            for (String required : List.of("pair_id", "image_path", "cmi", "sc")) {
                if (!header.contains(required)) {
                    throw new BadInputException(file, "line 1", required, "missing CSV column; the header needs "
                            + "pair_id, image_path, text or text_path, cmi, sc, image_type, annotator");
                }
            }
            if (!header.contains("text") && !header.contains("text_path")) {
                throw new BadInputException(file, "line 1", "text", "missing CSV column text or text_path");
            }
            Map<String, Integer> seen = new HashMap<>();
            for (CSVRecord r : parser) {
                int line = (int) r.getRecordNumber() + 1;
                Integer first = seen.putIfAbsent(String.join("\u0001", r.values()), line);
                if (first != null) {
                    rejected.add(new Rejection(line, null, "duplicate of line " + first));
                    continue;
                }
                try {
                    raws.add(csv(file, r, line));
                } catch (FieldException e) {
                    rejected.add(new Rejection(line, e.field, e.getMessage()));
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw new BadInputException(file, null, null, "broken CSV: " + e.getCause().getMessage());
        }
    }

    private static Raw csv(Path file, CSVRecord r, int line) {
        String pairId = cell(r, "pair_id");
        String image = cell(r, "image_path");
        List<String> text;
        if (r.isMapped("text") && r.isSet("text") && !r.get("text").isEmpty()) {
            text = List.of(r.get("text"));
        } else if (r.isMapped("text_path") && r.isSet("text_path") && !r.get("text_path").isEmpty()) {
            Path textFile = file.toAbsolutePath().getParent().resolve(r.get("text_path"));
            try {
                text = List.of(Files.readString(textFile, StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new FieldException("text_path", "cannot read " + textFile + ": " + e);
            }
        } else {
            throw new FieldException("text", "neither text nor text_path given");
        }
        double cmi = parseNumber(cell(r, "cmi"), "cmi");
        double sc = parseNumber(cell(r, "sc"), "sc");
        String type = r.isMapped("image_type") && r.isSet("image_type") ? r.get("image_type") : "";
        String annotator = r.isMapped("annotator") && r.isSet("annotator") ? r.get("annotator") : "";
        return new Raw(line, cmi, sc, (c, s) -> new AnnotationRecord(null, pairId, null, image, text, c, s, type,
                List.of(), true, annotator, line));
    }

    private static String cell(CSVRecord r, String column) {
        if (!r.isSet(column) || r.get(column).isEmpty()) {
            throw new FieldException(column, "missing");
        }
        return r.get(column);
    }

    private static double parseNumber(String s, String field) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new FieldException(field, "not a number: '" + s + "'");
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new FieldException(field, v == null ? "missing" : "not a non-empty string");
        }
        return v.asText();
    }

    private static boolean bool(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isBoolean()) {
            throw new FieldException(field, v == null ? "missing" : "not true/false");
        }
        return v.asBoolean();
    }

    private static double number(JsonNode n, String field) {
        return number(n, field, field);
    }

    private static double number(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber()) {
            throw new FieldException(path, v == null ? "missing" : "not a number: " + v);
        }
        return v.asDouble();
    }

    private static List<String> strings(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new FieldException(field, "not an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : v) {
            if (!s.isTextual()) {
                throw new FieldException(field, "not an array of strings");
            }
            out.add(s.asText());
        }
        return out;
    }

    /** A field problem in one line; becomes a {@link Rejection}. */
    private static final class FieldException extends RuntimeException {
        final String field;

        FieldException(String field, String message) {
            super(message);
            this.field = field;
        }
    }
}
