package org.infogap.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.infogap.eval.RetrievalReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "retrieval", mixinStandardHelpOptions = true,
        description = "The retrieval-filtering report: Recall@K and NDCG@K of candidate lists before and after dropping "
            + "candidates below SC or CMI thresholds; writes OUT/retrieval.html, retrieval.md, plots/ and retrieval.json.")
final class RetrievalReportCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "models/classifier/best.zip", description = "Classifier bundle. Default: ${DEFAULT-VALUE}")
    Path model;

    @Option(names = "--candidates", description = "Candidate lists (JSONL: {\"query\", \"text\", \"candidates\": [{\"id\", \"image\", "
            + "\"relevance\"}]}). Without it, lists are generated from the default corpus's labelled test pairs.")
    Path candidates;

    @Option(names = "--labelled", defaultValue = "datasets/default/labelled.jsonl", description = "For generated lists. Default: ${DEFAULT-VALUE}")
    Path labelled;

    @Option(names = "--composition", defaultValue = "datasets/default/labels/composition.jsonl",
            description = "Ground truth of the generated corpus, for generated lists. Default: ${DEFAULT-VALUE}")
    Path composition;

    @Option(names = "--per-query", defaultValue = "20", description = "Candidates per generated query. Default: ${DEFAULT-VALUE}")
    int perQuery;

    @Option(names = "--seed", defaultValue = "42", description = "Default: ${DEFAULT-VALUE}")
    long seed;

    @picocli.CommandLine.Mixin
    FeatureOptions features;

    @Option(names = "--out", defaultValue = "models/report", description = "Report folder. Default: ${DEFAULT-VALUE}")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<RetrievalReport.Query> queries = candidates != null ? RetrievalReport.read(candidates)
                : RetrievalReport.generate(labelled, composition, seed, perQuery);
        String source = candidates != null ? candidates.toString() : "generated from " + labelled + " (test split)";
        var results = RetrievalReport.run(model, queries, features.weightsFor(model), features.featureCache, out, source);
        System.out.printf("%d queries -> %s%n", results.path("provenance").path("queries").asInt(), out.resolve("retrieval.html"));
        return 0;
    }
}
