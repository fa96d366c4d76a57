import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.infogap.annotate.LabelledPairs;
import org.infogap.model.Classifier;
import org.infogap.model.Encoder;
import org.infogap.model.Example;
import org.infogap.model.Feeds;
import org.infogap.model.ModelBundle;
import org.infogap.model.Network;
import org.infogap.train.ExampleBuilder;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a classifier bundle's counts see: one JSON line per labelled pair with its split, labels (level indices),
 * the {@link Classifier#COUNTS} features, {@link Classifier#COVERAGE} and {@link Classifier#OBJECTS} (-1 without them)
 * and, per sentence in text
 * order, the match head's logit and the relatedness. Joined with the generator's labels/composition.jsonl
 * (roles per sentence) by {@code counts_probe.py}, it tells whether relatedness and truth are right and what the
 * counts allow. A tool outside the build, run as a single-file program on the built jar:
 *
 * <pre>
 *   java -Xmx6g -cp "target/infogap.jar:target/lib/*" tools/CountsDump.java models/classifier/best.zip \
 *       datasets/default/labelled.jsonl counts.jsonl [models/features]
 * </pre>
 */
public class CountsDump {

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: CountsDump CLASSIFIER LABELLED.jsonl OUT.jsonl [FEATURE_CACHE]");
            System.exit(2);
        }
        ModelBundle bundle = ModelBundle.load(Path.of(args[0]));
        if (!bundle.config().sentenceCounts()) {
            throw new IllegalArgumentException(args[0] + ": the classifier reads no counts (sentenceCounts false)");
        }
        Network net = Classifier.create(bundle.config(), bundle.wordVectors());
        net.setParameters(bundle.parameters());
        boolean coverage = net.sameDiff().hasVariable(Classifier.COVERAGE);
        ExampleBuilder builder = ExampleBuilder.forBundle(bundle, null, Path.of(args.length > 3 ? args[3] : "models/features"));
        List<LabelledPairs.Labelled> all = LabelledPairs.read(Path.of(args[1]));
        List<Example> examples = builder.classifierExamples(all, bundle.featureNorm());
        List<String> outputs = new ArrayList<>(List.of(Encoder.MATCH, Classifier.RELATED, Classifier.COUNTS));
        if (coverage) {
            outputs.add(Classifier.COVERAGE);
            outputs.add(Classifier.OBJECTS);
        }
        try (PrintWriter out = new PrintWriter(args[2])) {
            for (int from = 0; from < examples.size(); from += 16) {
                List<Example> batch = new ArrayList<>();
                for (Example e : examples.subList(from, Math.min(examples.size(), from + 16))) {
                    // the text's sentences only: caption rows would follow them in the outputs
                    batch.add(new Example(e.key(), e.features(), e.sentences(), null, e.cmi(), e.sc()));
                }
                Map<String, INDArray> o = net.output(Feeds.encoder(batch, net, null), outputs.toArray(String[]::new));
                float[] match = o.get(Encoder.MATCH).reshape(-1).toFloatVector();
                float[] related = o.get(Classifier.RELATED).reshape(-1).toFloatVector();
                int row = 0;
                for (int i = 0; i < batch.size(); i++) {
                    Example e = batch.get(i);
                    int n = Math.min(bundle.config().maxSentences(), e.sentences().size());
                    StringBuilder m = new StringBuilder();
                    StringBuilder r = new StringBuilder();
                    for (int j = 0; j < n; j++, row++) {
                        m.append(j == 0 ? "" : ",").append(match[row]);
                        r.append(j == 0 ? "" : ",").append(related[row]);
                    }
                    out.printf(Locale.ROOT, "{\"pair\":\"%s\",\"split\":\"%s\",\"cmi\":%d,\"sc\":%d,\"coverage\":%f,\"objects\":%f,"
                                    + "\"counts\":%s,\"match\":[%s],\"related\":[%s]}%n",
                            e.key(), all.get(from + i).split().name().toLowerCase(Locale.ROOT), e.cmi(), e.sc(),
                            coverage ? o.get(Classifier.COVERAGE).getDouble(i, 0) : -1.0,
                            coverage ? o.get(Classifier.OBJECTS).getDouble(i, 0) : -1.0,
                            java.util.Arrays.toString(o.get(Classifier.COUNTS).getRow(i).toFloatVector()), m, r);
                }
                Network.release(o.values());
            }
        }
    }
}
