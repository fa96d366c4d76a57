package org.infogap.model;

import java.util.List;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The supervised stage: the {@link Encoder} (taken from an autoencoder by variable name, or random for
 * the paper's "no autoencoder" baseline), an FC layer, and two 5-way softmax heads, CMI and SC, trained
 * with the sum of their cross-entropies (plus, when the config matches sentences to images, the weighted
 * matching loss of {@link MatchHead}, which needs no labels). With {@link ModelConfig#sentenceCounts()} the
 * FC layer and both heads also read {@link #COUNTS} of the text's sentences, the heads through a ReLU layer of their
 * own ({@link ModelConfig#countsHidden()}).
 */
public final class Classifier extends Network {

    public static final int LEVELS = 5;
    public static final String CMI_LABELS = "cmi_labels";
    public static final String SC_LABELS = "sc_labels";
    public static final String DROP_HIDDEN = "drop_hidden";
    public static final String CMI_PROBABILITIES = "cmi_probabilities";
    public static final String SC_PROBABILITIES = "sc_probabilities";
    public static final String CMI_LOSS = "cmi_loss";
    public static final String SC_LOSS = "sc_loss";
    public static final String LOSS = "loss";
    /**
     * Per text, from each sentence's relatedness r (learnt from its embedding: is it about the image?) and truth p
     * (the match head's probability): the shares sum(r p)/n, sum(r (1 - p))/n and sum(r)/n of its n sentences, the
     * agreement (sum(r p) - sum(r (1 - p))) / sum(r), and n / maxSentences. The label rules are functions of these
     * with true roles; from labels alone, a network did not learn to count sentences it could check
     * ({@code tools/sentence_verifier_ceiling.py --supervision text}).
     */
    public static final String COUNTS = "sentence_counts_features";
    /**
     * With {@link ModelConfig#visualWords()}: per vocabulary word, 1 when it is visual ({@link #setVisualWords}), a
     * variable so that it travels with the bundle's parameters, never trained.
     */
    public static final String VISUAL_WORDS = "cls/visual_words";
    /** Per text, about how many distinct objects its true sentences describe ({@link #coverage}): [batch, 1]. */
    public static final String COVERAGE = "sentence_coverage";
    /**
     * Per image, about how many objects it shows ({@link #objects}): [batch, 1]. Learnt from how many object
     * phrases the pair's caption lists ({@link #objectsNamed}), no label read.
     */
    public static final String OBJECTS = "image_objects";
    /** [batch, 1]: the number of object phrases of each pair's caption ({@link #objectsNamed}); 0 where unknown. */
    public static final String OBJECT_TARGETS = "object_targets";
    /** [batch, 1]: 1 where {@link #OBJECT_TARGETS} is known. */
    public static final String OBJECT_MASK = "object_mask";
    /** Squared error of {@link #OBJECTS} against {@link #OBJECT_TARGETS}, mean over the pairs that have one. */
    public static final String OBJECTS_LOSS = "objects_loss";
    /** Where the object count clips the standardised grid. */
    private static final double OBJECT_CLIP = 3;
    /** Starting bias of a cell's "an object is here": sigmoid(-4) x 64 cells is about 1 object, not 32. */
    private static final float OBJECT_CELL_BIAS = -4f;
    /** Per row of the encoder's feed, its relatedness (is it about the image?): [rows, 1]. */
    public static final String RELATED = "sentence_related";
    /** Per row, relatedness times truth: [rows, 1]. */
    private static final String RELATED_TRUE = "sentence_related_true";
    /** Names of the object count's variables. */
    static final String OBJECTS_PREFIX = "cls/objects/";
    /** Hidden units of the object count's per-cell layer. */
    private static final int OBJECT_UNITS = 32;
    /** Caption phrases a word must occur in to count as visual: one could be a typo or a name. */
    static final int VISUAL_MIN_COUNT = 2;
    /** Slope of the relatedness over the visual share at the start: 0.3 → 0.05, 0.7 → 0.95. */
    private static final float RELATED_SLOPE = 15f;

    private Classifier(SameDiff sd, ModelConfig config, INDArray wordVectors) {
        super(sd, config, wordVectors, LOSS);
    }

    public static Classifier create(ModelConfig c, INDArray wordVectors) {
        Nd4j.getRandom().setSeed(c.seed() + 1); // variable initialisation draws from ND4J's generator
        SameDiff sd = SameDiff.create();
        Encoder.Outputs enc = Encoder.define(sd, c, (int) wordVectors.rows());
        SDVariable dropHidden = sd.placeHolder(DROP_HIDDEN, DataType.FLOAT, -1, c.classifierHidden());
        SDVariable input = enc.article();
        int inputs = c.articleDim();
        int extra = 0;
        if (c.sentenceCounts()) {
            SDVariable counts = counts(sd, c, enc);
            input = sd.concat(1, input, counts);
            extra = 5;
            inputs += extra;
        }
        SDVariable hidden = sd.nn().relu(Encoder.dense(sd, "cls/hidden", input, inputs,
                c.classifierHidden(), false), 0).mul(dropHidden);
        int headInputs = c.classifierHidden();
        if (c.countsHidden() > 0) {
            // beside the counts, optionally: how many objects the true sentences cover, how many the image shows, and
            // the share described: CMI's rule averages that share and the share of true sentences. The image
            // embedding in this layer instead (whole, or through a one-wide layer) made it fit the training texts
            // (validation SC 0.42 after 6 epochs against 0.48 without it; session 10)
            SDVariable in = sd.getVariable(COUNTS);
            int width = extra;
            if (c.countsCoverage()) {
                SDVariable covered = coverage(sd, c, enc);
                SDVariable shown = objects(sd);
                SDVariable share = sd.math().min(covered.div(sd.math().max(shown, sd.constant(Nd4j.scalar(1f)))),
                        sd.constant(Nd4j.scalar(1.5f)));
                in = sd.concat(1, in, covered.div(4.0), shown.div(4.0), share);
                width += 3;
            }
            hidden = sd.concat(1, hidden, sd.nn().relu(Encoder.dense(sd, "cls/counts_hidden", in, width,
                    c.countsHidden(), false), 0));
            headInputs += c.countsHidden();
        } else if (c.sentenceCounts()) {
            hidden = sd.concat(1, hidden, sd.getVariable(COUNTS));
            headInputs += extra;
        }
        SDVariable cmiLogits = Encoder.dense(sd, "cls/cmi", hidden, headInputs, LEVELS, false);
        SDVariable scLogits = Encoder.dense(sd, "cls/sc", hidden, headInputs, LEVELS, false);
        sd.nn().softmax(CMI_PROBABILITIES, cmiLogits, 1);
        sd.nn().softmax(SC_PROBABILITIES, scLogits, 1);
        SDVariable cmiLabels = sd.placeHolder(CMI_LABELS, DataType.FLOAT, -1, LEVELS);
        SDVariable scLabels = sd.placeHolder(SC_LABELS, DataType.FLOAT, -1, LEVELS);
        SDVariable cmiLoss = sd.loss().softmaxCrossEntropy(CMI_LOSS, cmiLabels, cmiLogits, null, LossReduce.MEAN_BY_WEIGHT, 0.0);
        SDVariable scLoss = sd.loss().softmaxCrossEntropy(SC_LOSS, scLabels, scLogits, null, LossReduce.MEAN_BY_WEIGHT, 0.0);
        SDVariable loss = cmiLoss.add(scLoss);
        if (c.countsCoverage()) {
            // reported, not added: the count is fitted before and stays fixed ({@link #fixed}), so no gradient of
            // this loss reaches a trained variable
            objectsLoss(sd);
        }
        if (c.matching()) {
            // the labelled pairs teach matching too, without their labels: more steps for the head than the
            // autoencoder gives it, and the same for the baseline without autoencoder
            loss = loss.add(MatchHead.loss(sd, c, enc).mul(c.matchWeight()));
        }
        loss.rename(LOSS);
        return new Classifier(sd, c, wordVectors);
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
                sd.constant(Nd4j.createFromArray(-1L, c.maxSentences())), sd.slice(sd.shape(weighted), new int[] {1}, 1)));
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

    /** {@link #COUNTS} of the batch's texts: [batch, 5]. */
    private static SDVariable counts(SameDiff sd, ModelConfig c, Encoder.Outputs enc) {
        SDVariable related;
        if (c.visualWords()) {
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
        // rows to their texts' slots (caption rows go nowhere), then the slots of each text summed
        SDVariable sums = sd.sum(sd.reshape(sd.mmul(enc.placement(), perRow), -1, c.maxSentences(), 3), 1); // [batch, 3]
        SDVariable n = sd.math().max(sd.getVariable(Encoder.SENTENCE_COUNTS), sd.constant(Nd4j.scalar(1f)));
        SDVariable shares = sums.div(sd.expandDims(n, 1));
        SDVariable agreement = sd.expandDims(sums.get(SDIndex.all(), SDIndex.point(0)).sub(sums.get(SDIndex.all(), SDIndex.point(1)))
                .div(sums.get(SDIndex.all(), SDIndex.point(2)).add(1e-3)), 1);
        SDVariable length = sd.getVariable(Encoder.SENTENCE_COUNTS).div(c.maxSentences());
        return sd.concat(1, shares, agreement, sd.expandDims(length, 1)).rename(COUNTS);
    }

    /**
     * Sets {@link #VISUAL_WORDS} from the caption phrases of {@code train}: a vocabulary word is visual when it
     * occurs in at least {@link #VISUAL_MIN_COUNT} of them. Captions describe what an image shows, so their words
     * are the ones a sentence about an image uses (colours, shapes, places in the picture); news and encyclopaedia
     * sentences about other things mostly use other words. No label is read. No-op without {@code visualWords}.
     *
     * @return how many words are visual (0 without the setting)
     */
    public int setVisualWords(List<Example> train) {
        if (!config.visualWords()) {
            return 0;
        }
        INDArray target = sameDiff().getVariable(VISUAL_WORDS).getArr();
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

    @Override
    protected boolean fixed(String variable) {
        // the object count is fitted before ({@link ObjectCounter}); trained on with the heads, their gradient pulled
        // it off the counts (squared error 0.005 after the fit, 0.41 after 2 classifier epochs)
        return VISUAL_WORDS.equals(variable) || variable.startsWith(OBJECTS_PREFIX);
    }

    /** Freezes the encoder: only the classifier's own layers train. */
    public void freezeEncoder() {
        setTrainable(name -> !name.startsWith(Encoder.PREFIX));
    }

    @Override
    protected List<String> lossParts() {
        List<String> parts = new java.util.ArrayList<>(List.of(CMI_LOSS, SC_LOSS));
        if (config.countsCoverage()) {
            parts.add(OBJECTS_LOSS);
        }
        if (config.matching()) {
            parts.addAll(List.of(MatchHead.LOSS, MatchHead.ACCURACY));
        }
        return parts;
    }
}
