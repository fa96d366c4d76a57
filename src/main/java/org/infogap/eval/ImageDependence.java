package org.infogap.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.infogap.io.Json;
import org.infogap.model.Example;
import org.infogap.model.MatchHead;
import org.infogap.model.ModelBundle;
import org.infogap.model.Predictor;

/**
 * How much a system's scores depend on the image. A search stack sends one text with many candidate images, so
 * only the image can separate them: a system whose accuracy survives the wrong image reads the text alone.
 *
 * <ul>
 *   <li><b>Shuffled accuracy</b>: the test pairs scored again with their images moved among them (a derangement:
 *   no pair keeps its own), mean of {@link #SHUFFLES} shuffles, against the labels of the pairs as they were.</li>
 *   <li><b>Own-image AUC</b>: for each test text whose label says it shares something with its image (CMI &gt; 0),
 *   the share of {@link #CANDIDATES} other test images, drawn at random, that score a lower expected CMI with that
 *   text than its own image does (ties count half); averaged over those texts. 0.5 is a system blind to the image,
 *   1 one that always ranks the own image first.</li>
 *   <li><b>The match head</b>: its match accuracy on the autoencoder's training and validation pairs in the last
 *   epoch, against chance (one over the images of a validation batch): a head that matches its training pairs
 *   and not its validation pairs has memorised them.</li>
 * </ul>
 */
public final class ImageDependence {

    /** Shuffles of the test images averaged for the shuffled accuracy. */
    static final int SHUFFLES = 3;
    /** Other images per text for the own-image AUC: a search stack's top-20. */
    static final int CANDIDATES = 20;

    private final List<Example> test;
    private final List<int[]> derangements = new ArrayList<>();
    private final List<int[]> candidates = new ArrayList<>();
    private final List<Integer> sharing = new ArrayList<>();

    /** Draws the shuffles and each text's candidates once, so every system is measured on the same ones. */
    public ImageDependence(List<Example> test, long seed) {
        if (test.size() < 2) {
            throw new IllegalArgumentException("image dependence needs at least 2 test pairs, got " + test.size());
        }
        this.test = List.copyOf(test);
        Random random = new Random(seed);
        for (int s = 0; s < SHUFFLES; s++) {
            derangements.add(sattolo(test.size(), random));
        }
        for (int i = 0; i < test.size(); i++) {
            if (test.get(i).cmi() > 0) {
                sharing.add(i);
                candidates.add(others(i, test.size(), Math.min(CANDIDATES, test.size() - 1), random));
            }
        }
    }

    /** The test pairs with the images of the {@code s}-th shuffle. */
    public List<Example> shuffled(int s) {
        int[] p = derangements.get(s);
        List<Example> out = new ArrayList<>(test.size());
        for (int i = 0; i < test.size(); i++) {
            out.add(withImageOf(test.get(i), test.get(p[i])));
        }
        return out;
    }

    /** A classifier's figures: shuffled accuracy per measure beside its own, and the own-image AUC. */
    public ObjectNode classifier(Predictor predictor, Metrics[] own) {
        ObjectNode n = accuracy(own, s -> AccuracyReport.classify(predictor, shuffled(s)));
        List<Example> pairs = new ArrayList<>();
        for (int t = 0; t < sharing.size(); t++) {
            Example text = test.get(sharing.get(t));
            pairs.add(text);
            for (int j : candidates.get(t)) {
                pairs.add(withImageOf(text, test.get(j)));
            }
        }
        List<Predictor.Prediction> p = predictor.predict(pairs);
        double sum = 0;
        int at = 0;
        for (int t = 0; t < sharing.size(); t++) {
            double ownScore = p.get(at++).expectedCmi();
            double lower = 0;
            int k = candidates.get(t).length;
            for (int j = 0; j < k; j++) {
                double other = p.get(at++).expectedCmi();
                lower += other < ownScore ? 1 : other == ownScore ? 0.5 : 0;
            }
            sum += lower / k;
        }
        n.put("own_image_auc", sharing.isEmpty() ? Double.NaN : sum / sharing.size());
        n.put("texts", sharing.size()).put("candidates", Math.min(CANDIDATES, test.size() - 1));
        return n;
    }

