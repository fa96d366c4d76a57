package org.infogap.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.infogap.io.AtomicFiles;
import org.infogap.io.Json;

/**
 * A corpus made of parts in the real formats, described by a small JSON file (paths relative to it):
 *
 * <pre>
 * {"name": "default", "parts": [
 *   {"format": "coco", "captions": "coco/annotations/captions_train.json", "images": "coco/images",
 *    "split": "train", "mode": "per-caption"},
 *   {"format": "bbc", "dir": "bbc/train", "split": "train", "encoding": "ISO-8859-1"},
 *   {"format": "simplewiki", "jsonl": "wiki/simplewiki_train.jsonl", "images": "wiki/images", "split": "train"},
 *   {"format": "pairs", "jsonl": "bbc/bbc-samples.jsonl", "source": "bbc", "split": "train"}]}
 * </pre>
 *
 * {@code simplewiki} reads the project's schema and the Wiki annotation tool's {@code articles.jsonl}
 * ({@link SimpleWikiReader}); {@code pairs} the original pipeline's pair files ({@link PairsFileReader}).
 *
 * {@code mode} is {@code per-caption} (default) or {@code per-image}; {@code encoding} is a charset
 * name or {@code auto} (default).
 */
public record CorpusManifest(String name, List<Part> parts) {

    /** One part of a corpus: a file or folder in one format, with its split. */
    public record Part(String format, Path path, Path images, Split split, CocoCaptionsReader.Mode mode,
                       String encoding, Source source) {

        /** A part whose format names its source (coco, bbc, simplewiki). */
        public Part(String format, Path path, Path images, Split split, CocoCaptionsReader.Mode mode, String encoding) {
            this(format, path, images, split, mode, encoding, null);
        }

        public PairReader reader(ReadOptions options) {
            return switch (format) {
                case "coco" -> new CocoCaptionsReader(path, images, mode, split, options);
                case "bbc" -> new BbcNewsReader(path, split, TextDecoding.of(encoding), options);
                case "simplewiki" -> new SimpleWikiReader(path, images, split, options);
                case "pairs" -> new PairsFileReader(path, source, split, options);
                default -> throw new IllegalStateException("unknown format " + format);
            };
        }
    }

    public CorpusManifest {
        parts = List.copyOf(parts);
    }

    /** Streams the pairs of every part, in manifest order; close the stream. */
    public Stream<ImageTextPair> pairs(ReadOptions options) {
        return pairs(options, p -> true);
    }

    /** Streams the pairs of the parts that pass {@code which}. */
    public Stream<ImageTextPair> pairs(ReadOptions options, Predicate<Part> which) {
        return parts.stream().filter(which).flatMap(p -> p.reader(options).pairs());
    }

    public static CorpusManifest read(Path file) throws IOException {
        JsonNode root;
        try {
            root = Json.mapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new BadInputException(file, "line " + e.getLocation().getLineNr(), null,
                    "broken JSON: " + e.getOriginalMessage());
        }
        Path base = file.toAbsolutePath().getParent();
        JsonNode partsNode = root.get("parts");
        if (partsNode == null || !partsNode.isArray() || partsNode.isEmpty()) {
            throw new BadInputException(file, null, "parts", "missing or empty array");
        }
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < partsNode.size(); i++) {
            JsonNode p = partsNode.get(i);
            String where = "parts[" + i + "]";
            String format = required(file, p, where, "format").toLowerCase(Locale.ROOT);
            Split split;
            try {
                split = Split.parse(required(file, p, where, "split"));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(file, where, "split", e.getMessage());
            }
            Part part = switch (format) {
                case "coco" -> new Part(format, base.resolve(required(file, p, where, "captions")),
                        base.resolve(required(file, p, where, "images")), split, mode(file, p, where), null);
                case "bbc" -> new Part(format, base.resolve(required(file, p, where, "dir")), null, split, null,
                        p.path("encoding").asText(TextDecoding.AUTO));
                case "simplewiki" -> new Part(format, base.resolve(required(file, p, where, "jsonl")),
                        base.resolve(required(file, p, where, "images")), split, null, null);
                case "pairs" -> new Part(format, base.resolve(required(file, p, where, "jsonl")), null, split, null, null,
                        pairsSource(file, p, where));
                default -> throw new BadInputException(file, where, "format",
                        "unknown format '" + format + "' (coco, bbc, simplewiki or pairs)");
            };
            parts.add(part);
        }
        return new CorpusManifest(root.path("name").asText(file.getFileName().toString()), parts);
    }

    /** Writes the manifest atomically, with paths relative to its folder. */
    public void write(Path file) throws IOException {
        Path base = file.toAbsolutePath().getParent();
        ObjectNode root = Json.mapper().createObjectNode().put("name", name);
        ArrayNode array = root.putArray("parts");
        for (Part part : parts) {
            ObjectNode p = array.addObject().put("format", part.format());
            String rel = base.relativize(part.path().toAbsolutePath()).toString();
            switch (part.format()) {
                case "coco" -> p.put("captions", rel).put("mode", part.mode().name().toLowerCase(Locale.ROOT)
                        .replace('_', '-'));
                case "bbc" -> p.put("dir", rel).put("encoding", part.encoding());
                case "pairs" -> p.put("jsonl", rel).put("source", part.source() == Source.BBC ? "bbc" : "wiki");
                default -> p.put("jsonl", rel);
            }
            if (part.images() != null) {
                p.put("images", base.relativize(part.images().toAbsolutePath()).toString());
            }
            p.put("split", part.split().label());
        }
        AtomicFiles.write(file, out -> Json.mapper().writerWithDefaultPrettyPrinter().writeValue(out, root));
    }

    private static CocoCaptionsReader.Mode mode(Path file, JsonNode p, String where) {
        String mode = p.path("mode").asText("per-caption");
        return switch (mode) {
            case "per-caption" -> CocoCaptionsReader.Mode.PER_CAPTION;
            case "per-image" -> CocoCaptionsReader.Mode.PER_IMAGE;
            default -> throw new BadInputException(file, where, "mode", "expected per-caption or per-image, got '"
                    + mode + "'");
        };
    }

    /** The source of a pairs part: bbc (British spelling, captions) or wiki. */
    private static Source pairsSource(Path file, JsonNode p, String where) {
        String source = required(file, p, where, "source").toLowerCase(Locale.ROOT);
        return switch (source) {
            case "bbc" -> Source.BBC;
            case "wiki", "simplewiki" -> Source.WIKI;
            default -> throw new BadInputException(file, where, "source", "expected bbc or wiki, got '" + source + "'");
        };
    }

    private static String required(Path file, JsonNode p, String where, String field) {
        JsonNode v = p.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new BadInputException(file, where, field, "missing or not a string");
        }
        return v.asText();
    }
}
