package org.infogap.model;

import java.io.File;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The model's two kinds of forward pass on seeded weights and inputs, as a program, so that a child JVM
 * forced onto another native build computes the same numbers as the test's own JVM:
 * InceptionV3's pooled features (oneDNN on where the build has it) and the text encoder's LSTM with
 * sequence lengths (oneDNN off). {@code main(DIR)} writes {@code image.bin} and {@code text.bin} there.
 */
public final class ForwardPass {

    private ForwardPass() {
    }

    static INDArray image() {
        ComputationGraph graph = InceptionV3.withoutTop(InceptionV3.MIN_SIZE, 7).init();
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, InceptionV3.MIN_SIZE, InceptionV3.MIN_SIZE).subi(0.5).muli(2);
        return NativeBuild.withOneDnn(true, () -> graph.outputSingle(false, x));
    }

    static INDArray text() {
        Nd4j.getRandom().setSeed(5);
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("in", DataType.FLOAT, -1, 7, 30);
        SDVariable len = sd.placeHolder("len", DataType.INT32, -1);
        SDVariable last = Lstm.last(sd, "lstm", in, len, 7, 30, 40);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 7, 30).subi(0.5);
        INDArray lengths = Nd4j.createFromArray(7, 4, 1, 6);
        return NativeBuild.withOneDnn(false, () -> sd.output(Map.of("in", x, "len", lengths), last.name()).get(last.name()));
    }

    public static void main(String[] args) throws Exception {
        NativeBuild.select();
        File dir = new File(args[0]);
        Nd4j.saveBinary(image(), new File(dir, "image.bin"));
        Nd4j.saveBinary(text(), new File(dir, "text.bin"));
        System.out.println("build " + NativeBuild.chosen().build().id());
    }
}
