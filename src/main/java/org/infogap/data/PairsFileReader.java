package org.infogap.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The image-text pair files of the paper's original pipeline, the input of its autoencoder: UTF-8 JSONL,
 * one pair per line, the image path relative to the file.
 *
 * <pre>
 * wiki-samples.jsonl: {"imgpath": "img/Paris.jpg", "text": [[["History"], ["First sentence.", "Second."]], ...]}
 * bbc-samples.jsonl:  {"image": "bbc/0001.jpg", "train": true, "text": [[["Title"], ["A sentence."]], ...]}
 * </pre>
 *
 * {@code text} is a list of (title, paragraph) tuples, each a list of sentences; the pair's text is the
 * paragraphs' sentences in order, titles left out (they name sections, they are not prose). A line's own
 * {@code train} flag, where it has one, decides its split; else the part's split does. The pair id is the
 * image path as the file writes it, which is unique in such a file and is how merged label files name it.
 */
public final class PairsFileReader implements PairReader {

    private final Path jsonl;
    private final Source source;
    private final Split split;
    private final ReadOptions options;

    public PairsFileReader(Path jsonl, Source source, Split split, ReadOptions options) {
        this.jsonl = jsonl;
        this.source = source;
        this.split = split;
        this.options = options;
    }

    @Override
    public Stream<ImageTextPair> pairs() {
        return JsonlLines.stream(jsonl, this::read);
    }

    private List<ImageTextPair> read(int lineNo, String line) {
        String location = "line " + lineNo;
        try {
            JsonNode n = JsonlLines.object(jsonl, location, line);
            String imageField = imageField(n);
            if (imageField == null) {
                throw new BadInputException(jsonl, location, "imgpath", "missing: a pair names its image as imgpath or image");
            }
            String image = n.get(imageField).asText();
            if (image.isBlank() || image.contains("..")) {
                throw new BadInputException(jsonl, location, imageField, "bad image path '" + image + "'");
            }
            List<String> sentences;
            try {
                sentences = nestedText(n.get("text"));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(jsonl, location, "text", e.getMessage());
            }
            Split own = split;
            JsonNode train = n.get("train");
            if (train != null && !train.isNull()) {
                if (!train.isBoolean()) {
                    throw new BadInputException(jsonl, location, "train", "not true or false");
                }
                own = train.asBoolean() ? Split.TRAIN : Split.TEST;
            }
            Path imagePath = jsonl.toAbsolutePath().getParent().resolve(image);
            options.checkImage(imagePath, jsonl, location, imageField);
            if (sentences.isEmpty()) {
                return List.of();
            }
            return List.of(new ImageTextPair(source, image, imagePath, sentences, "", own));
        } catch (BadInputException e) {
            options.policy().handle(e);
            return List.of();
        }
    }

    /** {@code imgpath} (Wiki files) or {@code image} (BBC files), whichever is a string; null when neither is. */
    public static String imageField(JsonNode n) {
        for (String f : new String[] {"imgpath", "image"}) {
            if (n.has(f) && n.get(f).isTextual()) {
                return f;
            }
        }
        return null;
    }

    /**
     * The sentences of the pipeline's nested text, {@code [[[title], [sentence, ...]], ...]}, titles left
     * out; a flat list of strings is taken as sentences as they are.
     *
     * @throws IllegalArgumentException naming what is not in that shape
     */
    public static List<String> nestedText(JsonNode text) {
        if (text == null || !text.isArray()) {
            throw new IllegalArgumentException(text == null ? "missing" : "not a list of (title, paragraph) tuples");
        }
        List<String> sentences = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            JsonNode item = text.get(i);
            if (item.isTextual()) {
                sentences.add(item.asText());
                continue;
            }
            if (!item.isArray() || item.size() != 2 || !item.get(1).isArray()) {
                throw new IllegalArgumentException("text[" + i + "] is not a (title, paragraph) tuple [[title], [sentences]]");
            }
            JsonNode paragraph = item.get(1);
            for (int j = 0; j < paragraph.size(); j++) {
                if (!paragraph.get(j).isTextual()) {
                    throw new IllegalArgumentException("text[" + i + "][1][" + j + "] is not a string");
                }
                String s = paragraph.get(j).asText().strip();
                if (!s.isEmpty()) {
                    sentences.add(s);
                }
            }
        }
        return sentences;
    }
}
