package org.infogap.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.infogap.data.ImageLoader;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * InceptionV3 trained end to end with the SameDiff network after it ({@code fineTuneImage}): instead of
 * cached features, each batch's images go through the trainable graph; the network's gradient with
 * respect to its {@link Encoder#FEATURES} placeholder comes back through the feature standardisation,
 * and DL4J backpropagates it through InceptionV3, clipped to {@code clipNorm} on its own (random-init
 * features are tiny, so their standardisation magnifies gradients by orders of magnitude; clipped
 * together, the image side would silence the rest).
 *
 * <p>The image side always steps by plain SGD at the network's learning rate times {@code imageLrScale}.
 * Adam moves every one of the 21.8 M weights by about the learning rate per step, whatever its
 * gradient: at 2e-4 the standardised features left the image FC's range after one step and no gradient
 * came back (measured on the test corpus, random init). SGD's clipped step is at most learning rate x
 * {@code clipNorm}.
 *
 * <p>The trained graph is the batch-norm-folded one ({@link InceptionV3#foldBatchNorm}): batch norm's
 * statistics stay as they were, inside the convolutions. With batch statistics instead (training-mode
 * batch norm), random-init features came out about a thousand times larger than the cached ones the
 * standardisation was estimated on, saturated the image FC and passed no gradient back (measured).
 * Folded, training and inference compute the same function, and the start is exactly the fixed
 * encoder's features.
 *
 * <p>The graph's parameters are one flat array, kept in
 * {@link Network#parameters()} as {@value #PARAMS}, so checkpoints, {@code --resume} and bundles carry
 * them; {@link ImageEncoder#forBundle} turns them back into a (folded) feature extractor.
 */
public final class ImageTuner {

    /**
     * Image fine-tuning's section of {@link ModelConfig.Components}: on, InceptionV3 trains end to end with the
     * rest (images are decoded and run through it every step, no feature cache) instead of staying fixed.
     *
     * @param lrScale InceptionV3's learning rate (plain SGD, whatever the optimizer) relative to the rest's (flat
     *                name {@code imageLrScale})
     */
    public record Settings(double lrScale) {
        public Settings {
            if (!(lrScale > 0)) {
                throw new IllegalArgumentException("imageFineTuning.lrScale must be > 0, got " + lrScale);
            }
        }
    }

    /** Feed key of the batch's images [batch, 3, size, size]; {@link Network} swaps it for features. */
    public static final String PIXELS = "image_pixels";
    /** Name of the flat InceptionV3 parameters among a network's parameters. */
    public static final String PARAMS = "image/inception_v3";

    private final ComputationGraph graph;
    private final ImageLoader loader;
    private final INDArray mean;
    private final INDArray std;
    private final Map<String, Path> images;
    private final double clipNorm;

    private final ImageWeights.Input input;

    private ImageTuner(ComputationGraph graph, int size, FeatureNorm norm, Map<String, Path> images, double clipNorm,
                       ImageWeights.Input input) {
        this.graph = graph;
        this.input = input;
        this.loader = new ImageLoader(size);
        this.mean = norm.mean().reshape(1, InceptionV3.FEATURES).castTo(DataType.FLOAT);
        this.std = norm.std().reshape(1, InceptionV3.FEATURES).castTo(DataType.FLOAT);
        this.images = Map.copyOf(images);
        this.clipNorm = clipNorm;
    }

    /**
     * @param kerasWeights pretrained InceptionV3 weights ({@link ImageWeights#load}), or null; they also set
     *                     the pixel range when {@code params} continue a tuning that started from them
     * @param params       flat parameters to start from (an earlier tuning), or null: the pretrained weights or
     *                     the seeded random initialisation
     * @param norm         the standardisation the network's features are trained with
     * @param images       image file of every example key this tuner will be fed
     */
    public static ImageTuner create(ModelConfig c, Path kerasWeights, INDArray params, FeatureNorm norm,
                                    Map<String, Path> images) throws java.io.IOException {
        if (!c.fineTuneImage()) {
            throw new IllegalArgumentException("the config leaves imageFineTuning off: InceptionV3 stays fixed");
        }
        IUpdater updater = new Sgd(c.training().learningRate() * c.components().imageFineTuning().lrScale());
        // the pretrained weights are loaded to start from, or, under an earlier tuning's parameters, for their pixel range
        ComputationGraph start = params == null || kerasWeights != null ? InceptionV3.withoutTop(c.image().size(), c.training().seed()).init() : null;
        ImageWeights.Input input = kerasWeights == null ? ImageWeights.Input.KERAS : ImageWeights.load(start, kerasWeights).input();
        ComputationGraph graph = params != null ? InceptionV3.foldedWithoutTop(c.image().size(), params, updater)
                : InceptionV3.foldBatchNorm(start, c.image().size(), updater);
        // calling feedForward and backpropGradient ourselves, outside fit(), leaves workspace arrays
        // invalid between the two (an ND4J "outdated workspace pointer" error): no workspaces here
        graph.getConfiguration().setTrainingWorkspaceMode(WorkspaceMode.NONE);
        graph.getConfiguration().setInferenceWorkspaceMode(WorkspaceMode.NONE);
        return new ImageTuner(graph, c.image().size(), norm, images, c.training().clipNorm(), input);
    }

    /** The batch's images, loaded and scaled for InceptionV3. */
    public INDArray pixels(List<Example> batch) {
        int s = loader.size();
        int n = 3 * s * s;
        float[] all = new float[batch.size() * n];
        for (int i = 0; i < batch.size(); i++) {
            Path image = images.get(batch.get(i).key());
            if (image == null) {
                throw new IllegalArgumentException(batch.get(i).key() + ": no image file known for end-to-end training");
            }
            System.arraycopy(input.pixels(loader.load(image)), 0, all, i * n, n);
        }
        return Feeds.floats(all, batch.size(), 3, s, s);
    }

    /** Standardised pooled features; {@code train}: the activations are kept for {@link #backward}. */
    public INDArray features(INDArray pixels, boolean train) {
        INDArray pooled = NativeBuild.withOneDnn(true, () -> train
                ? graph.feedForward(new INDArray[] {pixels}, true, false).get(InceptionV3.POOL)
                : graph.outputSingle(false, pixels));
        return pooled.subRowVector(mean).diviRowVector(std);
    }

    /**
     * Backpropagates the loss gradient with respect to the standardised features of the last
     * {@code features(.., true)} and updates InceptionV3; returns the gradient norm before clipping.
     *
     * @param iteration the network's step count (DL4J's updater takes it; plain SGD does not use it)
     */
    public double backward(INDArray featureGradient, double learningRate, int iteration) {
        INDArray epsilon = featureGradient.divRowVector(std);
        Gradient gradient = NativeBuild.withOneDnn(true, () -> graph.backpropGradient(epsilon));
        INDArray flat = graph.getFlattenedGradients();
        double norm = flat.norm2Number().doubleValue();
        if (norm > clipNorm) {
            flat.muli(clipNorm / norm);
        }
        graph.setLearningRate(learningRate);
        graph.getUpdater().update(gradient, iteration, 0, (int) featureGradient.size(0), LayerWorkspaceMgr.noWorkspaces());
        graph.params().subi(flat.reshape(graph.params().shape())); // the updater turned the gradient into the step
        graph.clear();
        epsilon.close();
        return norm;
    }

    /** The flat parameters (a view: copy before keeping). */
    public INDArray params() {
        return graph.params();
    }

    public void setParams(INDArray params) {
        InceptionV3.setParams(graph, loader.size(), params);
    }

    public long parameterCount() {
        return graph.numParams();
    }
}
