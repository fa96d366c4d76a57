package org.infogap.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.infogap.data.BadInputPolicy;
import org.infogap.data.CorpusManifest;
import org.infogap.data.CorpusText;
import org.infogap.data.ImageLoader;
import org.infogap.data.ReadOptions;
import org.infogap.data.Split;
import picocli.CommandLine.Option;

/** Options shared by the commands that read a corpus. */
final class CorpusOptions {

    @Option(names = "--corpus", paramLabel = "MANIFEST", defaultValue = "datasets/default/corpus.json",
            description = "Corpus manifest (JSON listing the parts). Default: ${DEFAULT-VALUE}")
    Path manifest;

    @Option(names = "--skip-bad", description = "Skip and count bad entries instead of stopping at the first one.")
    boolean skipBad;

    @Option(names = "--verify-images", description = "Decode every image while reading, to report truncated or corrupt files.")
    boolean verifyImages;

    @Option(names = "--max-pixels", defaultValue = "" + ImageLoader.DEFAULT_MAX_PIXELS,
            description = "Refuse images with more pixels than this. Default: ${DEFAULT-VALUE}")
    long maxPixels;

    BadInputPolicy policy;

    ReadOptions readOptions() {
        if (policy == null) {
            policy = BadInputPolicy.of(skipBad);
        }
        return new ReadOptions(policy, verifyImages ? new ImageLoader(ImageLoader.PAPER_SIZE, maxPixels) : null);
    }

    /** The token sentences of the corpus's training parts, as vocab and word2vec read them. */
    CorpusText trainingText(TextOptions text) throws IOException {
        return new CorpusText(CorpusManifest.read(manifest), text.pipeline(), readOptions(),
                CorpusText.split(Split.TRAIN));
    }

    /** The corpus's pairs indexed for matching annotations (relative image paths resolve against its folder). */
    org.infogap.annotate.PairIndex pairIndex() throws IOException {
        return new org.infogap.annotate.PairIndex(CorpusManifest.read(manifest).pairs(readOptions()),
                manifest.toAbsolutePath().getParent());
    }

    /** Prints how many bad entries were skipped, if any. */
    void printSkipReport() {
        if (policy != null && policy.skipped() > 0) {
            System.out.println("skipped " + policy.skipped() + " bad entries, first: " + policy.firstMessages().get(0));
        }
    }
}