    /**
     * One trained classifier on its own: its accuracy on {@code test}, then {@link #classifier}'s figures (what
     * {@code report dependence} prints, without training anything).
     */
    public static ObjectNode of(ModelBundle classifier, List<Example> test, long seed) {
        Predictor predictor = new Predictor(classifier);
        AccuracyReport.Predictions p = AccuracyReport.classify(predictor, test);
        Metrics[] own = {Metrics.of(test.stream().mapToInt(Example::cmi).toArray(), p.cmi()),
            Metrics.of(test.stream().mapToInt(Example::sc).toArray(), p.sc())};
        return new ImageDependence(test, seed).classifier(predictor, own);
    }

    /** Levels predicted for shuffle {@code s}: [CMI, SC] per pair. */
    interface ShuffledPredictions {
        AccuracyReport.Predictions predict(int s);
    }

    /** Shuffled accuracy for a system given by its predictions of each shuffle (the SVM, say); no AUC. */
    ObjectNode accuracy(Metrics[] own, ShuffledPredictions system) {
        int[] cmi = test.stream().mapToInt(Example::cmi).toArray();
        int[] sc = test.stream().mapToInt(Example::sc).toArray();
        double shuffledCmi = 0;
        double shuffledSc = 0;
        for (int s = 0; s < SHUFFLES; s++) {
            AccuracyReport.Predictions p = system.predict(s);
            shuffledCmi += Metrics.of(cmi, p.cmi()).accuracy() / SHUFFLES;
            shuffledSc += Metrics.of(sc, p.sc()).accuracy() / SHUFFLES;
        }
        ObjectNode n = Json.mapper().createObjectNode();
        measure(n.putObject("CMI"), own[0].accuracy(), shuffledCmi);
        measure(n.putObject("SC"), own[1].accuracy(), shuffledSc);
        n.put("shuffles", SHUFFLES);
        return n;
    }

    /**
     * The match head's last-epoch match accuracy on training and validation pairs, from an autoencoder's history;
     * null when it has no match head.
     */
    public static ObjectNode matchHead(ModelBundle autoencoder) {
        if (!autoencoder.config().matching()) {
            return null;
        }
        JsonNode history = autoencoder.state().path("history");
        if (!history.isArray() || history.isEmpty()) {
            return null;
        }
        JsonNode last = history.get(history.size() - 1);
        double validation = last.path("validation").path(MatchHead.ACCURACY).asDouble(Double.NaN);
        double train = last.path("train").path(MatchHead.ACCURACY).asDouble(Double.NaN);
        // validation runs in batches of twice the training batch; the own image must beat all the batch's others
        double chance = 1.0 / (2 * autoencoder.config().training().batchSize());
        return Json.mapper().createObjectNode().put("epoch", last.path("epoch").asInt()).put("train_accuracy", train)
                .put("validation_accuracy", validation).put("chance", chance).put("times_chance", validation / chance);
    }

    private static void measure(ObjectNode n, double own, double shuffled) {
        n.put("accuracy", own).put("shuffled", shuffled).put("drop", own - shuffled);
    }

    /** The text (and labels) of {@code text} with the image of {@code image}: its features and captions. */
    static Example withImageOf(Example text, Example image) {
        return new Example(text.key(), image.image(), text.sentences(), image.captions(), image.target(),
                text.cmi(), text.sc());
    }

    /** A random cyclic permutation (Sattolo's algorithm): no element stays in place. */
    static int[] sattolo(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** {@code k} distinct indices of {@code 0..n-1} other than {@code i}. */
    private static int[] others(int i, int n, int k, Random random) {
        List<Integer> all = new ArrayList<>(n - 1);
        for (int j = 0; j < n; j++) {
            if (j != i) {
                all.add(j);
            }
        }
        java.util.Collections.shuffle(all, random);
        return all.subList(0, k).stream().mapToInt(Integer::intValue).toArray();
    }
}
