package org.infogap.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.infogap.io.Json;
import org.infogap.text.SentenceSplitter;

/**
 * A Simple English Wikipedia crawl: UTF-8 JSONL, one article per line, images in one folder.
 *
 * <pre>
 * {"id": "123" or 123, "title": "...", "url": "...",
 *  "sections": [{"title": "...", "text": "...",
 *                "images": ["File.jpg" or {"file": "File.jpg", "caption": "..."}],
 *                "subsections": [ ...sections... ]}]}
 * </pre>
 *
 * <p>The first top-level section is the article's summary. An image of the summary is paired with
 * the whole article's text; any other image with the text of its section and that section's
 * subsections. The pair id is {@code articleId#section#file}, where section is "Article" for
 * summary images, as the annotation tool names them. {@code url}, {@code images} and
 * {@code subsections} are optional; {@code id}, {@code title}, {@code sections} and each section's
 * {@code title} and {@code text} are required. Lines are read one at a time.
 */
public final class SimpleWikiReader implements PairReader {

    /** The section name of summary images, as the Wiki annotation tool writes it. */
    public static final String WHOLE_ARTICLE = "Article";

    private final Path jsonl;
    private final Path imageDir;
    private final Split split;
    private final ReadOptions options;
    private final SentenceSplitter splitter = new SentenceSplitter();

    public SimpleWikiReader(Path jsonl, Path imageDir, Split split, ReadOptions options) {
        this.jsonl = jsonl;
        this.imageDir = imageDir;
        this.split = split;
        this.options = options;
    }

    @Override
    public Stream<ImageTextPair> pairs() {
        BufferedReader reader;
        try {
            reader = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException(jsonl, null, null, "cannot open: " + e);
        }
        int[] lineNo = {0};
        return reader.lines()
                .map(line -> new Object[] {++lineNo[0], line})
                .filter(l -> !((String) l[1]).isBlank())
                .flatMap(l -> readArticle((Integer) l[0], (String) l[1]).stream())
                .onClose(() -> {
                    try {
                        reader.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    private List<ImageTextPair> readArticle(int lineNo, String line) {
        String location = "line " + lineNo;
        try {
            JsonNode article;
            try {
                article = Json.parseWhole(line);
            } catch (JsonProcessingException e) {
                throw new BadInputException(jsonl, location, null, "broken JSON: " + e.getOriginalMessage());
            }
            if (!article.isObject()) {
                throw new BadInputException(jsonl, location, null, "expected a JSON object per line");
            }
            JsonNode idNode = article.get("id");
            if (idNode == null || !(idNode.isTextual() || idNode.isIntegralNumber()) || idNode.asText().isBlank()) {
                throw new BadInputException(jsonl, location, "id", "missing or not a string/integer");
            }
            String id = idNode.asText();
            location = location + " (article " + id + ")";
            text(article, "title", location);
            JsonNode sections = article.get("sections");
            if (sections == null || !sections.isArray() || sections.isEmpty()) {
                throw new BadInputException(jsonl, location, "sections", "missing or empty array");
            }
            List<String> articleText = new ArrayList<>();
            for (int i = 0; i < sections.size(); i++) {
                articleText.addAll(sectionText(sections.get(i), location, "sections[" + i + "]"));
            }
            List<ImageTextPair> pairs = new ArrayList<>();
            for (int i = 0; i < sections.size(); i++) {
                collectPairs(sections.get(i), "sections[" + i + "]", i == 0 ? articleText : null, id, location,
                        pairs);
            }
            return pairs;
        } catch (BadInputException e) {
            options.policy().handle(e);
            return List.of();
        }
    }

    /** Adds the pairs of a section's images and, recursively, of its subsections. */
    private void collectPairs(JsonNode section, String path, List<String> wholeArticle, String articleId,
                              String location, List<ImageTextPair> out) {
        String title = text(section, "title", location, path + ".title");
        JsonNode images = section.get("images");
        if (images != null && !images.isNull()) {
            if (!images.isArray()) {
                throw new BadInputException(jsonl, location, path + ".images", "not an array");
            }
            List<String> sentences = wholeArticle != null ? wholeArticle : sectionText(section, location, path);
            String sectionName = wholeArticle != null ? WHOLE_ARTICLE : title;
            for (int j = 0; j < images.size(); j++) {
                String field = path + ".images[" + j + "]";
                JsonNode image = images.get(j);
                String file;
                String caption = "";
                if (image.isTextual()) {
                    file = image.asText();
                } else if (image.isObject()) {
                    file = text(image, "file", location, field + ".file");
                    caption = image.path("caption").asText("");
                } else {
                    throw new BadInputException(jsonl, location, field, "expected a file name or {file, caption}");
                }
                if (file.isBlank() || file.contains("..")) {
                    throw new BadInputException(jsonl, location, field, "bad image file name '" + file + "'");
                }
                Path imagePath = imageDir.resolve(file);
                options.checkImage(imagePath, jsonl, location, field);
                if (!sentences.isEmpty()) {
                    out.add(new ImageTextPair(Source.WIKI, articleId + "#" + sectionName + "#" + file, imagePath,
                            sentences, caption, split));
                }
            }
        }
        JsonNode subsections = section.get("subsections");
        if (subsections != null && subsections.isArray()) {
            for (int k = 0; k < subsections.size(); k++) {
                collectPairs(subsections.get(k), path + ".subsections[" + k + "]", null, articleId, location, out);
            }
        }
    }

    private List<String> sectionText(JsonNode section, String location, String path) {
        if (!section.isObject()) {
            throw new BadInputException(jsonl, location, path, "expected a section object");
        }
        List<String> sentences = new ArrayList<>(splitter.split(text(section, "text", location, path + ".text")));
        JsonNode subsections = section.get("subsections");
        if (subsections != null && !subsections.isNull()) {
            if (!subsections.isArray()) {
                throw new BadInputException(jsonl, location, path + ".subsections", "not an array");
            }
            for (int k = 0; k < subsections.size(); k++) {
                sentences.addAll(sectionText(subsections.get(k), location, path + ".subsections[" + k + "]"));
            }
        }
        return sentences;
    }

    private String text(JsonNode node, String field, String location) {
        return text(node, field, location, field);
    }

    private String text(JsonNode node, String field, String location, String fieldPath) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new BadInputException(jsonl, location, fieldPath, v == null ? "missing" : "not a string");
        }
        return v.asText();
    }
}
