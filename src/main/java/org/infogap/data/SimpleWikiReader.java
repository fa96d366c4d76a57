package org.infogap.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
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
 *
 * <p>It also reads the dataset the paper's Wiki annotation tool opens ({@code articles.jsonl}), told
 * apart by its string {@code summary}:
 * <pre>
 * {"id": 123, "title": "...", "url": "...", "summary": "text of the lead", "images": [IMAGE...],
 *  "sections": [{"title": "...", "text": "...", "images": [IMAGE...], "subsections": [...], "lists": [[...]]}],
 *  "keyphrases": [...], "references": [...], "categories": [...]}
 * IMAGE = {"caption": "...", "filename": "Paris.jpg", "imgpath": "img/Paris.jpg", "metapath": "meta/Paris.json"}
 * </pre>
 * There the top-level images pair with the summary alone, which is the text the tool showed beside them
 * when the annotators labelled them (section "Article"); a section image pairs with its section and
 * subsections. {@code imgpath} is relative to the file's folder; an image without one has no file and
 * makes no pair. Lists, keyphrases, references and metadata files are not read. The first article's
 * schema is the file's: a line in the other schema stops the read, naming the line.
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
        return JsonlLines.stream(jsonl, (lineNo, line) -> {
            try {
                return readArticle(lineNo, line);
            } catch (MixedSchemaException e) {
                throw (BadInputException) e.getCause();
            }
        });
    }

    /** The two layouts of an article line; the first article's is the file's. */
    enum Schema {
        /** Sections only, the first one the summary. */
        PROJECT,
        /** The Wiki annotation tool's {@code articles.jsonl}: a string summary and top-level images. */
        ANNOTATOR;

        static Schema of(JsonNode article) {
            return article.has("summary") ? ANNOTATOR : PROJECT;
        }
    }

    private Schema schema;
    private int schemaLine;

    private List<ImageTextPair> readArticle(int lineNo, String line) {
        String location = "line " + lineNo;
        try {
            JsonNode article = JsonlLines.object(jsonl, location, line);
            Schema lineSchema = Schema.of(article);
            if (schema == null) {
                schema = lineSchema;
                schemaLine = lineNo;
            } else if (schema != lineSchema) {
                // not one bad line but two datasets in one file: which pairs ids and texts mean would differ
                throw new MixedSchemaException(new BadInputException(jsonl, location, "summary", "this article is in the "
                        + name(lineSchema) + " but line " + schemaLine + " is in the " + name(schema)
                        + "; one file holds one schema"));
            }
            if (lineSchema == Schema.ANNOTATOR) {
                return annotatorArticle(article, location);
            }
            String id = articleId(article, location);
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

    private String articleId(JsonNode article, String location) {
        JsonNode idNode = article.get("id");
        if (idNode == null || !(idNode.isTextual() || idNode.isIntegralNumber()) || idNode.asText().isBlank()) {
            throw new BadInputException(jsonl, location, "id", "missing or not a string/integer");
        }
        return idNode.asText();
    }

    private static String name(Schema s) {
        return s == Schema.ANNOTATOR ? "annotation tool's schema (a string summary)" : "project's schema (sections only)";
    }

    /** Thrown past the bad-input policy: a file that mixes schemas is refused whole. */
    private static final class MixedSchemaException extends RuntimeException {
        MixedSchemaException(BadInputException cause) {
            super(cause);
        }
    }

    private List<ImageTextPair> annotatorArticle(JsonNode article, String location) {
        String id = articleId(article, location);
        location = location + " (article " + id + ")";
        text(article, "title", location);
        List<String> summary = splitter.split(text(article, "summary", location));
        List<ImageTextPair> pairs = new ArrayList<>();
        annotatorImages(article.get("images"), "images", summary, WHOLE_ARTICLE, id, location, pairs);
        JsonNode sections = article.get("sections");
        if (sections != null && !sections.isNull()) {
            if (!sections.isArray()) {
                throw new BadInputException(jsonl, location, "sections", "not an array");
            }
            for (int i = 0; i < sections.size(); i++) {
                annotatorSection(sections.get(i), "sections[" + i + "]", id, location, pairs);
            }
        }
        return pairs;
    }

    private void annotatorSection(JsonNode section, String path, String articleId, String location, List<ImageTextPair> out) {
        List<String> sentences = sectionText(section, location, path);
        String title = text(section, "title", location, path + ".title");
        annotatorImages(section.get("images"), path + ".images", sentences, title, articleId, location, out);
        JsonNode subsections = section.get("subsections");
        if (subsections != null && subsections.isArray()) {
            for (int k = 0; k < subsections.size(); k++) {
                annotatorSection(subsections.get(k), path + ".subsections[" + k + "]", articleId, location, out);
            }
        }
    }

    /** Pairs of the annotation tool's IMAGE objects with {@code sentences}; images without {@code imgpath} have no file. */
    private void annotatorImages(JsonNode images, String path, List<String> sentences, String sectionName, String articleId,
                                 String location, List<ImageTextPair> out) {
        if (images == null || images.isNull()) {
            return;
        }
        if (!images.isArray()) {
            throw new BadInputException(jsonl, location, path, "not an array");
        }
        Path folder = jsonl.toAbsolutePath().getParent();
        for (int j = 0; j < images.size(); j++) {
            String field = path + "[" + j + "]";
            JsonNode image = images.get(j);
            if (!image.isObject()) {
                throw new BadInputException(jsonl, location, field, "expected an image object {caption, filename, imgpath, metapath}");
            }
            JsonNode imgpath = image.get("imgpath");
            if (imgpath == null || imgpath.isNull() || imgpath.asText().isBlank()) {
                continue;
            }
            String file = text(image, "filename", location, field + ".filename");
            if (file.isBlank()) {
                throw new BadInputException(jsonl, location, field + ".filename", "empty");
            }
            String relative = text(image, "imgpath", location, field + ".imgpath");
            if (relative.contains("..")) {
                throw new BadInputException(jsonl, location, field + ".imgpath", "bad image path '" + relative + "'");
            }
            Path imagePath = folder.resolve(relative);
            options.checkImage(imagePath, jsonl, location, field + ".imgpath");
            if (!sentences.isEmpty()) {
                out.add(new ImageTextPair(Source.WIKI, articleId + "#" + sectionName + "#" + file, imagePath, sentences,
                        image.path("caption").asText(""), split));
            }
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
