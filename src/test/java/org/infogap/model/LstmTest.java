package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.junit.jupiter.api.Test;

/**
 * The unrolled LSTM computes what ND4J's lstmLayer computes from the same weights, so old bundles predict the same;
 * its gradients are lstmLayer's where every sequence is full and the finite differences' everywhere (lstmLayer's
 * backward pass ignores sequence lengths).
 */
class LstmTest {

    private static final int STEPS = 6;
    private static final int IN = 5;
    private static final int OUT = 7;
    private static final List<String> WEIGHTS = List.of("lstm/W", "lstm/R", "lstm/b");

    /** One graph: the LSTM (unrolled or lstmLayer) with random weights shared by seed, a loss on its output. */
    private static SameDiff graph(boolean unrolled, boolean sequence) {
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("in", DataType.FLOAT, -1, STEPS, IN);
        SDVariable len = sequence ? null : sd.placeHolder("len", DataType.FLOAT, -1);
        SDVariable out = unrolled
                ? (sequence ? Lstm.sequence(sd, "lstm", in, STEPS, IN, OUT) : Lstm.last(sd, "lstm", in, len, STEPS, IN, OUT))
                : Lstm.nd4jLayer(sd, "lstm", in, len, IN, OUT, sequence);
        out.rename("out");
        Nd4j.getRandom().setSeed(21);
        for (String w : WEIGHTS) {
            INDArray a = sd.getArrForVarName(w);
            sd.getVariable(w).setArray(Nd4j.rand(DataType.FLOAT, a.shape()).subi(0.5));
        }
        // a loss that weighs every output differently, so a gradient in the wrong place shows
        long[] shape = sequence ? new long[] {4, STEPS, OUT} : new long[] {4, OUT};
        INDArray weights = Nd4j.linspace(DataType.FLOAT, 1, 4L * OUT * (sequence ? STEPS : 1), 1).reshape(shape).divi(50);
        sd.sum("loss", out.mul(sd.constant("lossWeights", weights)));
        sd.setLossVariables("loss");
        return sd;
    }

    private static Map<String, INDArray> feed(boolean sequence) {
        return feed(sequence, Nd4j.createFromArray(6f, 3f, 1f, 5f));
    }

    private static Map<String, INDArray> feed(boolean sequence, INDArray lengths) {
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, STEPS, IN).subi(0.5);
        return sequence ? Map.of("in", x) : Map.of("in", x, "len", lengths);
    }

    private static void sameOutputsAndGradients(boolean sequence, Map<String, INDArray> feed) {
        SameDiff unrolled = graph(true, sequence);
        SameDiff layer = graph(false, sequence);
        for (String w : WEIGHTS) {
            assertEquals(layer.getArrForVarName(w), unrolled.getArrForVarName(w), "same weights in both graphs");
        }
        var a = NativeBuild.withOneDnn(false, () -> unrolled.calculateGradientsAndOutputs(feed, List.of("out"), WEIGHTS));
        var b = NativeBuild.withOneDnn(false, () -> layer.calculateGradientsAndOutputs(feed, List.of("out"), WEIGHTS));
        INDArray outA = a.getOutputs().get("out");
        INDArray outB = b.getOutputs().get("out");
        assertArrayEquals(outB.shape(), outA.shape());
        assertTrue(outA.sub(outB).amaxNumber().doubleValue() < 1e-5, () -> "outputs differ:\n" + outA + "\n" + outB);
        for (String w : WEIGHTS) {
            INDArray ga = a.getGradients().get(w);
            INDArray gb = b.getGradients().get(w);
            double scale = Math.max(1, gb.amaxNumber().doubleValue());
            assertTrue(ga.sub(gb).amaxNumber().doubleValue() / scale < 1e-4, () -> w + " gradients differ:\n" + ga + "\n" + gb);
        }
    }

    @Test
    void lastOutputOfFullSequencesIsLstmLayersOutputAndGradient() {
        sameOutputsAndGradients(false, feed(false, Nd4j.createFromArray(6f, 6f, 6f, 6f)));
    }

    @Test
    void fullSequenceIsLstmLayersOutputAndGradient() {
        sameOutputsAndGradients(true, feed(true));
    }

    @Test
    void withShorterLengthsTheOutputIsLstmLayersAndTheGradientTheFiniteDifferences() {
        Map<String, INDArray> feed = feed(false);
        SameDiff unrolled = graph(true, false);
        SameDiff layer = graph(false, false);
        INDArray outA = unrolled.output(feed, "out").get("out");
        INDArray outB = NativeBuild.withOneDnn(false, () -> layer.output(feed, "out").get("out"));
        assertTrue(outA.sub(outB).amaxNumber().doubleValue() < 1e-5, () -> "outputs differ:\n" + outA + "\n" + outB);
        for (String name : WEIGHTS) {
            INDArray w = unrolled.getArrForVarName(name);
            INDArray analytic = unrolled.calculateGradients(feed, List.of(name)).get(name);
            INDArray flat = w.reshape(w.length());
            for (long i = 0; i < flat.length(); i += 3) {
                double v = flat.getDouble(i);
                double e = 1e-2;
                flat.putScalar(i, v + e);
                double up = unrolled.output(feed, "loss").get("loss").getDouble(0);
                flat.putScalar(i, v - e);
                double down = unrolled.output(feed, "loss").get("loss").getDouble(0);
                flat.putScalar(i, v);
                double numeric = (up - down) / (2 * e);
                double got = analytic.reshape(analytic.length()).getDouble(i);
                assertEquals(numeric, got, 2e-4 + 1e-2 * Math.abs(numeric), name + "[" + i + "]");
            }
        }
        // the reason not to go back: lstmLayer_bp (1.0.0-M2.1) gives the gradient of full-length sequences
        INDArray ignoresLengths = layer.calculateGradients(feed, List.of("lstm/W")).get("lstm/W");
        INDArray fullLength = layer.calculateGradients(feed(false, Nd4j.createFromArray(6f, 6f, 6f, 6f)), List.of("lstm/W"))
                .get("lstm/W");
        assertEquals(fullLength, ignoresLengths, "if this fails, ND4J's lstmLayer backward pass now reads lengths");
    }

    @Test
    void paddingAfterALengthNeverReachesTheOutput() {
        SameDiff sd = graph(true, false);
        Map<String, INDArray> feed = feed(false);
        INDArray before = sd.output(feed, "out").get("out");
        INDArray changed = feed.get("in").dup();
        changed.get(org.nd4j.linalg.indexing.NDArrayIndex.point(2), org.nd4j.linalg.indexing.NDArrayIndex.interval(1, STEPS),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).assign(9);
        INDArray after = sd.output(Map.of("in", changed, "len", feed.get("len")), "out").get("out");
        assertEquals(before, after, "example 2 has length 1: steps 2..6 are padding");
    }
}
