package org.infogap.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Speed of the model's two halves, measured apart because they are paid apart: InceptionV3 once per
 * image (at training time, or when an image is registered for serving), the text encoder and heads
 * once per pair. Each case is warmed up, then timed for a fixed wall time; the figure is the median
 * over the timed forward passes, so a slow first call or a garbage collection does not move it.
 */
public final class EncoderBench {

    /** One case's figures. */
    public record Result(String what, String variant, int size, int batch, int passes, double msPerPass,
                         double msPerItem, double itemsPerSecond) {
    }

    private EncoderBench() {
    }

    /**
     * InceptionV3 without top on random input, random weights (speed does not depend on the values).
     *
     * @param fused fold each batch norm into its convolution, as an inference graph does
     */
    public static Result inception(int size, int batch, double seconds, boolean fused) {
        ComputationGraph graph = InceptionV3.withoutTop(size, 1).init();
        if (fused) {
            graph = InceptionV3.foldBatchNorm(graph, size);
        }
        INDArray input = Nd4j.rand(DataType.FLOAT, batch, 3, size, size).subi(0.5).muli(2);
        ComputationGraph timed = graph;
        Timing t = time(() -> NativeBuild.withOneDnn(true, () -> timed.outputSingle(false, input).close()), seconds);
        input.close();
        return new Result("InceptionV3", fused ? "batch norm folded" : "as trained", size, batch, t.passes(), t.ms(),
                t.ms() / batch, 1000.0 * batch / t.ms());
    }

    /**
     * One end-to-end training step of InceptionV3 ({@link ImageTuner}: forward keeping activations,
     * backward from a random feature gradient, SGD update) on random input: what {@code fineTuneImage}
     * adds per image over cached features.
     */
    public static Result inceptionTraining(int size, int batch, double seconds) throws java.io.IOException {
        ModelConfig c = ModelConfig.generated().with(java.util.Map.of("imageSize", Integer.toString(size)));
        ImageTuner tuner = ImageTuner.create(c, null, null, FeatureNorm.identity(), java.util.Map.of());
        INDArray input = Nd4j.rand(DataType.FLOAT, batch, 3, size, size).subi(0.5).muli(2);
        INDArray gradient = Nd4j.rand(DataType.FLOAT, batch, InceptionV3.FEATURES).subi(0.5);
        int[] step = {0};
        Timing t = time(() -> {
            tuner.features(input, true).close();
            tuner.backward(gradient, 1e-6, step[0]++);
        }, seconds);
        input.close();
        return new Result("InceptionV3 training step", "batch norm folded, SGD", size, batch, t.passes(), t.ms(),
                t.ms() / batch, 1000.0 * batch / t.ms());
    }

    /**
     * The classifier's text side with cached image features: word LSTM, text LSTM, article FC, heads.
     * Texts are random vocabulary ids of the given shape.
     */
    public static Result textSide(Predictor predictor, int batch, int sentences, int tokens, double seconds) {
        int vocabulary = predictor.bundle().vocabulary().size();
        Random random = new Random(1);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            float[] features = new float[(int) predictor.bundle().featureNorm().mean().length()]; // with the grid where the model reads it
            for (int j = 0; j < features.length; j++) {
                features[j] = (float) random.nextGaussian();
            }
            List<int[]> text = new ArrayList<>();
            for (int s = 0; s < sentences; s++) {
                text.add(random.ints(tokens, 1, vocabulary).toArray());
            }
            examples.add(new Example("bench:" + i, features, text, null, -1, -1));
        }
        Timing t = time(() -> predictor.predict(examples), seconds);
        return new Result("text encoder + heads", sentences + " sentences x " + tokens + " tokens", 0, batch, t.passes(),
                t.ms(), t.ms() / batch, 1000.0 * batch / t.ms());
    }

    /** Median milliseconds of one pass, over this many timed passes. */
    private record Timing(double ms, int passes) {
    }

    private static Timing time(Runnable pass, double seconds) {
        for (int i = 0; i < 2; i++) {
            pass.run();
        }
        List<Double> times = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            long t = System.nanoTime();
            pass.run();
            times.add((System.nanoTime() - t) / 1e6);
        } while (System.nanoTime() < end || times.size() < 3);
        double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Timing(sorted[sorted.length / 2], sorted.length);
    }

    public static String table(List<Result> results) {
        StringBuilder s = new StringBuilder("| what | variant | size | batch | passes | ms/pass | ms/item | items/s |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %.1f | %.1f | %.1f |%n", r.what(), r.variant(),
                    r.size() == 0 ? "-" : Integer.toString(r.size()), r.batch(), r.passes(), r.msPerPass(), r.msPerItem(),
                    r.itemsPerSecond()));
        }
        return s.toString();
    }
}
