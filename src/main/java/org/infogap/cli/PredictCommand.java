package org.infogap.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.infogap.annotate.LabelledPairs;
import org.infogap.data.Split;
import org.infogap.io.AtomicFiles;
import org.infogap.io.Json;
import org.infogap.model.Example;
import org.infogap.model.ModelBundle;
import org.infogap.model.Predictor;
import org.infogap.train.ExampleBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Scores labelled or unlabelled pairs (annotations export format) with a classifier bundle: per pair the "
            + "CMI and SC level, the five level probabilities, the expected value and, with --embeddings, the article embedding.")
final class PredictCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "models/classifier/best.zip", description = "Classifier bundle. Default: ${DEFAULT-VALUE}")
    Path model;

    @Option(names = "--pairs", defaultValue = "datasets/default/labelled.jsonl",
            description = "Pairs in the annotations export format. Default: ${DEFAULT-VALUE}")
    Path pairs;

    @Option(names = "--split", defaultValue = "test", paramLabel = "train|test|all", description = "Which pairs. Default: ${DEFAULT-VALUE}")
    String split;

    @Option(names = "--out", defaultValue = "models/predictions.jsonl", description = "Output JSONL. Default: ${DEFAULT-VALUE}")
    Path out;

    @Option(names = "--embeddings", description = "Include each pair's article embedding.")
    boolean embeddings;

    @picocli.CommandLine.Mixin
    FeatureOptions features;

    @Override
    public Integer call() throws Exception {
        ModelBundle bundle = ModelBundle.load(model);
        Predictor predictor = new Predictor(bundle);
        List<LabelledPairs.Labelled> chosen = LabelledPairs.read(pairs).stream()
                .filter(l -> split.equals("all") || l.split() == Split.parse(split)).toList();
        List<Example> examples = ExampleBuilder.forBundle(bundle, features.weightsFor(model), features.featureCache)
                .classifierExamples(chosen, bundle.featureNorm());
        List<Predictor.Prediction> predictions = predictor.predict(examples);
        int cmiRight = 0;
        int scRight = 0;
        for (int i = 0; i < chosen.size(); i++) {
            cmiRight += predictions.get(i).cmi() == chosen.get(i).cmi() ? 1 : 0;
            scRight += predictions.get(i).sc() == chosen.get(i).sc() ? 1 : 0;
        }
        AtomicFiles.write(out, stream -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
            for (Predictor.Prediction p : predictions) {
                ObjectNode n = Json.mapper().createObjectNode().put("pair", p.key());
                n.put("cmi", p.cmi().value()).put("cmi_expected", p.expectedCmi());
                for (float v : p.cmiProbabilities()) {
                    n.withArray("cmi_probabilities").add(v);
                }
                n.put("sc", p.sc().value()).put("sc_expected", p.expectedSc());
                for (float v : p.scProbabilities()) {
                    n.withArray("sc_probabilities").add(v);
                }
                if (embeddings) {
                    for (float v : p.article()) {
                        n.withArray("article_embedding").add(v);
                    }
                }
                w.write(Json.mapper().writeValueAsString(n));
                w.write('\n');
            }
            w.flush();
        });
        System.out.printf("%d pairs scored -> %s (against their labels: CMI accuracy %.4f, SC accuracy %.4f)%n",
                predictions.size(), out, (double) cmiRight / Math.max(1, chosen.size()), (double) scRight / Math.max(1, chosen.size()));
        return 0;
    }
}
