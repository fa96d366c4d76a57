package org.infogap.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.weightinit.impl.XavierInitScheme;
import org.nd4j.weightinit.impl.ZeroInitScheme;

/**
 * The encoder both the autoencoder and the classifier use, defined once: image features -> FC -> image
 * embedding; each sentence's word vectors -> word LSTM -> sentence embedding; [image embedding,
 * sentence embeddings...] -> text LSTM -> text embedding; FC over text + image embedding -> article
 * embedding. Variables are named {@code enc/...}, so a classifier takes them from an autoencoder by name.
 *
 * <p>With {@link ModelConfig#matching()} (not in the paper), each sentence is also scored against the
 * image ({@link MatchHead}) and its text-LSTM step gets that probability beside its embedding: the
 * labels hinge on which sentences are true of the image, and a sentence embedding alone, an LSTM step
 * after the image, did not learn to check that from 800 labelled pairs (SC stayed at chance). So far the
 * head learns which sentences are about the image, not which are true of it on pooled features; on the grid
 * ({@link ModelConfig#matchGrid()}), learnt from captions as bags of words with a binary loss and a warm-up, it
 * tells true from contradicting test claims with ROC AUC 0.88 (docs/decisions/2026-11-measurements-log.md).
 *
 * <p>The word LSTM runs over the batch's real sentences only (placeholder {@code words}: [sentences,
 * maxTokens, wordDim]); a 0/1 placement matrix [batch x maxSentences, sentences] puts their embeddings
 * into the padded [batch, maxSentences] grid, which halves the LSTM work on texts of 9 sentences out
 * of 20. The LSTMs get each sequence's length, so padding never reaches an embedding (tested). With
 * {@link ModelConfig#matchCaptions()} the rows go on with the pairs' caption phrases, which only the match
 * head's loss reads: the placement puts them nowhere.
 *
 * <p>With {@link MatchHead.Settings#bag()} the head reads each row's bag of words ({@link #BAG}, fed beside the
 * word vectors) instead of the LSTM's embedding.
 *
 * <p>The word vectors are the Word2Vec model's, looked up outside the graph ({@link Feeds}) and kept
 * fixed: the paper fine-tunes them, but SameDiff 1.0.0-M2.1 differentiates {@code gather} through a
 * per-index loop that cost about a second per batch here, more than everything else together.
 */
public final class Encoder {

    public static final String FEATURES = "features";
    /** [batch, cells, channels]: the standardised grid, with {@link ModelConfig#matchGrid()}. */
    public static final String GRID = "grid";
    /** [rows]: the batch index of each word-LSTM row's pair (a sentence's or a caption phrase's). */
    public static final String OWNER = "sentence_owner";
    public static final String WORDS = "words";
    /** [rows, vocabulary]: 1 where a word-LSTM row holds the word, with {@link MatchHead.Settings#bag()}. */
    public static final String BAG = "sentence_bag";
    public static final String TOKEN_LENGTHS = "token_lengths";
    public static final String SENTENCE_COUNTS = "sentence_counts";
    public static final String PLACEMENT = "sentence_placement";
    public static final String DROP_IMAGE = "drop_image";
    public static final String DROP_SENTENCES = "drop_sentences";
    public static final String DROP_ARTICLE = "drop_article";
    public static final String IMAGE_EMBEDDING = "image_embedding";
    public static final String TEXT_EMBEDDING = "text_embedding";
    public static final String ARTICLE = "article_embedding";
    /** Per real sentence, the logit that it is true of its pair's image (when the config matches). */
    public static final String MATCH = "sentence_match";
    public static final String PREFIX = "enc/";
    /**
     * [rows, distinct rows]: 0/1, which distinct sentence each word-LSTM row is, in an encoder that
     * {@link Shape#shareSentences() shares sentences}.
     */
    public static final String SENTENCE_ROWS = "sentence_rows";

    /**
     * The encoder's outputs inside a graph; with matching, {@code matchInput} is what the match head reads of
     * each word-LSTM row ({@code matchWidth} wide: the bag of its words, or its embedding and the mean of its word
     * vectors) and {@code match} its logit against its own image; null (and 0) without matching.
     */
    public record Outputs(SDVariable image, SDVariable text, SDVariable article, SDVariable placement,
                          SDVariable matchInput, int matchWidth, SDVariable match, Shape shape) {
    }

