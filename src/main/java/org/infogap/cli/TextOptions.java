package org.infogap.cli;

import org.infogap.text.TextLimits;
import org.infogap.text.TextPipeline;
import picocli.CommandLine.Option;

/** Text pipeline options; defaults are the paper's (section 5.1). */
final class TextOptions {

    @Option(names = "--max-sentences", defaultValue = "" + TextLimits.PAPER_MAX_SENTENCES, description = "Sentences kept per text. Default: ${DEFAULT-VALUE}")
    int maxSentences;

    @Option(names = "--max-tokens", defaultValue = "" + TextLimits.PAPER_MAX_TOKENS, description = "Tokens kept per sentence. Default: ${DEFAULT-VALUE}")
    int maxTokens;

    TextPipeline pipeline() {
        return new TextPipeline(new TextLimits(maxSentences, maxTokens));
    }
}
