import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.infogap.data.ImageLoader;
import org.infogap.model.InceptionV3;
import org.infogap.model.ImageWeights;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes InceptionV3 activations of named layers (before pooling: mixed4's 8x8 grid, mixed10's 3x3 at 160
 * px) for a list of images, as OUT/LAYER.f32: float32 big-endian [images, channels, cells], the input of
 * {@code sentence_verifier_ceiling.py grid} and {@code image_feature_probe.py}. Same graph and preprocessing as the
 * feature cache (random init with seed 42, or pretrained weights: Keras .h5 or TF.js, with their pixel range;
 * batch norm folded). A tool outside the build, run as a single-file program:
 *
 * <pre>
 *   python3 -c "import json; [print(json.loads(l)['imgpath']) for l in open('datasets/default/labelled.jsonl')]" > /tmp/paths.txt
 *   java -Xmx6g -cp "target/infogap.jar:target/lib/*" tools/InceptionGridDump.java /tmp/paths.txt mixed4,avg_pool /tmp/grid [models/image-encoder/nsfwjs-4.4.0]
 * </pre>
 */
public class InceptionGridDump {

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: InceptionGridDump PATHS_FILE LAYER[,LAYER...] OUT_DIR [WEIGHTS (.h5 or TF.js)]");
            System.exit(2);
        }
        int size = 160;
        ComputationGraph graph = InceptionV3.withoutTop(size, 42).init();
        ImageWeights.Input range = ImageWeights.Input.KERAS;
        if (args.length > 3) {
            ImageWeights.Source source = ImageWeights.load(graph, Path.of(args[3]));
            System.out.println(source.description());
            range = source.input();
        }
        graph = InceptionV3.foldBatchNorm(graph, size);
        ImageLoader loader = new ImageLoader(size);
        List<String> paths = Files.readAllLines(Path.of(args[0]));
        Files.createDirectories(Path.of(args[2]));
        Map<String, DataOutputStream> outs = new LinkedHashMap<>();
        for (String layer : args[1].split(",")) {
            outs.put(layer, new DataOutputStream(new BufferedOutputStream(new FileOutputStream(args[2] + "/" + layer + ".f32"))));
        }
        for (int from = 0; from < paths.size(); from += 16) {
            List<String> batch = paths.subList(from, Math.min(paths.size(), from + 16));
            float[] input = new float[batch.size() * 3 * size * size];
            for (int i = 0; i < batch.size(); i++) {
                float[] chw = range.pixels(loader.load(Path.of(batch.get(i))));
                System.arraycopy(chw, 0, input, i * chw.length, chw.length);
            }
            Map<String, INDArray> activations = graph.feedForward(Nd4j.create(input, new long[] {batch.size(), 3, size, size}), false);
            for (Map.Entry<String, DataOutputStream> out : outs.entrySet()) {
                INDArray a = activations.get(out.getKey());
                if (a == null) {
                    throw new IllegalArgumentException("no layer " + out.getKey() + " in InceptionV3");
                }
                if (from == 0) {
                    System.out.println(out.getKey() + " " + Arrays.toString(a.shape()));
                }
                for (float f : a.dup('c').data().asFloat()) {
                    out.getValue().writeFloat(f);
                }
            }
        }
        for (DataOutputStream out : outs.values()) {
            out.close();
        }
        System.out.println(paths.size() + " images -> " + args[2]);
    }
}
