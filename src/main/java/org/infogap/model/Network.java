package org.infogap.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A SameDiff graph with its trainable variables and one training step: gradients of the loss, clipped
 * to a global norm, applied by plain SGD (the paper's optimiser) or ND4J's Adam, so the learning-rate
 * schedule and clipping are ours to state and test. Adam's moments and step count are part of
 * {@link #parameters()} (prefix {@value #OPTIMIZER}), so a resumed run continues exactly.
 */
public abstract class Network {

    protected final SameDiff sd;
    protected final ModelConfig config;
    protected final INDArray wordVectors;
    private final String lossName;
    private Predicate<String> trainable = name -> true;
    /** Prefix of optimizer state entries in {@link #parameters()}. */
    public static final String OPTIMIZER = "optimizer/";
    private static final String STEPS = OPTIMIZER + "steps";
    private final Map<String, GradientUpdater<?>> updaters = new LinkedHashMap<>();
    private final Map<String, INDArray> updaterState = new LinkedHashMap<>();
    private int steps;
    private ImageTuner imageTuner;
    private final Encoder.Shape shape;

    /** Losses of one batch, by name, and the gradient norm before clipping. */
    public record Step(Map<String, Double> losses, double gradientNorm) {
    }

    protected Network(SameDiff sd, ModelConfig config, INDArray wordVectors, String lossName) {
        this(sd, config, wordVectors, lossName, Encoder.Shape.full(config));
    }

    protected Network(SameDiff sd, ModelConfig config, INDArray wordVectors, String lossName, Encoder.Shape shape) {
        this.sd = sd;
        this.config = config;
        this.wordVectors = wordVectors;
        this.lossName = lossName;
        this.shape = shape;
        sd.setLossVariables(lossName);
    }

    public ModelConfig config() {
        return config;
    }

    /** The variable training minimises (the matcher's is its match loss, the others' their total). */
    public String lossName() {
        return lossName;
    }

    /** The fixed word vectors, one row per vocabulary id. */
    public INDArray wordVectors() {
        return wordVectors;
    }

    /** How the graph's encoder reads its text: how many sentences and tokens, rows shared or not. */
    public Encoder.Shape shape() {
        return shape;
    }

    public SameDiff sameDiff() {
        return sd;
    }

    /**
     * Trains InceptionV3 with this network: feeds carrying {@link ImageTuner#PIXELS} get their features
     * from {@code tuner}, and each training step updates it too.
     */
    public void attach(ImageTuner tuner) {
        this.imageTuner = tuner;
    }

    /** The end-to-end trained InceptionV3, or null when features come from the cache. */
    public ImageTuner imageTuner() {
        return imageTuner;
    }

    /**
     * Replaces the feed's images by their features from the attached tuner; returns the images (null
     * when there were none), which training must keep until the backward pass, as InceptionV3 reads them.
     */
    private INDArray imagesToFeatures(Map<String, INDArray> feed, boolean train) {
        INDArray pixels = feed.remove(ImageTuner.PIXELS);
        if (pixels == null) {
            return null;
        }
        if (imageTuner == null) {
            throw new IllegalStateException("a feed with images needs an attached ImageTuner");
        }
        INDArray old = feed.put(Encoder.FEATURES, imageTuner.features(pixels, train));
        if (old != null) {
            old.close();
        }
        if (!train) {
            pixels.close();
        }
        return pixels;
    }

    /** Restricts training to variables whose names pass (e.g. all but the encoder). */
    public void setTrainable(Predicate<String> which) {
        this.trainable = which;
    }

    /** Whether a variable is set from data rather than trained (kept with the parameters, never updated). */
    protected boolean fixed(String variable) {
        return false;
    }

    /** Names of the losses reported per step, besides the total. */
    protected abstract List<String> lossParts();

    public List<String> variableNames() {
        List<String> names = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                names.add(v.name());
            }
        }
        return names;
    }

    /** One SGD step on {@code feed}; returns the losses before the update. */
    public Step trainStep(Map<String, INDArray> feed, double learningRate) {
        List<String> names = variableNames().stream().filter(trainable).filter(n -> !fixed(n)).toList();
        List<String> outputs = new ArrayList<>(lossParts());
        outputs.add(lossName);
        INDArray pixels = imagesToFeatures(feed, true);
        List<String> wanted = names;
        if (pixels != null) {
            wanted = new ArrayList<>(names);
            wanted.add(Encoder.FEATURES); // the placeholder's gradient goes on into InceptionV3
        }
        List<String> requested = wanted;
        OutAndGrad result = NativeBuild.withOneDnn(false, () -> sd.calculateGradientsAndOutputs(feed, outputs, requested));
        Map<String, INDArray> grads = result.getGradients();
        double sumSq = 0;
        for (String n : names) {
            INDArray g = grads.get(n);
            if (g != null) {
                double norm = g.norm2Number().doubleValue();
                sumSq += norm * norm;
            }
        }
        double norm = Math.sqrt(sumSq);
        double scale = norm > config.training().clipNorm() ? config.training().clipNorm() / norm : 1.0;
        boolean adam = ModelConfig.ADAM.equals(config.training().optimizer());
        for (String n : names) {
            INDArray g = grads.get(n);
            if (g != null) {
                INDArray w = sd.getVariable(n).getArr();
                if (adam) {
                    GradientUpdater<?> u = updater(n);
                    ((Adam) u.getConfig()).setLearningRate(learningRate);
                    INDArray flat = g.muli(scale).reshape(1, g.length());
                    u.applyUpdater(flat, steps, 0); // in place: the step to subtract
                    w.subi(flat.reshape(g.shape()));
                } else {
                    w.subi(g.muli(learningRate * scale));
                }
                if (config.training().weightDecay() > 0 && w.rank() == 2) {
                    // decoupled from the gradient, so clipping does not scale it away; matrices only, not biases
                    w.muli(1 - learningRate * config.training().weightDecay());
                }
            }
        }
        if (pixels != null) {
            imageTuner.backward(grads.get(Encoder.FEATURES), learningRate * config.components().imageFineTuning().lrScale(), steps);
            pixels.close();
        }
        steps++;
        Step step = new Step(values(result.getOutputs(), outputs), norm);
        release(grads.values());
        release(result.getOutputs().values());
        release(feed.values());
        return step;
    }

    private GradientUpdater<?> updater(String name) {
        return updaters.computeIfAbsent(name, n -> {
            long length = sd.getVariable(n).getArr().length();
            Adam adam = new Adam();
            INDArray state = Nd4j.zeros(DataType.FLOAT, 1, adam.stateSize(length));
            updaterState.put(n, state);
            return adam.instantiate(state, true);
        });
    }

    /** The losses on {@code feed}, no update. */
    public Map<String, Double> losses(Map<String, INDArray> feed) {
        List<String> outputs = new ArrayList<>(lossParts());
        outputs.add(lossName);
        imagesToFeatures(feed, false);
        Map<String, INDArray> result = NativeBuild.withOneDnn(false, () -> sd.output(feed, outputs));
        Map<String, Double> losses = values(result, outputs);
        release(result.values());
        release(feed.values());
        return losses;
    }

    /**
     * Frees arrays' off-heap memory now. ND4J otherwise frees it when the Java objects are collected,
     * which a large, little-used heap may postpone for many steps: a report training 8 networks grew
     * past the machine's 24 GiB before this.
     */
    public static void release(java.util.Collection<INDArray> arrays) {
        for (INDArray a : arrays) {
            if (a != null && a.closeable()) {
                a.close();
            }
        }
    }

    public Map<String, INDArray> output(Map<String, INDArray> feed, String... names) {
        imagesToFeatures(feed, false);
        return NativeBuild.withOneDnn(false, () -> sd.output(feed, names));
    }

    private static Map<String, Double> values(Map<String, INDArray> arrays, List<String> names) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, arrays.get(n).getDouble(0));
        }
        return out;
    }

    /** Every variable's current value (copies), by name, and the optimizer's state if it has any. */
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String n : variableNames()) {
            out.put(n, sd.getVariable(n).getArr().dup());
        }
        if (imageTuner != null) {
            out.put(ImageTuner.PARAMS, imageTuner.params().dup()); // plain SGD: no optimiser state to keep
        }
        if (!updaterState.isEmpty()) {
            updaterState.forEach((n, state) -> out.put(OPTIMIZER + n, state.dup()));
            out.put(STEPS, Nd4j.scalar(DataType.LONG, steps));
        }
        return out;
    }

    /**
     * Sets the variables present in {@code values} (shapes must match); returns how many were set.
     * Variables not given keep their values.
     */
    public int setParameters(Map<String, INDArray> values) {
        int set = 0;
        if (values.containsKey(STEPS) && ModelConfig.ADAM.equals(config.training().optimizer())) {
            steps = values.get(STEPS).getInt(0);
            for (String n : variableNames()) {
                INDArray state = values.get(OPTIMIZER + n);
                if (state != null) {
                    updater(n);
                    assignChecked("optimiser state of " + n, updaterState.get(n), state);
                }
            }
        }
        if (imageTuner != null && values.containsKey(ImageTuner.PARAMS)) {
            imageTuner.setParams(values.get(ImageTuner.PARAMS));
            set++;
        }
        for (String n : variableNames()) {
            INDArray v = values.get(n);
            if (v == null) {
                continue;
            }
            assignChecked("parameter " + n, sd.getVariable(n).getArr(), v);
            set++;
        }
        return set;
    }

    /** ND4J's assign of another shape broadcasts or fails in native code: name the array instead. */
    private static void assignChecked(String what, INDArray target, INDArray value) {
        if (!java.util.Arrays.equals(target.shape(), value.shape())) {
            throw new IllegalArgumentException(what + " has shape " + java.util.Arrays.toString(value.shape())
                    + ", the model needs " + java.util.Arrays.toString(target.shape()));
        }
        target.assign(value);
    }

    public long parameterCount() {
        long n = 0;
        for (String name : variableNames()) {
            n += sd.getVariable(name).getArr().length();
        }
        return n;
    }
}
