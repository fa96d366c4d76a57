package org.infogap.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.models.word2vec.Word2Vec;
import org.infogap.data.CorpusManifest;
import org.infogap.data.CorpusText;
import org.infogap.data.ReadOptions;
import org.infogap.data.Split;
import org.infogap.synth.CorpusGenerator;
import org.infogap.synth.GeneratorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Word2Vec on a small generated corpus learns what the corpus teaches. */
class WordVectorTrainerTest {

    @TempDir
    Path dir;

    private static final List<String> COLOURS = List.of("red", "green", "blue", "yellow", "purple");
    private static final List<String> SHAPES = List.of("circle", "square", "triangle", "star", "diamond");

    @Test
    void colourWordsAreNearerEachOtherThanToShapeWords() throws Exception {
        CorpusGenerator.Summary corpus = new CorpusGenerator(new GeneratorConfig(11, 1500, 0, 0.2, 32, false))
                .generate(dir.resolve("corpus"));
        CorpusText text = new CorpusText(CorpusManifest.read(corpus.manifest()), new TextPipeline(TextLimits.PAPER),
                ReadOptions.strict(), CorpusText.split(Split.TRAIN));
        long count;
        try (Stream<List<String>> s = text.sentences()) {
            count = s.count();
        }
        WordVectorTrainer.Settings settings = new WordVectorTrainer.Settings(50, 5, 5, 3, 42, 1, true);
        Word2Vec vec = new WordVectorTrainer(settings).train(text::sentences, count);

        double colourColour = meanSimilarity(vec, COLOURS, COLOURS);
        double colourShape = meanSimilarity(vec, COLOURS, SHAPES);
        assertTrue(colourColour > colourShape + 0.1,
                "colour-colour " + colourColour + " vs colour-shape " + colourShape);
        assertTrue(vec.hasWord("gray") && !vec.hasWord("grey"), "BBC's 'grey' was mapped to 'gray'");

        Path file = dir.resolve("w2v.zip");
        WordVectorTrainer.save(vec, file);
        Word2Vec back = WordVectorTrainer.load(file);
        assertEquals(vec.getVocab().numWords(), back.getVocab().numWords());
        assertEquals(vec.similarity("red", "blue"), back.similarity("red", "blue"), 1e-5);
    }

    private static double meanSimilarity(Word2Vec vec, List<String> a, List<String> b) {
        double sum = 0;
        int n = 0;
        for (String x : a) {
            for (String y : b) {
                if (!x.equals(y)) {
                    sum += vec.similarity(x, y);
                    n++;
                }
            }
        }
        return sum / n;
    }
}
