package org.infogap.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.infogap.data.BadInputException;
import org.infogap.io.Json;

/**
 * Every hyperparameter of the model and its training, in one object that reads from and writes to
 * JSON. Two presets: {@link #paper()} (Henning & Ewerth's settings) and {@link #small()} (the default
 * generated corpus on 2 CPU cores within the {@code make run} budget); a file or {@code key=value}
 * overrides change single fields.
 *
 * @param imageSize         side of the square image fed to InceptionV3
 * @param imageDim          image embedding (paper 600); equals {@code sentenceDim}, as the image is the
 *                          text LSTM's first input
 * @param wordDim           word vectors (paper 300, from Word2Vec)
 * @param sentenceDim       sentence embeddings, the word LSTM's size (paper 600)
 * @param textDim           the text LSTM's size, the text embedding
 * @param articleDim        article embedding (paper 2400)
 * @param maxSentences      sentences kept per text (paper 50)
 * @param maxTokens         tokens kept per sentence (paper 40)
 * @param thumbnail         side of the image decoder's thumbnail (paper 30); the decoder output is 8 times it
 * @param cosineScale       the cosine similarities to the vocabulary are multiplied by this before the softmax
 * @param classifierHidden  the classifier's FC layer between article embedding and the two heads
 * @param keepEncoder       dropout keep probability in the encoder (paper 0.7)
 * @param keepDecoder       dropout keep probability in decoders and classifier (paper 0.9)
 * @param learningRate      initial SGD learning rate (paper 0.1)
 * @param lrDecay           factor applied to the learning rate after every epoch (paper 0.5)
 * @param batchSize         paper 16
 * @param clipNorm          global gradient norm clipping (paper 5)
 * @param aeEpochs          autoencoder epochs
 * @param classifierEpochs  classifier epochs
 * @param fineTuneEncoder   train the encoder with the classifier (paper: yes) or freeze it
 * @param seed              initialisation, dropout and shuffling
 * @param weightDecay       decoupled L2 decay of weight matrices: each step multiplies them by
 *                          1 - learningRate x weightDecay (paper: none, 0)
 * @param optimizer         {@code sgd} (the paper's) or {@code adam} (ND4J's Adam, beta 0.9/0.999, with the
 *                          same learning-rate schedule, clipping and decay)
 * @param fineTuneImage     train InceptionV3 end to end with the rest ({@link ImageTuner}; images are decoded
 *                          and run through it every step, no feature cache) or keep it fixed (default)
 * @param imageLrScale      InceptionV3's learning rate (plain SGD, whatever {@code optimizer}) relative to the rest's, when trained end to end
 * @param matchWeight       0 (the paper): no sentence-image matching. Above 0 (a departure from the paper): the
 *                          encoder scores every sentence against the image ({@link Encoder}) and feeds that score
 *                          to the text LSTM beside the sentence; both stages learn it, with this weight in
 *                          their loss, by picking each sentence's own image among the batch's ({@link MatchHead})
 * @param whitenWords       centre and whiten the Word2Vec vectors (ZCA) before use. Word2Vec gives words that
 *                          share contexts nearly the same vector (on the generated corpus, cosine 0.93-0.98
 *                          between any two colours, 0.95-0.98 between shapes); the paper fine-tunes the vectors
 *                          and so can pull them apart, this encoder keeps them fixed ({@link Encoder}), so it
 *                          whitens them instead, which keeps every direction Word2Vec found at unit scale
 * @param matchGrid         the match head reads an InceptionV3 map ({@code gridLayer}, 8x8 cells at 160 px),
 *                          attending over its cells with the sentence as query, instead of the pooled features:
 *                          every generated claim ties an attribute to a position, which pooling drops (a verifier
 *                          told the truth of each sentence reached 0.65 on pooled features, 0.81 on this grid;
 *                          {@code tools/sentence_verifier_ceiling.py})
 * @param matchCaptions     the match head learns from captions (COCO texts, BBC image captions), split into object
 *                          phrases, each picking its own image among the batch's; without it, from every sentence
 *                          of every text, which teaches contradicting sentences to match their image too
 * @param matchEpochs       epochs of the match head's warm-up ({@link Matcher}) before the autoencoder's: the head (and
 *                          without matchBag the word LSTM) trained on the training part's caption phrases alone; read as
 *                          0 without matchCaptions
 * @param sentenceCounts    the classifier also reads, per text, soft counts of its sentences that are about the
 *                          image and true of it, about it and false, about it at all (relatedness learnt, truth
 *                          from the match head), as the label rules count them
 * @param matchBag          the match head (and the classifier's relatedness) reads each sentence as the bag of its
 *                          words, a 0/1 vector over the vocabulary through learnt layers, instead of its word-LSTM
 *                          embedding beside the mean of its fixed Word2Vec vectors: the head must tell "red" from
 *                          "blue", which fixed vectors barely do (a PyTorch replica of the head on the same grid and
 *                          captions, 3 epochs: ROC AUC on the test claims 0.85 from the bag, 0.78 from whitened
 *                          Word2Vec means)
 * @param visualWords       the classifier's relatedness of a sentence (is it about the image?) reads the share of its
 *                          words that occur in the caption phrases of the classifier's training pairs (set from
 *                          them, not learnt; {@link Classifier#setVisualWords}), through a learnt threshold, instead
 *                          of a layer over its whole bag learnt from the labels alone, which settled on the inverse
 *                          (fillers 0.86, image-related sentences 0.26: the counts then counted fillers); needs
 *                          sentenceCounts and matchBag, read as off without them
 * @param countsHidden      width of a ReLU layer of the counts alone, which both heads read beside the FC layer; 0:
 *                          the heads read the counts themselves. The label rules are thresholds on ratios of the
 *                          counts, which linear heads learnt slowly beside the article's FC layer (a replica on the
 *                          counts of a trained classifier, batch 16, Adam 0.002: test SC 0.53 after 5 epochs with a
 *                          32-wide layer, 0.38 without); read as 0 without sentenceCounts
 * @param countsCoverage    that layer also reads how many objects the text's true sentences cover (attention over
 *                          the grid), how many objects the image shows (a count over the grid's cells learnt from
 *                          the number of object phrases of the training pairs' captions, no label) and the share
 *                          described, which CMI's rule averages with the share of true sentences (an MLP on a
 *                          trained classifier's counts: test CMI 0.52 alone, 0.62 with these); needs countsHidden
 *                          and matchGrid, read as off without them
 * @param imageLayer        the InceptionV3 block ({@code mixed0..mixed10}) whose map is averaged into the pooled image
 *                          features: the paper's is mixed10 (2048-d); with nsfwjs's weights, whose top was tuned for
 *                          content filtering, a linear probe reads shape 0.79-0.97 from mixed5 and 0.47-0.65 from
 *                          mixed10 (docs/decisions/2026-11-30-pretrained-image-encoder.md); mixed10 with fineTuneImage
 * @param gridLayer         the 17x17-stage block ({@code mixed3..mixed7}, 768 channels, 8x8 cells at 160 px) the
 *                          match head reads with matchGrid: a sentence verifier on nsfwjs's mixed5 grid got 0.79 of
 *                          the test sentences right, on mixed7 0.69 (random weights 0.87 / 0.82; same decision file)
 */
