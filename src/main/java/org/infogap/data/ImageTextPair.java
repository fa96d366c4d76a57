package org.infogap.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One image and the text it appears with, as every reader produces it.
 *
 * @param source    which corpus it came from
 * @param id        unique within the source: COCO annotation or image id, BBC entry name,
 *                  Wiki {@code articleId#section#imageFile}
 * @param imagePath the image file (checked to exist by the readers)
 * @param sentences the text, split into sentences but otherwise as written
 * @param caption   the image's own caption where the corpus has one (BBC, Wiki), else empty
 * @param split     train or test part of its corpus
 */
public record ImageTextPair(Source source, String id, Path imagePath, List<String> sentences, String caption,
                            Split split) {

    public ImageTextPair {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(imagePath, "imagePath");
        sentences = List.copyOf(sentences);
        caption = caption == null ? "" : caption;
        Objects.requireNonNull(split, "split");
    }

    /** {@code source:id}, unique across a corpus. */
    public String key() {
        return source.name().toLowerCase(java.util.Locale.ROOT) + ":" + id;
    }
}
