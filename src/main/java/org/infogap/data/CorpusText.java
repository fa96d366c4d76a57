package org.infogap.data;

import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.infogap.text.TextPipeline;

/**
 * The token sentences of a corpus, as the model will read them: every pair of the selected parts
 * through the text pipeline (British spelling mapped to American for BBC text).
 */
public final class CorpusText {

    private final CorpusManifest manifest;
    private final TextPipeline pipeline;
    private final ReadOptions options;
    private final Predicate<CorpusManifest.Part> parts;

    public CorpusText(CorpusManifest manifest, TextPipeline pipeline, ReadOptions options,
                      Predicate<CorpusManifest.Part> parts) {
        this.manifest = manifest;
        this.pipeline = pipeline;
        this.options = options;
        this.parts = parts;
    }

    /** Only the parts of the given split. */
    public static Predicate<CorpusManifest.Part> split(Split split) {
        return p -> p.split() == split;
    }

    /** A new stream of token lists, one per sentence; close it. */
    public Stream<List<String>> sentences() {
        return manifest.pairs(options, parts)
                .flatMap(p -> pipeline.process(p.sentences(), p.source().britishEnglish()).stream());
    }
}