    /**
     * How a graph reads its text. Training graphs read up to the config's sentences and tokens per row, unshared.
     * A scoring graph may share sentences (the text side once per distinct sentence of the batch: the word LSTM, the
     * mean of the word vectors and the bag of words read only the distinct rows, which {@link Feeds} dedupes, and a
     * 0/1 matrix, {@link #SENTENCE_ROWS}, hands each pair's sentences their rows) and may unroll its LSTMs over fewer
     * steps, for batches whose texts are that short: an LSTM reads left to right and each row's output is taken at its
     * own last step, so steps past a batch's longest text change nothing but cost about 12 ops each (a 3-sentence text
     * ran 21 ms alone on 21 sentence steps, 13 ms on 5). Every variable is the same in all shapes, so a scoring graph
     * takes a trained graph's parameters and gives its scores (EncoderSharingTest).
     *
     * <p>A scoring graph may also run each LSTM as ND4J's one {@code lstmLayer} op instead of the unrolled steps
     * ({@code fusedLstm}): same variables, same outputs to 1e-5 (LstmTest, EncoderSharingTest), and a forward pass
     * only, so {@link Lstm}'s reason against it (the native memory its backward pass keeps) does not apply. It
     * matters because SameDiff's Java bookkeeping grows with the ops of a graph: a JFR profile of {@code bench api}
     * found as many of the scoring thread's samples in it (building each call's subgraph, variable lookups) as in
     * the native ops, and the unrolled steps are most of the ops.
     *
     * @param sentences sentence slots (at most the config's maxSentences)
     * @param tokens    tokens per row (at most the config's maxTokens)
     * @param fusedLstm whether the LSTMs are {@code lstmLayer} ops (inference only: no gradients are taken)
     */
    public record Shape(boolean shareSentences, int sentences, int tokens, boolean fusedLstm) {
        /** A shape with unrolled LSTMs. */
        public Shape(boolean shareSentences, int sentences, int tokens) {
            this(shareSentences, sentences, tokens, false);
        }

        /** The shape training graphs have: every slot of the config, rows unshared, LSTMs unrolled. */
        public static Shape full(ModelConfig c) {
            return new Shape(false, c.text().maxSentences(), c.text().maxTokens());
        }
    }

    private Encoder() {
    }

    /** The encoder in {@code sd}; {@code vocabulary} words (rows of the word vectors, as the bag of words counts them). */
    public static Outputs define(SameDiff sd, ModelConfig c, int vocabulary) {
        return define(sd, c, vocabulary, Shape.full(c));
    }

