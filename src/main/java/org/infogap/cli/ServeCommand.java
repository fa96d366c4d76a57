package org.infogap.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.infogap.annotate.AnnotationStore;
import org.infogap.annotate.PairIndex;
import org.infogap.data.CorpusManifest;
import org.infogap.data.ReadOptions;
import org.infogap.serve.ApiServer;
import org.infogap.serve.ServeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Starts the scoring API (Vert.x): POST /v1/score, /v1/candidates, image registration, annotation import, "
            + "health, Prometheus metrics; the contract is served at /openapi.yaml.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "models/classifier/best.zip", description = "Classifier bundle. Default: ${DEFAULT-VALUE}")
    Path model;

    @Option(names = "--port", defaultValue = "" + ServeConfig.DEFAULT_PORT, description = "Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--token", defaultValue = "${env:INFOGAP_TOKEN}",
            description = "Bearer token for write endpoints (default: the INFOGAP_TOKEN environment variable; none: no writes).")
    String token;

    @Option(names = "--protect-reads", description = "Require the token for scoring and reading too.")
    boolean protectReads;

    @Option(names = "--max-body-bytes", defaultValue = "" + ServeConfig.DEFAULT_MAX_BODY, description = "Default: ${DEFAULT-VALUE}")
    long maxBody;

    @Option(names = "--max-candidates", defaultValue = "" + ServeConfig.DEFAULT_MAX_CANDIDATES, description = "Default: ${DEFAULT-VALUE}")
    int maxCandidates;

    @Option(names = "--max-text-chars", defaultValue = "" + ServeConfig.DEFAULT_MAX_TEXT, description = "Default: ${DEFAULT-VALUE}")
    int maxText;

    @Option(names = "--max-image-bytes", defaultValue = "" + ServeConfig.DEFAULT_MAX_IMAGE_BYTES, description = "Default: ${DEFAULT-VALUE}")
    int maxImageBytes;

    @Option(names = "--max-pixels", defaultValue = "" + ServeConfig.DEFAULT_MAX_PIXELS, description = "Default: ${DEFAULT-VALUE}")
    long maxPixels;

    @Option(names = "--timeout-ms", defaultValue = "" + ServeConfig.DEFAULT_TIMEOUT_MS, description = "Default: ${DEFAULT-VALUE}")
    long timeout;

    @Option(names = "--queue", defaultValue = "" + ServeConfig.DEFAULT_QUEUE,
            description = "Pairs waiting for inference before 503 (about a second of work). Default: ${DEFAULT-VALUE}")
    int queue;

    @Option(names = "--max-batch", defaultValue = "" + ServeConfig.DEFAULT_MAX_BATCH, description = "Default: ${DEFAULT-VALUE}")
    int maxBatch;

    @Option(names = "--workers", defaultValue = "" + ServeConfig.DEFAULT_WORKERS,
            description = "Scoring threads, each with its own copy of the classifier graph. Default: ${DEFAULT-VALUE} (0: one per core)")
    int workers;

    @Option(names = "--models", defaultValue = ServeConfig.DEFAULT_MODELS,
            description = "The only folder POST /admin/reload takes bundles from. Default: ${DEFAULT-VALUE}")
    Path models;

    @Option(names = "--store", defaultValue = "models/serve-store", description = "Registered images. Default: ${DEFAULT-VALUE}")
    Path store;

    @Option(names = "--annotations", defaultValue = "annotations/annotations.db", description = "Annotation store. Default: ${DEFAULT-VALUE}")
    Path annotations;

    @Option(names = "--corpus", defaultValue = "datasets/default/corpus.json",
            description = "Corpus that imported annotations are matched against (none: annotation import off). Default: ${DEFAULT-VALUE}")
    Path corpus;

    @picocli.CommandLine.Mixin
    FeatureOptions features;

    @Option(names = "--annotate-token", paramLabel = "NAME=TOKEN", description = "Serve the labelling page under "
            + "/annotate for this annotator (repeatable); off without one. Labels go to --annotations.")
    java.util.List<String> annotateTokens = new java.util.ArrayList<>();

    @picocli.CommandLine.Mixin
    LabellingOptions labelling;

    @Override
    public Integer call() throws Exception {
        ServeConfig config = new ServeConfig(port, token == null || token.isBlank() ? null : token, protectReads, maxBody,
                maxCandidates, maxText, maxImageBytes, maxPixels, timeout, queue, maxBatch, workers, store, models);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Vertx vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
                .withMetrics(new MicrometerMetricsFactory(registry)).build();
        PairIndex index = Files.isRegularFile(corpus)
                ? new PairIndex(CorpusManifest.read(corpus).pairs(ReadOptions.strict()), corpus.toAbsolutePath().getParent())
                : null;
        ApiServer server = new ApiServer(vertx, config, registry, index == null ? null : AnnotationStore.open(annotations),
                index, features.weightsFor(model), features.featureCache);
        if (!annotateTokens.isEmpty()) {
            org.infogap.labelling.LabellingPage page = labelling.page(vertx, AnnotationStore.open(annotations),
                    org.infogap.labelling.Annotators.parse(annotateTokens), AnnotateCommand.MOUNT, features);
            server.mount(AnnotateCommand.MOUNT, page.router());
            System.out.printf("labelling page: %d pairs under %s/ (labels into %s)%n", page.size(), AnnotateCommand.MOUNT,
                    annotations);
        }
        int actual = server.start().await();
        server.loadModel(model).await();
        System.out.printf("infogap serving %s on http://localhost:%d (contract: /openapi.yaml)%n", model, actual);
        System.out.printf("try: curl -s -X POST localhost:%d/v1/score -H 'content-type: application/json' "
                + "-d \"{\\\"text\\\": \\\"A red circle on the left.\\\", \\\"image\\\": {\\\"base64\\\": \\\"$(base64 -w0 "
                + "datasets/default/coco/images/$(ls datasets/default/coco/images | head -1))\\\"}}\"%n", actual);
        new CountDownLatch(1).await(); // serve until the process is stopped
        return 0;
    }
}
