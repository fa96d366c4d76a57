package org.infogap.data;

import java.util.stream.Stream;

/** A corpus in one real format, read lazily. */
public interface PairReader {

    /**
     * Streams the pairs in file order; nothing is read before the stream is consumed. Close the
     * stream (try-with-resources) to release open files. Bad entries are handled by the reader's
     * {@link BadInputPolicy}.
     */
    Stream<ImageTextPair> pairs();
}