    /** The encoder read as {@code shape} says (training graphs: {@link Shape#full}). */
    public static Outputs define(SameDiff sd, ModelConfig c, int vocabulary, Shape shape) {
        int s = shape.sentences();
        int t = shape.tokens();
        SDVariable features = sd.placeHolder(FEATURES, DataType.FLOAT, -1, c.imageFeatures());
        SDVariable words = sd.placeHolder(WORDS, DataType.FLOAT, -1, t, c.text().wordDim());
        SDVariable tokenLengths = sd.placeHolder(TOKEN_LENGTHS, DataType.FLOAT, -1);
        SDVariable sentenceCounts = sd.placeHolder(SENTENCE_COUNTS, DataType.FLOAT, -1);
        SDVariable dropImage = sd.placeHolder(DROP_IMAGE, DataType.FLOAT, -1, c.image().dim());
        SDVariable dropSentences = sd.placeHolder(DROP_SENTENCES, DataType.FLOAT, -1, c.text().sentenceDim());
        SDVariable placement = sd.placeHolder(PLACEMENT, DataType.FLOAT, -1, -1);
        SDVariable dropArticle = sd.placeHolder(DROP_ARTICLE, DataType.FLOAT, -1, c.text().articleDim());
        SDVariable grid = c.matchGrid() ? sd.placeHolder(GRID, DataType.FLOAT, -1, -1, InceptionV3.GRID_CHANNELS) : null;
        SDVariable owner = c.matchGrid() ? sd.placeHolder(OWNER, DataType.INT, -1) : null;

        SDVariable image = dense(sd, "enc/image", features, c.imageFeatures(), c.image().dim(), true)
                .mul(dropImage).rename(IMAGE_EMBEDDING);

        SDVariable rows = shape.shareSentences() ? sd.placeHolder(SENTENCE_ROWS, DataType.FLOAT, -1, -1) : null;
        java.util.function.UnaryOperator<SDVariable> perRow = x -> rows == null ? x : sd.mmul(rows, x);
        SDVariable sentences = perRow.apply(lstm(sd, shape, "enc/word_lstm", words, tokenLengths, t, c.text().wordDim(),
                c.text().sentenceDim())).mul(dropSentences);
        SDVariable matchInput = null;
        int matchWidth = 0;
        int stepDim = c.text().sentenceDim();
        SDVariable imageRow = image;
        SDVariable match = null;
        if (c.matching()) {
            if (c.matchHead().bag()) {
                matchInput = perRow.apply(sd.placeHolder(BAG, DataType.FLOAT, -1, vocabulary));
                matchWidth = vocabulary;
            } else {
                SDVariable tokenMask = sd.expandDims(sd.sequenceMask(tokenLengths.castTo(DataType.INT), t, DataType.FLOAT), 2);
                SDVariable meanWords = sd.sum(words.mul(tokenMask), 1).div(sd.expandDims(tokenLengths, 1));
                matchInput = sd.concat(1, sentences, perRow.apply(meanWords));
                matchWidth = c.text().sentenceDim() + c.text().wordDim();
            }
            match = MatchHead.ownImage(sd, c, matchInput, matchWidth, placement, features, grid, owner, s,
                    shape.shareSentences()).rename(MATCH);
            // each sentence step carries its match probability; the image step a 0 there
            sentences = sd.concat(1, sentences, sd.nn().sigmoid(match));
            imageRow = sd.concat(1, image, sd.sum(image.mul(0.0), true, 1));
            stepDim++;
        }
        // the word LSTM ran over the real sentences only; a 0/1 matrix puts them in their padded slots
        SDVariable sentenceSeq = sd.reshape(sd.mmul(placement, sentences), -1, s, stepDim);
        SDVariable imageStep = sd.expandDims(imageRow, 1);
        SDVariable textInput = sd.concat(1, imageStep, sentenceSeq);
        SDVariable text = lstm(sd, shape, "enc/text_lstm", textInput, sentenceCounts.add(1.0), s + 1, stepDim,
                c.text().textDim())
                .rename(TEXT_EMBEDDING);
        SDVariable article = dense(sd, "enc/article", sd.concat(1, text, image), c.text().textDim() + c.image().dim(),
                c.text().articleDim(), true).mul(dropArticle).rename(ARTICLE);
        return new Outputs(image, text, article, placement, matchInput, matchWidth, match, shape);
    }

    /** The output at each row's last real step, unrolled or as one {@code lstmLayer} op, as {@code shape} says. */
    private static SDVariable lstm(SameDiff sd, Shape shape, String name, SDVariable in, SDVariable lengths, int steps,
                                   int nIn, int nOut) {
        return shape.fusedLstm() ? Lstm.nd4jLayer(sd, name, in, lengths, nIn, nOut, false)
                : Lstm.last(sd, name, in, lengths, steps, nIn, nOut);
    }

    /**
     * The encoder variables of a network trained with config {@code from}, shaped for an encoder of config
     * {@code to}: an encoder with the match head feeds each sentence's match probability to the text LSTM as its
     * last input, which one without the head does not have, so that input's row of the text LSTM's input weights is
     * dropped and the rest is kept as trained. Every other variable passes as it is (the match head's own are
     * simply not read). Lets the ablation report train the paper's classifier from an autoencoder with the head.
     */
    public static java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> adapt(
            java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> params, ModelConfig from, ModelConfig to) {
        java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> out = new java.util.LinkedHashMap<>(params);
        String textW = "enc/text_lstm/W";
        if (from.matching() && !to.matching() && out.containsKey(textW)) {
            org.nd4j.linalg.api.ndarray.INDArray w = out.get(textW);
            out.put(textW, w.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, w.rows() - 1),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).dup());
        } else if (!from.matching() && to.matching() && out.containsKey(textW)) {
            throw new IllegalArgumentException("an encoder trained without the match head cannot give one with it its "
                    + "text LSTM: train the autoencoder with the matchHead component");
        }
        return out;
    }

    /** Fully connected layer; tanh when {@code activate}. */
    static SDVariable dense(SameDiff sd, String name, SDVariable in, int nIn, int nOut, boolean activate) {
        SDVariable w = sd.var(name + "/W", new XavierInitScheme('c', nIn, nOut), DataType.FLOAT, nIn, nOut);
        SDVariable b = sd.var(name + "/b", new ZeroInitScheme('c'), DataType.FLOAT, nOut);
        SDVariable z = sd.nn().linear(in, w, b);
        return activate ? sd.math().tanh(z) : z;
    }
}
