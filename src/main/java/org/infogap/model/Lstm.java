package org.infogap.model;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMActivations;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDataFormat;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDirectionMode;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMLayerConfig;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.weights.LSTMLayerWeights;
import org.nd4j.weightinit.impl.XavierInitScheme;
import org.nd4j.weightinit.impl.ZeroInitScheme;

/**
 * The model's LSTMs over [batch, steps, nIn], unrolled from plain SameDiff ops (matmul, sigmoid, tanh, slices).
 *
 * <p>Why not ND4J's {@code lstmLayer}: in 1.0.0-M2.1 its backward pass keeps 7-9 MB of native memory per call
 * that no collection returns, so a training process grew by gigabytes an epoch until the kernel killed it
 * ({@code infogap bench lstm} reproduces it; docs/decisions/2026-11-30-training-memory.md), and it ignores the
 * sequence lengths (its gradients are those of full-length sequences). The plain ops keep 0.1-0.7 MB a step
 * and their gradients are the finite differences'. They hold the same variables in the same layout
 * ({@code name/W} [nIn, 4 nOut], {@code name/R} [nOut, 4 nOut], {@code name/b} [4 nOut], gates in lstmLayer's
 * order: input, forget, cell, output), so bundles trained with lstmLayer load and predict the same (LstmTest
 * compares outputs with {@link #nd4jLayer}, gradients with it on full sequences and with finite differences on
 * shorter ones).
 */
public final class Lstm {

    private Lstm() {
    }

    /**
     * The output at each example's last real step ({@code lengths}: [batch], float or int, 1..steps); what
     * follows an example's length never reaches it, because an LSTM reads left to right.
     */
    public static SDVariable last(SameDiff sd, String name, SDVariable in, SDVariable lengths, int steps, int nIn,
                                  int nOut) {
        SDVariable outputs = sequence(sd, name, in, steps, nIn, nOut);
        SDVariable lastStep = sd.oneHot(lengths.castTo(DataType.INT).sub(1), steps, -1, 1.0, 0.0, DataType.FLOAT);
        return sd.sum(outputs.mul(sd.expandDims(lastStep, 2)), 1);
    }

    /** Every step's output: [batch, steps, nOut]. */
    public static SDVariable sequence(SameDiff sd, String name, SDVariable in, int steps, int nIn, int nOut) {
        return sd.stack(1, unroll(sd, name, in, steps, nIn, nOut).toArray(new SDVariable[0]));
    }

    private static List<SDVariable> unroll(SameDiff sd, String name, SDVariable in, int steps, int nIn, int nOut) {
        SDVariable[] p = weights(sd, name, nIn, nOut);
        // the input's share of every step's gates in one product
        SDVariable inputGates = sd.reshape(sd.mmul(sd.reshape(in, -1, nIn), p[0]).add(p[2]), -1, steps, 4 * nOut);
        SDVariable[] perStep = sd.unstack(inputGates, 1, steps);
        List<SDVariable> outputs = new ArrayList<>(steps);
        SDVariable h = null;
        SDVariable cell = null;
        for (int t = 0; t < steps; t++) {
            SDVariable z = h == null ? perStep[t] : perStep[t].add(sd.mmul(h, p[1]));
            SDVariable gates = sd.nn().sigmoid(z);
            SDVariable input = gates.get(SDIndex.all(), SDIndex.interval(0, nOut));
            SDVariable forget = gates.get(SDIndex.all(), SDIndex.interval(nOut, 2 * nOut));
            SDVariable candidate = sd.math().tanh(z.get(SDIndex.all(), SDIndex.interval(2 * nOut, 3 * nOut)));
            SDVariable output = gates.get(SDIndex.all(), SDIndex.interval(3 * nOut, 4 * nOut));
            cell = cell == null ? input.mul(candidate) : forget.mul(cell).add(input.mul(candidate));
            h = output.mul(sd.math().tanh(cell));
            outputs.add(h);
        }
        return outputs;
    }

    /** W, R and b, created in this order (the seed's draws depend on it) with the initialisation lstmLayer had. */
    private static SDVariable[] weights(SameDiff sd, String name, int nIn, int nOut) {
        SDVariable w = sd.var(name + "/W", new XavierInitScheme('c', nIn, 4 * nOut), DataType.FLOAT, nIn, 4 * nOut);
        SDVariable r = sd.var(name + "/R", new XavierInitScheme('c', nOut, 4 * nOut), DataType.FLOAT, nOut, 4 * nOut);
        SDVariable b = sd.var(name + "/b", new ZeroInitScheme('c'), DataType.FLOAT, 4 * nOut);
        return new SDVariable[] {w, r, b};
    }

    /**
     * ND4J's own {@code lstmLayer} over the same variables: the reference the unrolled LSTM is checked against, and
     * what {@code bench lstm} measures. Lengths (nullable) as in {@link #last}; {@code sequence} for every step's
     * output, else the last real step's.
     */
    public static SDVariable nd4jLayer(SameDiff sd, String name, SDVariable in, SDVariable lengths, int nIn, int nOut,
                                       boolean sequence) {
        SDVariable[] p = weights(sd, name, nIn, nOut);
        LSTMLayerConfig config = LSTMLayerConfig.builder()
                .lstmdataformat(LSTMDataFormat.NTS)
                .directionMode(LSTMDirectionMode.FWD)
                .gateAct(LSTMActivations.SIGMOID)
                .cellAct(LSTMActivations.TANH)
                .outAct(LSTMActivations.TANH)
                .retFullSequence(sequence)
                .retLastH(!sequence)
                .retLastC(false)
                .build();
        LSTMLayerWeights weights = LSTMLayerWeights.builder().weights(p[0]).rWeights(p[1]).bias(p[2]).build();
        SDVariable[] out = lengths == null ? sd.rnn().lstmLayer(in, weights, config)
                : sd.rnn().lstmLayer(in, null, null, lengths, weights, config);
        return out[0];
    }
}
