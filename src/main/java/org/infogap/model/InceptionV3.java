package org.infogap.model;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.zoo.ModelMetaData;
import org.deeplearning4j.zoo.PretrainedType;
import org.deeplearning4j.zoo.ZooModel;
import org.deeplearning4j.zoo.ZooType;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * InceptionV3 (Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", 2016) as a
 * DL4J zoo model, laid out as {@code keras.applications.InceptionV3}: the same blocks in the same order,
 * with Keras 2's layer names ({@code conv2d_1..94}, {@code batch_normalization_1..94}, {@code mixed0..10},
 * {@code avg_pool}, {@code predictions}), so ImageNet weights saved by Keras load by name and order
 * ({@link KerasWeights}). The DL4J 1.0.0-M2.1 zoo has no InceptionV3.
 *
 * <p>Input is NCHW RGB scaled to [-1, 1] (Keras's {@code preprocess_input} for this network). Without
 * the top, the graph ends in {@code avg_pool}: 2048-d pooled features for any input of at least 75 px.
 *
 * <p>One difference in parameters: Keras's batch normalisation here has no scale ({@code scale=False}),
 * DL4J's always has gamma; so this graph has one extra parameter per batch-normalised channel, 17,216
 * in all, which weight import sets to 1.
 */
public final class InceptionV3 extends ZooModel<InceptionV3> {

    /** Channels of a block's map ({@code mixed0} .. {@code mixed10}); refuses any other name. */
    public static int channels(String block) {
        return switch (block) {
            case "mixed0" -> 256;
            case "mixed1", "mixed2" -> 288;
            case "mixed3", "mixed4", "mixed5", "mixed6", "mixed7" -> 768;
            case "mixed8" -> 1280;
            case "mixed9", "mixed10" -> 2048;
            default -> throw new IllegalArgumentException("imageLayer must be one of mixed0..mixed10, got '" + block + "'");
        };
    }

    /** Keras's preferred input size. */
    public static final int KERAS_SIZE = 299;
    /** The smallest input the stride-2 stem and the three grid reductions accept. */
    public static final int MIN_SIZE = 75;
    public static final int FEATURES = 2048;
    /** The block {@link #POOL} averages: the paper's image features. */
    public static final String LAST_BLOCK = "mixed10";
    public static final String INPUT = "input_1";
    public static final String POOL = "avg_pool";
    public static final String PREDICTIONS = "predictions";
    /** Channels of every map of the 17x17 stage ({@link #checkGridLayer}). */
    public static final int GRID_CHANNELS = 768;

    /**
     * Refuses a grid the match head cannot read ({@link MatchHead.Settings#grid()}): only the 17x17 stage's maps,
     * mixed3 (after the 35x35 -> 17x17 reduction) to mixed7 (before the 17x17 -> 8x8 one), 8x8 cells at 160 px and
     * 768 channels each, still know where things are at a resolution the head can attend over.
     */
    public static String checkGridLayer(String block) {
        return switch (block) {
            case "mixed3", "mixed4", "mixed5", "mixed6", "mixed7" -> block;
            default -> throw new IllegalArgumentException("gridLayer must be one of mixed3..mixed7 (the 17x17 stage), got '"
                    + block + "'");
        };
    }
    /** The 1000 ImageNet classes of the Keras top. */
    public static final int IMAGENET_CLASSES = 1000;

    /**
     * DL4J 1.0.0-M2.1 creates no layer helpers (oneDNN on CPU, cuDNN on GPU) unless this system property
     * is false; its default is true. With the helpers (and {@link org.nd4j.nativeblas.Nd4jCpu}, which
     * mends M2.1's oneDNN check) InceptionV3 at 299 px ran 95-107 instead of 1,344 ms per image here, on
     * the onednn-avx512 native build ({@link NativeBuild}). Set
     * the property to true to measure or compare DL4J's built-in layers.
     */
    public static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";

    static {
        if (System.getProperty(HELPERS_DISABLE) == null) {
            System.setProperty(HELPERS_DISABLE, "false");
        }
    }

    private final boolean includeTop;
    private final int classes;
    private final long seed;
    private final boolean folded;
    private int[] inputShape;
    private org.nd4j.linalg.learning.config.IUpdater updater;

    private InceptionV3(boolean includeTop, int classes, int size, long seed) {
        this(includeTop, classes, size, seed, false);
    }

    private InceptionV3(boolean includeTop, int classes, int size, long seed, boolean folded) {
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("InceptionV3 needs images of at least " + MIN_SIZE + " px, got " + size);
        }
        this.includeTop = includeTop;
        this.classes = classes;
        this.seed = seed;
        this.folded = folded;
        this.inputShape = new int[] {3, size, size};
    }

    /**
     * The same network for inference only, each batch norm folded into the convolution before it
     * (w' = w * gamma / sqrt(var + eps), b' = beta - mean * gamma / sqrt(var + eps)) and the ReLU applied
     * by the convolution layer: one layer and one pass over the activations per conv2d_bn instead of
     * three. Outputs equal the trained graph's in inference mode up to float rounding.
     *
     * @param size the input size {@code trained} was built for
     */
    public static ComputationGraph foldBatchNorm(ComputationGraph trained, int size) {
        return foldBatchNorm(trained, size, null);
    }

    /** As {@link #foldBatchNorm(ComputationGraph, int)}, the folded graph to be trained with {@code updater}. */
    public static ComputationGraph foldBatchNorm(ComputationGraph trained, int size,
                                                 org.nd4j.linalg.learning.config.IUpdater updater) {
        boolean top = trained.getConfiguration().getVertices().containsKey(PREDICTIONS);
        int classes = top ? (int) trained.getLayer(PREDICTIONS).getParam("W").size(1) : 0;
        ComputationGraph folded = new InceptionV3(top, classes, size, 0, true).updater(updater).init();
        for (org.deeplearning4j.nn.api.Layer layer : folded.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            if (name.startsWith("conv2d_")) {
                String bn = "batch_normalization_" + name.substring("conv2d_".length());
                double eps = ((org.deeplearning4j.nn.conf.layers.BatchNormalization) trained.getLayer(bn).conf().getLayer()).getEps();
                org.nd4j.linalg.api.ndarray.INDArray scale = trained.getLayer(bn).getParam("gamma").reshape(-1)
                        .div(org.nd4j.linalg.ops.transforms.Transforms.sqrt(trained.getLayer(bn).getParam("var").reshape(-1).add(eps), false));
                org.nd4j.linalg.api.ndarray.INDArray w = trained.getLayer(name).getParam("W");
                layer.setParam("W", w.mul(scale.reshape(scale.length(), 1, 1, 1)));
                layer.setParam("b", trained.getLayer(bn).getParam("beta").reshape(-1)
                        .sub(trained.getLayer(bn).getParam("mean").reshape(-1).mul(scale)).reshape(1, -1));
            } else if (layer.numParams() > 0) {
                layer.setParams(trained.getLayer(name).params().dup());
            }
        }
        return folded;
    }

    /** The optimiser of end-to-end training ({@link ImageTuner}); DL4J's default otherwise. */
    public InceptionV3 updater(org.nd4j.linalg.learning.config.IUpdater updater) {
        this.updater = updater;
        return this;
    }

    /**
     * The feature extractor with batch norm folded in, set to {@code params} (flat, e.g. an end-to-end
     * trained encoder's), to be trained with {@code updater} (null: DL4J's default).
     */
    public static ComputationGraph foldedWithoutTop(int size, org.nd4j.linalg.api.ndarray.INDArray params,
                                                    org.nd4j.linalg.learning.config.IUpdater updater) {
        ComputationGraph graph = new InceptionV3(false, 0, size, 0, true).updater(updater).init();
        setParams(graph, size, params);
        return graph;
    }

    /** Sets a graph's flat parameters, refusing an array of another size with a message naming both. */
    static void setParams(ComputationGraph graph, int size, org.nd4j.linalg.api.ndarray.INDArray params) {
        if (params.length() != graph.numParams()) {
            throw new IllegalArgumentException(ImageTuner.PARAMS + " has " + params.length() + " values, InceptionV3 at "
                    + size + " px has " + graph.numParams());
        }
        graph.setParams(params);
    }

    /** The feature extractor: input to 2048-d {@code avg_pool}. */
    public static InceptionV3 withoutTop(int size, long seed) {
        return new InceptionV3(false, 0, size, seed);
    }

    /** With the {@code predictions} softmax over {@code classes} (Keras: 1000 ImageNet classes). */
    public static InceptionV3 withTop(int classes, int size, long seed) {
        return new InceptionV3(true, classes, size, seed);
    }

    @Override
    public String modelName() {
        return "inception_v3";
    }

    @Override
    public String pretrainedUrl(PretrainedType type) {
        return null; // weights come from a local Keras file only: nothing downloads at run time
    }

    @Override
    public long pretrainedChecksum(PretrainedType type) {
        return 0;
    }

    @Override
    public Class<? extends Model> modelType() {
        return ComputationGraph.class;
    }

    @Override
    public ModelMetaData metaData() {
        return new ModelMetaData(new int[][] {inputShape}, 1, ZooType.CNN);
    }

    @Override
    public void setInputShape(int[][] shape) {
        this.inputShape = shape[0];
    }

    @Override
    @SuppressWarnings("unchecked")
    public ComputationGraph init() {
        // DL4J decides once, at the first layer helper, whether oneDNN is there: ask with it on
        return NativeBuild.withOneDnn(true, () -> {
            ComputationGraph graph = new ComputationGraph(conf());
            graph.init();
            return graph;
        });
    }

    public ComputationGraphConfiguration conf() {
        Builder b = new Builder(seed, folded, updater);
        b.graph.addInputs(INPUT).setInputTypes(InputType.convolutional(inputShape[1], inputShape[2], inputShape[0]));
        String x = INPUT;
        x = b.convBn(x, 32, 3, 3, 2, false);
        x = b.convBn(x, 32, 3, 3, 1, false);
        x = b.convBn(x, 64, 3, 3, 1, true);
        x = b.maxPool(x);
        x = b.convBn(x, 80, 1, 1, 1, false);
        x = b.convBn(x, 192, 3, 3, 1, false);
        x = b.maxPool(x);
        // 35 x 35: mixed 0, 1, 2
        for (int i = 0; i < 3; i++) {
            String branch1x1 = b.convBn(x, 64, 1, 1, 1, true);
            String branch5x5 = b.convBn(b.convBn(x, 48, 1, 1, 1, true), 64, 5, 5, 1, true);
            String dbl = b.convBn(b.convBn(b.convBn(x, 64, 1, 1, 1, true), 96, 3, 3, 1, true), 96, 3, 3, 1, true);
            String pool = b.convBn(b.avgPool(x), i == 0 ? 32 : 64, 1, 1, 1, true);
            x = b.concat("mixed" + i, branch1x1, branch5x5, dbl, pool);
        }
        // mixed 3: 35 x 35 -> 17 x 17
        {
            String branch3x3 = b.convBn(x, 384, 3, 3, 2, false);
            String dbl = b.convBn(b.convBn(b.convBn(x, 64, 1, 1, 1, true), 96, 3, 3, 1, true), 96, 3, 3, 2, false);
            String pool = b.maxPool(x);
            x = b.concat("mixed3", branch3x3, dbl, pool);
        }
        // 17 x 17: mixed 4..7, the factorised 7x7 blocks
        int[] widths = {128, 160, 160, 192};
        for (int i = 0; i < 4; i++) {
            int c = widths[i];
            String branch1x1 = b.convBn(x, 192, 1, 1, 1, true);
            String branch7x7 = b.convBn(x, c, 1, 1, 1, true);
            branch7x7 = b.convBn(branch7x7, c, 1, 7, 1, true);
            branch7x7 = b.convBn(branch7x7, 192, 7, 1, 1, true);
            String dbl = b.convBn(x, c, 1, 1, 1, true);
            dbl = b.convBn(dbl, c, 7, 1, 1, true);
            dbl = b.convBn(dbl, c, 1, 7, 1, true);
            dbl = b.convBn(dbl, c, 7, 1, 1, true);
            dbl = b.convBn(dbl, 192, 1, 7, 1, true);
            String pool = b.convBn(b.avgPool(x), 192, 1, 1, 1, true);
            x = b.concat("mixed" + (4 + i), branch1x1, branch7x7, dbl, pool);
        }
        // mixed 8: 17 x 17 -> 8 x 8
        {
            String branch3x3 = b.convBn(b.convBn(x, 192, 1, 1, 1, true), 320, 3, 3, 2, false);
            String branch7x7x3 = b.convBn(x, 192, 1, 1, 1, true);
            branch7x7x3 = b.convBn(branch7x7x3, 192, 1, 7, 1, true);
            branch7x7x3 = b.convBn(branch7x7x3, 192, 7, 1, 1, true);
            branch7x7x3 = b.convBn(branch7x7x3, 192, 3, 3, 2, false);
            String pool = b.maxPool(x);
            x = b.concat("mixed8", branch3x3, branch7x7x3, pool);
        }
        // 8 x 8: mixed 9, 10, the expanded filter banks
        for (int i = 0; i < 2; i++) {
            String branch1x1 = b.convBn(x, 320, 1, 1, 1, true);
            String branch3x3 = b.convBn(x, 384, 1, 1, 1, true);
            String b31 = b.convBn(branch3x3, 384, 1, 3, 1, true);
            String b32 = b.convBn(branch3x3, 384, 3, 1, 1, true);
            branch3x3 = b.concat("mixed9_" + i, b31, b32);
            String dbl = b.convBn(b.convBn(x, 448, 1, 1, 1, true), 384, 3, 3, 1, true);
            String d1 = b.convBn(dbl, 384, 1, 3, 1, true);
            String d2 = b.convBn(dbl, 384, 3, 1, 1, true);
            dbl = b.concat("concatenate_" + (i + 1), d1, d2);
            String pool = b.convBn(b.avgPool(x), 192, 1, 1, 1, true);
            x = b.concat("mixed" + (9 + i), branch1x1, branch3x3, dbl, pool);
        }
        b.graph.addLayer(POOL, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
        if (includeTop) {
            b.graph.addLayer(PREDICTIONS, new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                    .activation(Activation.SOFTMAX).build(), POOL);
            b.graph.setOutputs(PREDICTIONS);
        } else {
            b.graph.setOutputs(POOL);
        }
        return b.graph.build();
    }

    /** Adds layers with Keras's automatic names (a counter per layer kind). */
    private static final class Builder {
        final ComputationGraphConfiguration.GraphBuilder graph;
        int conv;
        int maxPool;
        int avgPool;
        final boolean folded;

        Builder(long seed, boolean folded, org.nd4j.linalg.learning.config.IUpdater updater) {
            this.folded = folded;
            NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder();
            if (updater != null) {
                base.updater(updater);
            }
            graph = base
                    .seed(seed)
                    .weightInit(WeightInit.XAVIER)
                    .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                    .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                    .graphBuilder();
        }

        /** Keras's conv2d_bn: convolution without bias, batch norm (eps 1e-3, momentum 0.99), ReLU. */
        String convBn(String in, int filters, int rows, int cols, int stride, boolean same) {
            conv++;
            String c = "conv2d_" + conv;
            String bn = "batch_normalization_" + conv;
            String act = "activation_" + conv;
            if (folded) {
                graph.addLayer(c, new ConvolutionLayer.Builder(rows, cols).stride(stride, stride).nOut(filters)
                        .hasBias(true).activation(Activation.RELU)
                        .convolutionMode(same ? ConvolutionMode.Same : ConvolutionMode.Truncate).build(), in);
                return c;
            }
            graph.addLayer(c, new ConvolutionLayer.Builder(rows, cols).stride(stride, stride).nOut(filters)
                    .hasBias(false).activation(Activation.IDENTITY)
                    .convolutionMode(same ? ConvolutionMode.Same : ConvolutionMode.Truncate).build(), in);
            graph.addLayer(bn, new BatchNormalization.Builder().eps(1e-3).decay(0.99).useLogStd(false).build(), c);
            graph.addLayer(act, new ActivationLayer(Activation.RELU), bn);
            return act;
        }

        String maxPool(String in) {
            maxPool++;
            String name = "max_pooling2d_" + maxPool;
            graph.addLayer(name, new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(3, 3).stride(2, 2)
                    .convolutionMode(ConvolutionMode.Truncate).build(), in);
            return name;
        }

        String avgPool(String in) {
            avgPool++;
            String name = "average_pooling2d_" + avgPool;
            // TensorFlow's 'same' average pooling divides by the cells inside the image only
            graph.addLayer(name, new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(3, 3).stride(1, 1)
                    .convolutionMode(ConvolutionMode.Same).avgPoolIncludePadInDivisor(false).build(), in);
            return name;
        }

        String concat(String name, String... inputs) {
            graph.addVertex(name, new MergeVertex(), inputs);
            return name;
        }
    }
}