public record ModelConfig(int imageSize, int imageDim, int wordDim, int sentenceDim, int textDim, int articleDim,
                          int maxSentences, int maxTokens, int thumbnail, double cosineScale, int classifierHidden,
                          double keepEncoder, double keepDecoder, double learningRate, double lrDecay, int batchSize,
                          double clipNorm, int aeEpochs, int classifierEpochs, boolean fineTuneEncoder, long seed,
                          double weightDecay, String optimizer, boolean fineTuneImage,
                          double imageLrScale, double matchWeight, boolean whitenWords, boolean matchGrid,
                          boolean matchCaptions, boolean sentenceCounts, int matchEpochs, boolean matchBag,
                          boolean visualWords, int countsHidden, boolean countsCoverage, String imageLayer,
                          String gridLayer) {

    public static final String SGD = "sgd";
    public static final String ADAM = "adam";
    /** The grid the match head read before {@code gridLayer} was a setting, and the paper preset's (unused there). */
    private static final String FIRST_GRID_LAYER = "mixed7";
    /** Settings introduced after the first bundles, with the value that means "as before they existed". */
    private static final Map<String, JsonNode> ADDED_LATER = Map.ofEntries(
            Map.entry("imageLayer", com.fasterxml.jackson.databind.node.TextNode.valueOf(InceptionV3.LAST_BLOCK)),
            Map.entry("gridLayer", com.fasterxml.jackson.databind.node.TextNode.valueOf(FIRST_GRID_LAYER)),
            Map.entry("matchWeight", com.fasterxml.jackson.databind.node.DoubleNode.valueOf(0.0)),
            Map.entry("whitenWords", com.fasterxml.jackson.databind.node.BooleanNode.FALSE),
            Map.entry("matchGrid", com.fasterxml.jackson.databind.node.BooleanNode.FALSE),
            Map.entry("matchCaptions", com.fasterxml.jackson.databind.node.BooleanNode.FALSE),
            Map.entry("sentenceCounts", com.fasterxml.jackson.databind.node.BooleanNode.FALSE),
            Map.entry("matchEpochs", com.fasterxml.jackson.databind.node.IntNode.valueOf(0)),
            Map.entry("matchBag", com.fasterxml.jackson.databind.node.BooleanNode.FALSE),
            Map.entry("visualWords", com.fasterxml.jackson.databind.node.BooleanNode.FALSE),
            Map.entry("countsHidden", com.fasterxml.jackson.databind.node.IntNode.valueOf(0)),
            Map.entry("countsCoverage", com.fasterxml.jackson.databind.node.BooleanNode.FALSE));

    public ModelConfig {
        if (matchWeight == 0) {
            // without matching there is no match head: its settings mean nothing, and read as off
            matchGrid = false;
            matchCaptions = false;
            sentenceCounts = false;
            matchEpochs = 0;
            matchBag = false;
        }
        if (!matchCaptions) {
            matchEpochs = 0; // the warm-up learns from captions: without them there is none
        }
        if (!sentenceCounts || !matchBag) {
            visualWords = false; // a relatedness of the counts, read from the bag of words
        }
        if (!sentenceCounts) {
            countsHidden = 0;
        }
        if (countsHidden == 0 || !matchGrid) {
            countsCoverage = false; // read by the counts' layer, from the attention over the grid
        }
        if (imageLayer == null) {
            imageLayer = InceptionV3.LAST_BLOCK;
        }
        InceptionV3.channels(imageLayer); // refuses a name that is not a block's
        if (fineTuneImage) {
            imageLayer = InceptionV3.LAST_BLOCK; // end-to-end training trains the whole network up to avg_pool
        }
        if (gridLayer == null) {
            gridLayer = FIRST_GRID_LAYER;
        }
        InceptionV3.checkGridLayer(gridLayer);
        if (countsHidden < 0) {
            throw new IllegalArgumentException("countsHidden must be >= 0, got " + countsHidden);
        }
        if (matchEpochs < 0) {
            throw new IllegalArgumentException("matchEpochs must be >= 0, got " + matchEpochs);
        }
        if (imageSize < InceptionV3.MIN_SIZE) {
            throw new IllegalArgumentException("imageSize must be at least " + InceptionV3.MIN_SIZE + ", got " + imageSize);
        }
        if (imageDim != sentenceDim) {
            throw new IllegalArgumentException("imageDim (" + imageDim + ") must equal sentenceDim (" + sentenceDim
                    + "): the image embedding is the text LSTM's first input");
        }
        for (int v : new int[] {wordDim, sentenceDim, textDim, articleDim, maxSentences, maxTokens, thumbnail,
            classifierHidden, batchSize, aeEpochs, classifierEpochs}) {
            // 0 epochs would end a training run without any model file, after saying where it is
            if (v <= 0) {
                throw new IllegalArgumentException("sizes and epochs must be positive: " + this);
            }
        }
        if (!SGD.equals(optimizer) && !ADAM.equals(optimizer)) {
            throw new IllegalArgumentException("optimizer must be sgd or adam, got " + optimizer);
        }
        if (!(imageLrScale > 0)) {
            throw new IllegalArgumentException("imageLrScale must be > 0, got " + imageLrScale);
        }
        if (!(matchWeight >= 0)) {
            throw new IllegalArgumentException("matchWeight must be >= 0, got " + matchWeight);
        }
        if (matchGrid && fineTuneImage) {
            throw new IllegalArgumentException("matchGrid works on cached features; fineTuneImage trains pooled features only");
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        }
        if (!(keepEncoder > 0 && keepEncoder <= 1 && keepDecoder > 0 && keepDecoder <= 1)) {
            throw new IllegalArgumentException("keep probabilities must be in (0, 1]");
        }
    }

    /** Henning & Ewerth's settings. */
    public static ModelConfig paper() {
        return new ModelConfig(300, 600, 300, 600, 600, 2400, 50, 40, 30, 10.0, 256, 0.7, 0.9, 0.1, 0.5, 16, 5.0,
                10, 10, true, 42, 0.0, SGD, false, 0.01, 0.0, true, false, false, false, 0, false, false, 0, false,
                InceptionV3.LAST_BLOCK, FIRST_GRID_LAYER);
    }

    /**
     * Small dimensions for the generated corpus on 2 CPU cores. Its texts have at most 20 sentences of
     * at most 15 words, so nothing is cut; its images are 160 px and fed to InceptionV3 at that size (about
     * 48 images/s with batch norm folded, 2026-11-26; at 96 px the network's last grid is 1x1 and a linear
     * probe reads shape at a position barely above chance).
     *
     * <p>Adam (lr 0.002, x 0.95 per epoch) instead of the paper's SGD (0.1, halved every epoch): with
     * SGD the default run's autoencoder reached text perplexity 101 and the classifier stayed at chance
     * (validation 0.24 / 0.21); with Adam, perplexity 45 after 3 epochs and validation accuracy 0.51 /
     * 0.61 (measured on the default corpus, 2026-11-24). The paper preset keeps SGD.
     *
     * <p>Sentence-image matching on (matchWeight 1, not in the paper): the generated labels depend on which
     * sentences are true of the image, which the paper's encoder did not learn here. The head reads the mixed5
     * grid and learns from caption phrases (matchGrid, matchCaptions), and the classifier reads its counts
     * (sentenceCounts): on pooled features the head could not check claims at all (docs/decisions/2026-11-27-checking-claims-against-the-image.md).
     * The head warms up on captions alone for 2 epochs (matchEpochs) before the autoencoder: since it reads bags of
     * words and learns with the binary loss, 2 warm-up epochs (100 s) separate the test claims with ROC AUC 0.88, where 1 epoch of
     * joint training with the autoencoder (400 s) reached 0.59 (docs/decisions/2026-11-measurements-log.md, 2026-11-27).
     */
    public static ModelConfig small() {
        return new ModelConfig(160, 64, 300, 64, 64, 256, 20, 18, 6, 10.0, 64, 0.7, 0.9, 0.002, 0.95, 16, 5.0,
                4, 8, true, 42, 0.0, ADAM, false, 0.01, 1.0, true, true, true, true, 2, true, true, 32, true, "mixed5",
                "mixed5");
    }

    /** Length of the pooled image features the networks read: the channels of {@link #imageLayer}. */
    public int imageFeatures() {
        return InceptionV3.channels(imageLayer);
    }

    /** Whether the encoder scores sentences against the image ({@code matchWeight} above 0). */
    public boolean matching() {
        return matchWeight > 0;
    }

    public int decodedSize() {
        return thumbnail * 8;
    }

    public static ModelConfig preset(String name) {
        return switch (name) {
            case "paper" -> paper();
            case "small" -> small();
            default -> throw new IllegalArgumentException("unknown preset '" + name + "' (paper or small)");
        };
    }

    /** This config with {@code key=value} overrides, e.g. {@code batchSize=8}. */
    public ModelConfig with(Map<String, String> overrides) {
        ObjectNode node = Json.mapper().valueToTree(this);
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!node.has(e.getKey())) {
                throw new IllegalArgumentException("unknown setting '" + e.getKey() + "'; settings: " + fieldNames(node));
            }
            node.put(e.getKey(), e.getValue());
        }
        return fromTree(node, null);
    }

    /**
     * The settings in which {@code other} differs from this one, each as "name: this -> other", leaving out those
     * named in {@code ignored}; empty when they agree.
     */
    public java.util.List<String> differences(ModelConfig other, java.util.Set<String> ignored) {
        ObjectNode mine = Json.mapper().valueToTree(this);
        ObjectNode theirs = Json.mapper().valueToTree(other);
        java.util.List<String> out = new java.util.ArrayList<>();
        for (Iterator<String> it = mine.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!ignored.contains(name) && !mine.get(name).equals(theirs.get(name))) {
                out.add(name + ": " + mine.get(name) + " -> " + theirs.get(name));
            }
        }
        return out;
    }

    public static ModelConfig read(Path file) throws IOException {
        return fromTree(Json.mapper().readTree(file.toFile()), file);
    }

    public String toJson() {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ModelConfig fromJson(String json) throws IOException {
        return fromTree(Json.mapper().readTree(json), null);
    }

    private static ModelConfig fromTree(JsonNode node, Path file) {
        ObjectNode full = Json.mapper().valueToTree(small());
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!full.has(name)) {
                throw file == null ? new IllegalArgumentException("unknown setting '" + name + "'")
                        : new BadInputException(file, null, name, "unknown setting; settings: " + fieldNames(full));
            }
        }
        if (file != null) {
            for (Iterator<String> it = full.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!node.has(name)) {
                    throw new BadInputException(file, null, name, "missing setting (a config file states every setting)");
                }
            }
        }
        // settings added after a bundle was written take the value that reproduces how it was trained
        for (Map.Entry<String, JsonNode> added : ADDED_LATER.entrySet()) {
            if (!node.has(added.getKey())) {
                full.set(added.getKey(), added.getValue());
            }
        }
        full.setAll((ObjectNode) node);
        try {
            return Json.mapper().treeToValue(full, ModelConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            String message = e.getCause() instanceof IllegalArgumentException ? e.getCause().getMessage() : e.getMessage();
            if (file != null) {
                throw new BadInputException(file, null, null, message);
            }
            throw new IllegalArgumentException(message, e);
        }
    }

    private static String fieldNames(JsonNode node) {
        StringBuilder s = new StringBuilder();
        node.fieldNames().forEachRemaining(n -> s.append(s.length() == 0 ? "" : ", ").append(n));
        return s.toString();
    }
}
