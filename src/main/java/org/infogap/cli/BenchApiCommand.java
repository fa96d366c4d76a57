package org.infogap.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.infogap.io.AtomicFiles;
import org.infogap.io.Json;
import org.infogap.serve.ApiBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "api", mixinStandardHelpOptions = true,
        description = "Load test of the scoring API on loopback: registers images, then drives /v1/candidates with "
            + "1 and 20 registered candidates and 1 inline image at each concurrency level; prints pairs/s, p50/p99 latency and peak RSS.")
final class BenchApiCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "models/classifier/best.zip", description = "Default: ${DEFAULT-VALUE}")
    Path model;

    @Option(names = "--images", defaultValue = "datasets/default/bbc/train", description = "Folder of JPEG/PNG images. Default: ${DEFAULT-VALUE}")
    Path images;

    @Option(names = "--count", defaultValue = "300", description = "Images to register. Default: ${DEFAULT-VALUE}")
    int count;

    @Option(names = "--seconds", defaultValue = "10", description = "Per scenario. Default: ${DEFAULT-VALUE}")
    int seconds;

    @Option(names = "--concurrency", defaultValue = "1,2,4,8,16", split = ",",
            description = "Clients at once; each level runs every scenario. Default: ${DEFAULT-VALUE}")
    List<Integer> concurrency;

    @Option(names = "--workers", defaultValue = "" + org.infogap.serve.ServeConfig.DEFAULT_WORKERS,
            description = "Scoring threads of the server. Default: ${DEFAULT-VALUE} (0: one per core)")
    int workers;

    @picocli.CommandLine.Mixin
    FeatureOptions features;

    @Option(names = "--out", defaultValue = "models/bench-api.json", description = "Figures as JSON. Default: ${DEFAULT-VALUE}")
    Path out;

    @Option(names = "--soak", defaultValue = "0", paramLabel = "SECONDS",
            description = "Instead of the scenarios: a soak of SECONDS at twice the saturating load, a mix with 10%% malformed "
                + "requests; passes with no 5xx but 503 and resident memory within 1.2x of the first minute's (exit 1 otherwise). "
                + "Figures in models/bench-api-soak.json")
    int soak;

    @Override
    public Integer call() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(images)) {
            files = s.filter(p -> p.toString().matches("(?i).*\\.(jpe?g|png)$")).sorted().limit(count).toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(images + ": no JPEG or PNG images");
        }
        Path store = Files.createTempDirectory("infogap-bench-store");
        if (soak > 0) {
            System.out.println(ApiBench.machine() + "; " + workers + " scoring worker(s)");
            org.infogap.serve.ApiSoak.Report report = org.infogap.serve.ApiSoak.run(model, files, soak, workers, store,
                    features.weightsFor(model), features.featureCache);
            System.out.println(ApiBench.machine() + "; " + workers + " scoring worker(s)");
            System.out.print(org.infogap.serve.ApiSoak.table(report));
            var json = Json.mapper().createObjectNode().put("machine", ApiBench.machine()).put("workers", workers);
            json.set("soak", Json.mapper().valueToTree(report));
            AtomicFiles.writeString(out.resolveSibling("bench-api-soak.json"),
                    Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
            return report.passed() ? 0 : 1;
        }
        System.out.println(ApiBench.machine() + "; " + workers + " scoring worker(s)");
        ApiBench.Run run = ApiBench.run(model, files, seconds, concurrency, workers, store,
                features.weightsFor(model), features.featureCache);
        List<ApiBench.Result> results = run.scenarios();
        double rss = ApiBench.peakRssMiB();
        System.out.println(ApiBench.machine() + "; " + workers + " scoring worker(s)"); // again, above the table
        System.out.print(ApiBench.table(results));
        System.out.printf(Locale.ROOT, "predict on the top-20's pairs in this process: %.1f pairs/s; API top-20 at %d clients / predict: %.2f%n",
                run.predictPairsPerSecond(), concurrency.stream().mapToInt(Integer::intValue).max().orElse(0), run.ratio());
        System.out.printf(Locale.ROOT, "%d images registered, %s clients, %d s per scenario, %d cores; peak RSS %.0f MiB%n",
                files.size(), concurrency, seconds, Runtime.getRuntime().availableProcessors(), rss);
        var json = Json.mapper().createObjectNode().put("machine", ApiBench.machine()).put("workers", workers)
                .put("images", files.size()).put("seconds", seconds).put("cores", Runtime.getRuntime().availableProcessors())
                .put("peak_rss_mib", rss).put("predict_pairs_per_s", run.predictPairsPerSecond()).put("api_over_predict", run.ratio());
        json.set("concurrency", Json.mapper().valueToTree(concurrency));
        json.set("scenarios", Json.mapper().valueToTree(results));
        AtomicFiles.writeString(out, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
        return 0;
    }
}
