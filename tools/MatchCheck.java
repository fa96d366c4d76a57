import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.infogap.annotate.LabelledPairs;
import org.infogap.data.Split;
import org.infogap.io.Json;
import org.infogap.model.Autoencoder;
import org.infogap.model.Classifier;
import org.infogap.model.Encoder;
import org.infogap.model.Example;
import org.infogap.model.Feeds;
import org.infogap.model.ModelBundle;
import org.infogap.model.Network;
import org.infogap.train.ExampleBuilder;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How well a bundle's match head checks the generated corpus's claims: every image-related sentence of the
 * labelled test split (role visual or contradiction in labels/composition.jsonl, the generator's truth, which
 * no model reads in training) is scored against its own image; prints the ROC AUC of the logits (true above
 * contradicting) and the accuracy at the median logit (half the sentences are true). The figure the
 * PyTorch ceiling tool reports as "test sentences" ({@code sentence_verifier_ceiling.py}). A tool outside the
 * build, run as a single-file program on the built jar:
 *
 * <pre>
 *   java -Xmx6g -cp "target/infogap.jar:target/lib/*" tools/MatchCheck.java models/autoencoder/best.zip \
 *       datasets/default/labelled.jsonl datasets/default/labels/composition.jsonl [models/features]
 * </pre>
 */
public class MatchCheck {

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: MatchCheck BUNDLE LABELLED.jsonl COMPOSITION.jsonl [FEATURE_CACHE]");
            System.exit(2);
        }
        ModelBundle bundle = ModelBundle.load(Path.of(args[0]));
        if (!bundle.config().matching()) {
            throw new IllegalArgumentException(args[0] + ": the model has no match head (matchWeight 0)");
        }
        Network net = ModelBundle.AUTOENCODER.equals(bundle.kind()) ? Autoencoder.create(bundle.config(), bundle.wordVectors())
                : Classifier.create(bundle.config(), bundle.wordVectors());
        net.setParameters(bundle.parameters());
        ExampleBuilder builder = ExampleBuilder.forBundle(bundle, null, Path.of(args.length > 3 ? args[3] : "models/features"));
        Map<String, List<JsonNode>> claims = new HashMap<>();
        for (String line : Files.readAllLines(Path.of(args[2]))) {
            JsonNode c = Json.mapper().readTree(line);
            List<JsonNode> related = new ArrayList<>();
            c.path("sentences").forEach(s -> {
                if (!"filler".equals(s.path("role").asText())) {
                    related.add(s);
                }
            });
            claims.put(c.path("pair").asText(), related);
        }
        List<LabelledPairs.Labelled> test = LabelledPairs.read(Path.of(args[1])).stream()
                .filter(l -> l.split() == Split.TEST && !claims.getOrDefault(l.pair().key(), List.of()).isEmpty()).toList();
        Map<Path, float[]> features = builder.features(test.stream().map(LabelledPairs.Labelled::pair).toList());
        List<Example> examples = new ArrayList<>();
        List<Boolean> truth = new ArrayList<>();
        for (LabelledPairs.Labelled l : test) {
            List<String> texts = new ArrayList<>();
            for (JsonNode s : claims.get(l.pair().key())) {
                texts.add(s.path("text").asText());
                truth.add("visual".equals(s.path("role").asText()));
            }
            List<int[]> ids = builder.ids(texts, l.pair().source().britishEnglish());
            if (ids.size() != texts.size()) {
                throw new IllegalStateException(l.pair().key() + ": a sentence was cut or dropped by the text limits");
            }
            examples.add(new Example(l.pair().key(), bundle.featureNorm().apply(features.get(l.pair().imagePath())), ids,
                    null, -1, -1));
        }
        List<Float> logits = new ArrayList<>();
        for (int from = 0; from < examples.size(); from += 16) {
            List<Example> batch = examples.subList(from, Math.min(examples.size(), from + 16));
            INDArray match = net.output(Feeds.encoder(batch, net, null), Encoder.MATCH).get(Encoder.MATCH);
            for (float v : match.reshape(-1).toFloatVector()) {
                logits.add(v);
            }
        }
        int n = truth.size();
        long pairs = 0;
        double above = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (truth.get(i) && !truth.get(j)) {
                    pairs++;
                    above += logits.get(i) > logits.get(j) ? 1 : logits.get(i).equals(logits.get(j)) ? 0.5 : 0;
                }
            }
        }
        float[] sorted = new float[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = logits.get(i);
        }
        java.util.Arrays.sort(sorted);
        float median = sorted[n / 2];
        int right = 0;
        for (int i = 0; i < n; i++) {
            right += (logits.get(i) >= median) == truth.get(i) ? 1 : 0;
        }
        long trueCount = truth.stream().filter(t -> t).count();
        System.out.printf(java.util.Locale.ROOT, "%s: %d test sentences of %d pairs (%d true): AUC %.4f, accuracy at the median %.4f%n",
                args[0], n, examples.size(), trueCount, above / pairs, right / (double) n);
    }
}
