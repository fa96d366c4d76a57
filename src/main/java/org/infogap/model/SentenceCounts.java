package org.infogap.model;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sentence counts (not in the paper): the classifier also reads, per text, soft counts of its sentences that are
 * about the image and true of it, about it and false, about it at all, each sentence's relatedness learnt and its
 * truth the {@link MatchHead}'s probability. On the generated corpus the label rules are functions of these
 * counts, and from labels alone a network did not learn to count sentences it could check
 * ({@code tools/sentence_verifier_ceiling.py --supervision text}). Three optional parts:
 * <ul>
 *   <li><b>visual words</b>: a sentence's relatedness is the share of its words that occur in the caption phrases
 *       of the classifier's training pairs ({@link #setVisualWords}, no label read) through a learnt threshold,
 *       instead of a layer over its bag of words learnt from the labels alone, which settled on the inverse
 *       (fillers 0.86, image-related sentences 0.26: the counts then counted fillers);</li>
 *   <li><b>a hidden layer</b> of the counts alone, which both heads read beside the FC layer: the label rules are
 *       thresholds on ratios of the counts, which linear heads learnt slowly (a replica on the counts of a trained
 *       classifier: test SC 0.53 after 5 epochs with a 32-wide layer, 0.38 without);</li>
 *   <li><b>coverage</b>: that layer also reads how many objects the text's true sentences cover ({@link #COVERAGE},
 *       attention over the grid), how many objects the image shows ({@link #OBJECTS}, learnt from the number of
 *       object phrases in the training pairs' captions, fitted first by {@link ObjectCounter}) and the share
 *       described, which CMI's generated rule averages with the share of true sentences (an MLP on a trained
 *       classifier's counts: test CMI 0.52 alone, 0.62 with these).</li>
 * </ul>
 * Whether any of this holds on real photos and articles is what the ablation report measures (docs/model.md).
 */
public final class SentenceCounts {

    /**
     * Sentence counts' section of {@link ModelConfig.Components}; needs the match head.
     *
     * @param hidden      width of the counts' ReLU layer the heads read; 0: the heads read the counts themselves
     *                    (flat name {@code countsHidden})
     * @param visualWords relatedness from the share of visual words; needs the match head's bag ({@code visualWords})
     * @param coverage    coverage, object count and share described in that layer; needs {@code hidden} above 0 and
     *                    the match head's grid ({@code countsCoverage})
     */
    public record Settings(int hidden, boolean visualWords, boolean coverage) {
        public Settings {
            if (hidden < 0) {
                throw new IllegalArgumentException("sentenceCounts.hidden must be >= 0, got " + hidden);
            }
            if (coverage && hidden == 0) {
                throw new IllegalArgumentException("sentenceCounts.coverage is read by the counts' layer: it needs hidden above 0");
            }
        }
    }

    /**
     * Per text, from each sentence's relatedness r and truth p: the shares sum(r p)/n, sum(r (1 - p))/n and
     * sum(r)/n of its n sentences, the agreement (sum(r p) - sum(r (1 - p))) / sum(r), and n / maxSentences.
     */
    public static final String COUNTS = "sentence_counts_features";
    /** How many features {@link #COUNTS} has. */
    public static final int WIDTH = 5;
    /** With visual words: per vocabulary word, 1 when it is visual, a variable that travels with the bundle, never trained. */
    public static final String VISUAL_WORDS = "cls/visual_words";
    /** Per text, about how many distinct objects its true sentences describe ({@link #coverage}): [batch, 1]. */
    public static final String COVERAGE = "sentence_coverage";
    /** Per image, about how many objects it shows ({@link #objects}): [batch, 1]. */
    public static final String OBJECTS = "image_objects";
    /** [batch, 1]: the number of object phrases of each pair's caption ({@link #objectsNamed}); 0 where unknown. */
    public static final String OBJECT_TARGETS = "object_targets";
    /** [batch, 1]: 1 where {@link #OBJECT_TARGETS} is known. */
    public static final String OBJECT_MASK = "object_mask";
    /** Squared error of {@link #OBJECTS} against {@link #OBJECT_TARGETS}, mean over the pairs that have one. */
    public static final String OBJECTS_LOSS = "objects_loss";
    /** Per row of the encoder's feed, its relatedness (is it about the image?): [rows, 1]. */
    public static final String RELATED = "sentence_related";
    /** Per row, relatedness times truth: [rows, 1]. */
    private static final String RELATED_TRUE = "sentence_related_true";
    /** Names of the object count's variables. */
    static final String OBJECTS_PREFIX = "cls/objects/";
    /** Where the object count clips the standardised grid. */
    private static final double OBJECT_CLIP = 3;
    /** Starting bias of a cell's "an object is here": sigmoid(-4) x 64 cells is about 1 object, not 32. */
    private static final float OBJECT_CELL_BIAS = -4f;
    /** Hidden units of the object count's per-cell layer. */
    private static final int OBJECT_UNITS = 32;
    /** Caption phrases a word must occur in to count as visual: one could be a typo or a name. */
    static final int VISUAL_MIN_COUNT = 2;
    /** Slope of the relatedness over the visual share at the start: 0.3 → 0.05, 0.7 → 0.95. */
    private static final float RELATED_SLOPE = 15f;

    private SentenceCounts() {
    }

    /** {@link #COUNTS} of the batch's texts, [batch, {@value #WIDTH}], which the classifier's FC layer reads. */
    static SDVariable counts(SameDiff sd, ModelConfig c, Encoder.Outputs enc) {
        SDVariable related;
        if (c.sentenceCounts().visualWords()) {
            // the bag is 0/1 per distinct word: the share of a row's distinct words that are visual
            SDVariable visual = sd.var(VISUAL_WORDS, Nd4j.zeros(DataType.FLOAT, enc.matchWidth(), 1));
            SDVariable words = sd.math().max(sd.sum(enc.matchInput(), true, 1), sd.constant(Nd4j.scalar(1f)));
            SDVariable share = sd.mmul(enc.matchInput(), visual).div(words); // [rows, 1]
            // starts at "related above half visual words" (generated corpus: fillers 0.08-0.50, the others
            // 0.44-0.86, docs/decisions/2026-11-measurements-log.md); the labels move the threshold, they cannot turn it inside out from there
            SDVariable w = sd.var("cls/related/W", Nd4j.createFromArray(new float[][] {{RELATED_SLOPE}}));
            SDVariable b = sd.var("cls/related/b", Nd4j.createFromArray(-RELATED_SLOPE / 2));
            related = sd.nn().sigmoid(RELATED, sd.nn().linear(share, w, b));
        } else {
            related = sd.nn().sigmoid(RELATED, Encoder.dense(sd, "cls/related", enc.matchInput(), enc.matchWidth(), 1, false));
        }
        SDVariable truth = sd.nn().sigmoid(enc.match());
        SDVariable perRow = sd.concat(1, related.mul(truth).rename(RELATED_TRUE), related.mul(truth.rsub(1.0)), related); // [rows, 3]
        int s = enc.shape().sentences();
        // rows to their texts' slots (caption rows go nowhere), then the slots of each text summed
        SDVariable sums = sd.sum(sd.reshape(sd.mmul(enc.placement(), perRow), -1, s, 3), 1); // [batch, 3]
        SDVariable n = sd.math().max(sd.getVariable(Encoder.SENTENCE_COUNTS), sd.constant(Nd4j.scalar(1f)));
        SDVariable shares = sums.div(sd.expandDims(n, 1));
        SDVariable agreement = sd.expandDims(sums.get(SDIndex.all(), SDIndex.point(0)).sub(sums.get(SDIndex.all(), SDIndex.point(1)))
                .div(sums.get(SDIndex.all(), SDIndex.point(2)).add(1e-3)), 1);
        SDVariable length = sd.getVariable(Encoder.SENTENCE_COUNTS).div(c.text().maxSentences()); // of the config, in every shape
        return sd.concat(1, shares, agreement, sd.expandDims(length, 1)).rename(COUNTS);
    }

    /**
     * What both heads read of the counts, beside the FC layer, after {@link #counts}: the counts' ReLU layer (with
     * coverage, the object count and the share described in its input), or the counts themselves.
     */
    static SDVariable forHeads(SameDiff sd, ModelConfig c, Encoder.Outputs enc) {
        Settings s = c.sentenceCounts();
        SDVariable in = sd.getVariable(COUNTS);
        if (s.hidden() == 0) {
            return in;
        }
        // the image embedding in this layer instead (whole, or through a one-wide layer) made it fit the training
        // texts (validation SC 0.42 after 6 epochs against 0.48 without it; session 10)
        int width = WIDTH;
        if (s.coverage()) {
            SDVariable covered = coverage(sd, c, enc);
            SDVariable shown = objects(sd);
            SDVariable share = sd.math().min(covered.div(sd.math().max(shown, sd.constant(Nd4j.scalar(1f)))),
                    sd.constant(Nd4j.scalar(1.5f)));
            in = sd.concat(1, in, covered.div(4.0), shown.div(4.0), share);
            width += 3;
            // reported, not added to the loss: the count is fitted before and stays fixed ({@link #fixed})
            objectsLoss(sd);
        }
        return sd.nn().relu(Encoder.dense(sd, "cls/counts_hidden", in, width, s.hidden(), false), 0);
    }

    /** Width of {@link #forHeads}. */
    static int headWidth(ModelConfig c) {
        return c.sentenceCounts().hidden() > 0 ? c.sentenceCounts().hidden() : WIDTH;
    }

    /** The losses the classifier reports for this component. */
    static List<String> lossParts(ModelConfig c) {
        return c.countsCoverage() ? List.of(OBJECTS_LOSS) : List.of();
    }

    /**
     * Whether a variable of this component is set from data rather than trained: the visual words, and the object
     * count, fitted before ({@link ObjectCounter}); trained on with the heads, their gradient pulled it off the
     * counts (squared error 0.005 after the fit, 0.41 after 2 classifier epochs).
     */
    static boolean fixed(String variable) {
        return VISUAL_WORDS.equals(variable) || variable.startsWith(OBJECTS_PREFIX);
    }

    /**
     * {@link #COVERAGE} of the batch's texts, [batch, 1]: over the cells of the image, the largest attention any of
     * the text's related and true sentences gives the cell ({@link MatchHead#ATTENTION}, weighted by relatedness
     * times truth), summed. Each sentence's attention sums to 1 over the cells, so sentences about different
     * objects add up and sentences about the same object overlap: about the number of distinct objects described.
     */
    private static SDVariable coverage(SameDiff sd, ModelConfig c, Encoder.Outputs enc) {
        SDVariable weighted = sd.getVariable(MatchHead.ATTENTION).mul(sd.getVariable(RELATED_TRUE)); // [rows, cells]
        SDVariable slots = sd.reshape(sd.mmul(enc.placement(), weighted), sd.concat(0,
                sd.constant(Nd4j.createFromArray(-1L, enc.shape().sentences())), sd.slice(sd.shape(weighted), new int[] {1}, 1)));
        return sd.sum(sd.max(slots, 1), true, 1).rename(COVERAGE);
    }

    /**
     * {@link #OBJECTS} of the batch's images, [batch, 1]: per cell of the grid, the probability that an object is
     * there (a small ReLU layer), summed over the cells. A linear layer over the pooled features counted less well
     * (PyTorch check on the cached grid, training split's counts, test images' rounded count right: 0.75 pooled,
     * 0.83-0.96 cells, {@code tools/object_count_probe.py}). {@link ObjectCounter} fits it before the classifier trains.
     */
    static SDVariable objects(SameDiff sd) {
        SDVariable grid = sd.getVariable(Encoder.GRID); // [batch, cells, channels]
        // clipped: the grid is standardised per cell and channel, and units that rarely fire on the training images
        // reach 200 standard deviations on others; in a PyTorch replica the clip made no steady difference
        // (test counts right 0.83 / 0.87 unclipped / clipped in one run, 0.84 / 0.83 in another;
        // tools/object_count_probe.py), it keeps one such unit from adding objects
        SDVariable cells = sd.math().clipByValue(sd.reshape(grid, -1, InceptionV3.GRID_CHANNELS), -OBJECT_CLIP, OBJECT_CLIP);
        SDVariable hidden = sd.nn().relu(Encoder.dense(sd, OBJECTS_PREFIX + "hidden", cells, InceptionV3.GRID_CHANNELS,
                OBJECT_UNITS, false), 0);
        SDVariable w = sd.var(OBJECTS_PREFIX + "cell/W", new org.nd4j.weightinit.impl.XavierInitScheme('c', OBJECT_UNITS, 1),
                DataType.FLOAT, OBJECT_UNITS, 1);
        SDVariable b = sd.var(OBJECTS_PREFIX + "cell/b", Nd4j.createFromArray(OBJECT_CELL_BIAS));
        SDVariable here = sd.nn().sigmoid(sd.nn().linear(hidden, w, b)); // [batch x cells, 1]
        return sd.sum(sd.reshape(here, sd.slice(sd.shape(grid), new int[] {0}, 2)), true, 1).rename(OBJECTS);
    }

    static SDVariable objectsLoss(SameDiff sd) {
        SDVariable targets = sd.placeHolder(OBJECT_TARGETS, DataType.FLOAT, -1, 1);
        SDVariable mask = sd.placeHolder(OBJECT_MASK, DataType.FLOAT, -1, 1);
        SDVariable error = sd.math().square(sd.getVariable(OBJECTS).sub(targets)).mul(mask);
        // max(.., 1): a batch where no pair has a caption adds nothing rather than 0/0
        return sd.sum(error).div(sd.math().max(sd.sum(mask), sd.constant(Nd4j.scalar(1f)))).rename(OBJECTS_LOSS);
    }

    /**
     * How many objects {@code e}'s image shows, as its caption lists them: its number of caption phrases; -1 when
     * unknown: no caption, or one of a source whose captions do not list objects
     * ({@link org.infogap.data.Source#captionListsObjects}), or a key that names no source.
     */
    public static int objectsNamed(Example e) {
        boolean lists = org.infogap.data.Source.ofKey(e.key()).filter(org.infogap.data.Source::captionListsObjects).isPresent();
        return lists && !e.captions().isEmpty() ? e.captions().size() : -1;
    }

    /**
     * Sets {@link #VISUAL_WORDS} of {@code net} from the caption phrases of {@code train}: a vocabulary word is
     * visual when it occurs in at least {@link #VISUAL_MIN_COUNT} of them. Captions describe what an image shows, so
     * their words are the ones a sentence about an image uses (colours, shapes, places in the picture); news and
     * encyclopaedia sentences about other things mostly use other words. No label is read. No-op without visual words.
     *
     * @return how many words are visual (0 without visual words)
     */
    public static int setVisualWords(Network net, List<Example> train) {
        Settings s = net.config().sentenceCounts();
        if (s == null || !s.visualWords()) {
            return 0;
        }
        INDArray target = net.sameDiff().getVariable(VISUAL_WORDS).getArr();
        int[] counts = new int[(int) target.rows()];
        for (Example e : train) {
            for (int[] phrase : e.captions()) {
                java.util.Arrays.stream(phrase).filter(id -> id > 0).distinct().forEach(id -> counts[id]++);
            }
        }
        float[] visual = new float[counts.length];
        int n = 0;
        for (int id = 1; id < counts.length; id++) { // id 0 pads
            if (counts[id] >= VISUAL_MIN_COUNT) {
                visual[id] = 1;
                n++;
            }
        }
        target.assign(Nd4j.create(visual, new long[] {counts.length, 1}, DataType.FLOAT));
        return n;
    }
}
