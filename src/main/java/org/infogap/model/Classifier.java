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
     * ({@code src/tools/sentence_verifier_ceiling.py --supervision text}).
     */
    public static final String COUNTS = "sentence_counts_features";
    /**
     * With {@link ModelConfig#visualWords()}: per vocabulary word, 1 when it is visual ({@link #setVisualWords}), a
     * variable so that it travels with the bundle's parameters, never trained.
     */
    public static final String VISUAL_WORDS = "cls/visual_words";
    /** Per text, about how many distinct objects its true sentences describe ({@link #coverage}): [batch, 1]. */
    public static final String COVERAGE = "sentence_coverage";
    /** Per row of the encoder's feed, its relatedness (is it about the image?): [rows, 1]. */
    public static final String RELATED = "sentence_related";
    /** Per row, relatedness times truth: [rows, 1]. */
    private static final String RELATED_TRUE = "sentence_related_true";
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
            // beside the counts, optionally: how many objects the true sentences cover, and the image embedding
            // through a layer as narrow: CMI's rule averages the share of the image's objects described (this
            // coverage over their number) and the share of true sentences. The whole image embedding made this layer
            // fit the training texts instead (validation SC 0.42 after 6 epochs against 0.48 without it)
            SDVariable in = sd.getVariable(COUNTS);
            int width = extra;
            if (c.countsCoverage()) {
                in = sd.concat(1, in, coverage(sd, c, enc), Encoder.dense(sd, "cls/image_count", enc.image(),
                        c.imageDim(), 1, false));
                width += 2;
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
        if (c.matching()) {
            // the labelled pairs teach matching too, without their labels: more steps for the head than the
            // autoencoder gives it, and the same for the baseline without autoencoder
            cmiLoss.add(scLoss).add(LOSS, MatchHead.loss(sd, c, enc).mul(c.matchWeight()));
        } else {
            cmiLoss.add(LOSS, scLoss);
        }
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

    /** {@link #COUNTS} of the batch's texts: [batch, 5]. */
    private static SDVariable counts(SameDiff sd, ModelConfig c, Encoder.Outputs enc) {
        SDVariable related;
        if (c.visualWords()) {
            // the bag is 0/1 per distinct word: the share of a row's distinct words that are visual
            SDVariable visual = sd.var(VISUAL_WORDS, Nd4j.zeros(DataType.FLOAT, enc.matchWidth(), 1));
            SDVariable words = sd.math().max(sd.sum(enc.matchInput(), true, 1), sd.constant(Nd4j.scalar(1f)));
            SDVariable share = sd.mmul(enc.matchInput(), visual).div(words); // [rows, 1]
            // starts at "related above half visual words" (generated corpus: fillers 0.08-0.50, the others
            // 0.44-0.86, README); the labels move the threshold, they cannot turn it inside out from there
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
        return VISUAL_WORDS.equals(variable);
    }

    /** Freezes the encoder: only the classifier's own layers train. */
    public void freezeEncoder() {
        setTrainable(name -> !name.startsWith(Encoder.PREFIX));
    }

    @Override
    protected List<String> lossParts() {
        return config.matching() ? List.of(CMI_LOSS, SC_LOSS, MatchHead.LOSS, MatchHead.ACCURACY)
                : List.of(CMI_LOSS, SC_LOSS);
    }
}
