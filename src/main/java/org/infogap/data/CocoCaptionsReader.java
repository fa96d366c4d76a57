package org.infogap.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.infogap.io.Json;

/**
 * MS COCO captions ({@code captions_*.json}): {@code images[{id, file_name}]} and
 * {@code annotations[{id, image_id, caption}]}, with the image files in one folder.
 *
 * <p>The file is parsed with Jackson's streaming parser in two passes, so the order of the two
 * arrays does not matter: the first pass keeps only the image id to file name index, the second
 * streams the annotations. In {@link Mode#PER_CAPTION} (the paper's 202,654 pairs from val2014) each
 * caption becomes a pair as it is read; {@link Mode#PER_IMAGE} groups an image's captions as the
 * sentences of one pair, which needs the captions (text only, ~12 MB for val2014) held until the
 * file is read.
 */
public final class CocoCaptionsReader implements PairReader {

    /** How captions become pairs. */
    public enum Mode { PER_CAPTION, PER_IMAGE }

    private final Path captionsFile;
    private final Path imageDir;
    private final Mode mode;
    private final Split split;
    private final ReadOptions options;

    public CocoCaptionsReader(Path captionsFile, Path imageDir, Mode mode, Split split, ReadOptions options) {
        this.captionsFile = captionsFile;
        this.imageDir = imageDir;
        this.mode = mode;
        this.split = split;
        this.options = options;
    }

    @Override
    public Stream<ImageTextPair> pairs() {
        Map<Long, String> files = readImageIndex();
        AnnotationIterator annotations = new AnnotationIterator();
        Stream<ImageTextPair> stream;
        if (mode == Mode.PER_CAPTION) {
            stream = StreamSupport.stream(Spliterators.spliteratorUnknownSize(annotations, Spliterator.ORDERED), false)
                    .map(a -> toCaptionPair(a, files))
                    .filter(Objects::nonNull);
        } else {
            stream = Stream.of(files).flatMap(index -> groupByImage(annotations, index));
        }
        return stream.onClose(annotations::close);
    }

    private record Annotation(long id, long imageId, String caption, String location) {
    }

    private ImageTextPair toCaptionPair(Annotation a, Map<Long, String> files) {
        try {
            Path image = imageOf(a.imageId, a.location, files);
            return new ImageTextPair(Source.COCO, Long.toString(a.id), image, List.of(a.caption), "", split);
        } catch (BadInputException e) {
            options.policy().handle(e);
            return null;
        }
    }

    private Stream<ImageTextPair> groupByImage(AnnotationIterator annotations, Map<Long, String> files) {
        Map<Long, List<String>> captions = new LinkedHashMap<>();
        Map<Long, String> firstLocation = new HashMap<>();
        annotations.forEachRemaining(a -> {
            captions.computeIfAbsent(a.imageId, k -> new ArrayList<>()).add(a.caption);
            firstLocation.putIfAbsent(a.imageId, a.location);
        });
        List<ImageTextPair> pairs = new ArrayList<>(captions.size());
        captions.forEach((imageId, list) -> {
            try {
                Path image = imageOf(imageId, firstLocation.get(imageId), files);
                pairs.add(new ImageTextPair(Source.COCO, Long.toString(imageId), image, list, "", split));
            } catch (BadInputException e) {
                options.policy().handle(e);
            }
        });
        return pairs.stream();
    }

    private Path imageOf(long imageId, String location, Map<Long, String> files) {
        String name = files.get(imageId);
        if (name == null) {
            throw new BadInputException(captionsFile, location, "image_id", "no image with id " + imageId
                    + " in 'images'");
        }
        Path image = imageDir.resolve(name);
        options.checkImage(image, captionsFile, location, "file_name");
        return image;
    }

    private Map<Long, String> readImageIndex() {
        Map<Long, String> files = new HashMap<>();
        try (JsonParser parser = openAt("images")) {
            if (parser == null) {
                throw new BadInputException(captionsFile, null, "images", "missing array 'images'");
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                String location = location(parser);
                JsonNode image = Json.mapper().readTree(parser);
                try {
                    long id = requireLong(image, "id", location);
                    String fileName = requireText(image, "file_name", location);
                    files.put(id, fileName);
                } catch (BadInputException e) {
                    options.policy().handle(e);
                }
            }
        } catch (IOException e) {
            throw new BadInputException(captionsFile, null, null, "broken JSON: " + e.getMessage(), e);
        }
        return files;
    }

    /** Opens the file positioned on the START_ARRAY of a top-level field, or returns null if it is absent. */
    private JsonParser openAt(String field) throws IOException {
        JsonParser parser = Json.mapper().getFactory().createParser(captionsFile.toFile());
        try {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new BadInputException(captionsFile, location(parser), null, "expected a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals(field)) {
                    if (value != JsonToken.START_ARRAY) {
                        throw new BadInputException(captionsFile, location(parser), field, "expected an array");
                    }
                    return parser;
                }
                parser.skipChildren();
            }
            parser.close();
            return null;
        } catch (IOException | RuntimeException e) {
            parser.close();
            throw e;
        }
    }

    /** Streams the annotations array, one object at a time. */
    private final class AnnotationIterator implements Iterator<Annotation>, AutoCloseable {
        private JsonParser parser;
        private boolean started;
        private boolean done;
        private Annotation next;

        @Override
        public boolean hasNext() {
            try {
                if (!started) {
                    started = true;
                    parser = openAt("annotations");
                    if (parser == null) {
                        throw new BadInputException(captionsFile, null, "annotations", "missing array 'annotations'");
                    }
                }
                while (next == null && !done) {
                    JsonToken token = parser.nextToken();
                    if (token != JsonToken.START_OBJECT) {
                        done = true;
                        close();
                        break;
                    }
                    String location = location(parser);
                    JsonNode node = Json.mapper().readTree(parser);
                    try {
                        long imageId = requireLong(node, "image_id", location);
                        String caption = requireText(node, "caption", location).trim();
                        long id = node.has("id") ? requireLong(node, "id", location) : imageId;
                        next = new Annotation(id, imageId, caption, location);
                    } catch (BadInputException e) {
                        options.policy().handle(e);
                    }
                }
                return next != null;
            } catch (IOException e) {
                close();
                throw new BadInputException(captionsFile, parser == null ? null : location(parser), null,
                        "broken JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.toString()), e);
            }
        }

        @Override
        public Annotation next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Annotation a = next;
            next = null;
            return a;
        }

        @Override
        public void forEachRemaining(Consumer<? super Annotation> action) {
            while (hasNext()) {
                action.accept(next());
            }
        }

        @Override
        public void close() {
            if (parser != null) {
                try {
                    parser.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private static String location(JsonParser parser) {
        return "line " + parser.currentTokenLocation().getLineNr();
    }

    private long requireLong(JsonNode node, String field, String location) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new BadInputException(captionsFile, location, field, v == null ? "missing" : "not an integer: " + v);
        }
        return v.asLong();
    }

    private String requireText(JsonNode node, String field, String location) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new BadInputException(captionsFile, location, field, v == null ? "missing" : "not a non-empty string");
        }
        return v.asText();
    }
}
