package org.infogap.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.infogap.io.ProcessMemory;
import org.infogap.model.Lstm;
import org.infogap.model.NativeBuild;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The smallest reproduction of training's native memory growth, and the check of its fix: one SameDiff graph with
 * one LSTM at the word LSTM's sizes, the same batch every step, a collection every 20 steps so that garbage does
 * not count, resident memory and time per step printed. ND4J's {@code lstmLayer} ({@link Lstm#nd4jLayer}) keeps native memory
 * on every backward pass; the model's LSTM ({@link Lstm}, unrolled from plain ops, the same weights) should not. A
 * control graph of the same sizes without recurrence shows what a step costs when nothing leaks.
 */
@Command(name = "lstm", mixinStandardHelpOptions = true,
        description = "Resident memory and time over repeated SameDiff steps of one LSTM: ND4J's lstmLayer (forward only, "
            + "gradients with the last output, gradients with the full sequence) and the model's unrolled LSTM (the "
            + "same gradients), beside a control graph without recurrence: which keeps native memory per call.")
final class BenchLstmCommand implements Callable<Integer> {

    @Option(names = "--steps", defaultValue = "200", description = "Steps per case. Default: ${DEFAULT-VALUE}")
    int steps;

    @Option(names = "--rows", defaultValue = "160", description = "Sequences per batch (16 texts of 10 sentences). Default: ${DEFAULT-VALUE}")
    int rows;

    @Option(names = "--time", defaultValue = "18", description = "Steps per sequence. Default: ${DEFAULT-VALUE}")
    int time;

    @Option(names = "--inputs", defaultValue = "300", description = "Inputs per step (word vectors). Default: ${DEFAULT-VALUE}")
    int inputs;

    @Option(names = "--units", defaultValue = "64", description = "LSTM units. Default: ${DEFAULT-VALUE}")
    int units;

    @Option(names = "--cases", defaultValue = "", description = "Only the cases whose name contains this text "
            + "(one process holds what earlier cases kept). Default: all")
    String cases;

    @Override
    public Integer call() {
        NativeBuild.select();
        System.out.printf(Locale.ROOT, "LSTM, %d sequences x %d steps x %d inputs -> %d units; input %.1f MB%n",
                rows, time, inputs, units, rows * (double) time * inputs * 4 / 1e6);
        System.out.println("| case | resident after the first quarter of the steps | after the last | MB per step between "
                + "| ms per step |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (String c : List.of("control: reshape, matmul + tanh, gradients", "lstmLayer forward only",
                "lstmLayer gradients, last output, lengths", "lstmLayer gradients, full sequence",
                "unrolled gradients, last output, lengths", "unrolled gradients, full sequence")) {
            if (c.contains(cases)) {
                run(c);
            }
        }
        return 0;
    }

    private void run(String name) {
        boolean nd4j = name.startsWith("lstmLayer");
        boolean lstm = nd4j || name.startsWith("unrolled");
        boolean full = name.endsWith("full sequence");
        boolean backward = !name.endsWith("forward only");
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, time, inputs);
        SDVariable out;
        List<String> wanted;
        if (lstm) {
            // the encoder's kind (last output at each length, lengths as floats as the model feeds them) and the
            // decoders' (every step)
            SDVariable lengths = full ? null : sd.placeHolder("lengths", DataType.FLOAT, -1);
            out = nd4j ? Lstm.nd4jLayer(sd, "lstm", x, lengths, inputs, units, full)
                    : full ? Lstm.sequence(sd, "lstm", x, time, inputs, units)
                    : Lstm.last(sd, "lstm", x, lengths, time, inputs, units);
            wanted = List.of("lstm/W", "lstm/R", "lstm/b");
        } else {
            // the input weights' work without the recurrence, from ops that keep nothing
            SDVariable w = sd.var("W", Nd4j.rand(DataType.FLOAT, inputs, 4 * units).subi(0.5).muli(0.1));
            SDVariable b = sd.var("b", Nd4j.zeros(DataType.FLOAT, 4 * units));
            out = sd.math().tanh(sd.mmul(sd.reshape(x, -1, inputs), w).add(b));
            wanted = List.of("W", "b");
        }
        sd.sum("loss", sd.math().square(out));
        sd.setLossVariables("loss");
        INDArray in = Nd4j.rand(DataType.FLOAT, rows, time, inputs);
        Random random = new Random(1);
        float[] l = new float[rows];
        for (int i = 0; i < rows; i++) {
            l[i] = 1 + random.nextInt(time);
        }
        Map<String, INDArray> feed = lstm && !full ? Map.of("x", in, "lengths", Nd4j.createFromArray(l)) : Map.of("x", in);
        long first = 0;
        long started = 0;
        int warm = Math.max(1, steps / 4);
        for (int s = 1; s <= steps; s++) {
            if (backward) {
                var result = NativeBuild.withOneDnn(false, () -> sd.calculateGradientsAndOutputs(feed, List.of("loss"), wanted));
                result.getGradients().values().forEach(INDArray::close);
            } else {
                NativeBuild.withOneDnn(false, () -> sd.output(feed, "loss")).values().forEach(INDArray::close);
            }
            if (s % 20 == 0) {
                System.gc(); // garbage does not count (the figures in the decision file were taken at this interval)
            }
            if (s == warm) {
                first = ProcessMemory.residentBytes(); // after the first quarter: allocators and caches have warmed up
                started = System.nanoTime();
            }
        }
        double ms = (System.nanoTime() - started) / 1e6 / Math.max(1, steps - warm);
        System.gc();
        long last = ProcessMemory.residentBytes();
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2f | %.1f |%n", name, ProcessMemory.gib(first),
                ProcessMemory.gib(last), (last - first) / 1e6 / Math.max(1, steps - warm), ms);
    }
}
