package org.infogap.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.infogap.text.SentenceSplitter;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The BBC News corpus of Feng &amp; Lapata: a folder of entries {@code NAME.html} (the article),
 * {@code NAME.jpg} (its image) and {@code NAME.txt} (the image caption). The corpus ships its train
 * and test parts (240 entries) as separate folders; each folder is read with its {@link Split}.
 *
 * <p>Article text is taken with jsoup from the HTML's {@code <p>} elements, one paragraph each
 * (the whole body text when there are none), then split into sentences.
 */
public final class BbcNewsReader implements PairReader {

    private final Path dir;
    private final Split split;
    private final TextDecoding decoding;
    private final ReadOptions options;
    private final SentenceSplitter splitter = new SentenceSplitter();

    public BbcNewsReader(Path dir, Split split, TextDecoding decoding, ReadOptions options) {
        this.dir = dir;
        this.split = split;
        this.decoding = decoding;
        this.options = options;
    }

    @Override
    public Stream<ImageTextPair> pairs() {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir, null, null, "BBC News folder does not exist");
        }
        Stream<Path> entries;
        try {
            entries = Files.list(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Sorted names keep runs reproducible; the names alone are small even for the full corpus.
        List<Path> html = entries.filter(p -> p.getFileName().toString().endsWith(".html")).sorted().toList();
        entries.close();
        return html.stream().map(this::readEntry).filter(Objects::nonNull);
    }

    private ImageTextPair readEntry(Path htmlFile) {
        String file = htmlFile.getFileName().toString();
        String name = file.substring(0, file.length() - ".html".length());
        String location = "entry '" + name + "'";
        try {
            Path image = dir.resolve(name + ".jpg");
            options.checkImage(image, htmlFile, location, "image");
            Path captionFile = dir.resolve(name + ".txt");
            if (!Files.isRegularFile(captionFile)) {
                throw new BadInputException(htmlFile, location, "caption", "caption file " + captionFile
                        + " does not exist");
            }
            String caption = decoding.decode(Files.readAllBytes(captionFile), captionFile).trim();
            List<String> sentences = articleSentences(decoding.decode(Files.readAllBytes(htmlFile), htmlFile));
            if (sentences.isEmpty()) {
                throw new BadInputException(htmlFile, location, "text", "article has no text");
            }
            return new ImageTextPair(Source.BBC, name, image, sentences, caption, split);
        } catch (IOException e) {
            options.policy().handle(new BadInputException(htmlFile, location, null, e.toString(), e));
        } catch (BadInputException e) {
            options.policy().handle(e);
        }
        return null;
    }

    private List<String> articleSentences(String html) {
        Document doc = Jsoup.parse(html);
        List<String> sentences = new ArrayList<>();
        List<Element> paragraphs = doc.select("p");
        if (paragraphs.isEmpty()) {
            sentences.addAll(splitter.split(doc.body().text()));
        }
        for (Element p : paragraphs) {
            sentences.addAll(splitter.split(p.text()));
        }
        return sentences;
    }
}
