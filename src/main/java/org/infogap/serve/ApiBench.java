package org.infogap.serve;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load test of the scoring API on loopback: the server and a Vert.x WebClient load generator in one
 * process (as wrk on the same machine would share its cores), a few hundred registered images, then
 * for a fixed time per scenario and per concurrency level, that many clients sending request after
 * request. Prints requests/s, candidate pairs/s, p50/p99 latency per scenario and the peak resident
 * memory.
 *
 * <p>Several concurrency levels, because with one scoring worker latency is set by how many pairs are
 * waiting (Little's law: 16 clients with 20 candidates each keep 320 pairs in the queue), so a single
 * level cannot show both the throughput ceiling and the latency at a load that stays under it.
 */
public final class ApiBench {

    /** One scenario's figures. */
    public record Result(String scenario, int concurrency, int candidates, long requests, long failures, double seconds,
                         double requestsPerSecond, double pairsPerSecond, double p50Millis, double p99Millis) {
    }

    /**
     * The scenarios, and the figure that travels between machines: the classifier's own pairs/s on the top-20's pairs
     * (one {@code predict} call per 20, as a request gives them, same process, same model, after the scenarios), which
     * the API's pairs/s at its highest concurrency is divided by.
     */
    public record Run(List<Result> scenarios, double predictPairsPerSecond) {
        /** API pairs/s of the top-20 at the highest concurrency over predict's; NaN without that scenario. */
        public double ratio() {
            return scenarios.stream().filter(r -> r.candidates() == 20)
                    .max(java.util.Comparator.comparingInt(Result::concurrency))
                    .map(r -> r.pairsPerSecond() / predictPairsPerSecond).orElse(Double.NaN);
        }
    }

    static final String TEXT = "A red circle on the left. The blue square at the bottom has a blue colour. "
            + "The government spent more on farming last year.";

    private ApiBench() {
    }

    /**
     * @param inceptionWeights the Keras weights the model was trained with, or null (random encoder)
     * @param featureCache     folder of cached image features
     */
    public static Run run(Path model, List<Path> images, int seconds, List<Integer> concurrencies, int workers,
                          Path store, Path inceptionWeights, Path featureCache) throws Exception {
        int concurrency = concurrencies.stream().mapToInt(Integer::intValue).max().orElseThrow();
        try (Harness h = Harness.start(model, images, workers, concurrency * 2, store, inceptionWeights, featureCache)) {
            List<Result> results = new ArrayList<>();
            // warm-up: JIT and the first batches
            scenario(h, "warm-up", h.request(20, false), 20, 3, concurrency);
            for (int c : concurrencies) {
                results.add(scenario(h, "registered, 1 candidate", h.request(1, false), 1, seconds, c));
                results.add(scenario(h, "registered, 20 candidates", h.request(20, false), 20, seconds, c));
                results.add(scenario(h, "inline image, 1 candidate", h.request(1, true), 1, seconds, c));
            }
            List<String> top20 = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                top20.add(h.ids().get((i * 7) % h.ids().size())); // the scenario's candidates
            }
            return new Run(results, predictPairsPerSecond(h.server(), top20, seconds));
        }
    }

    /** A server on loopback with the images registered, and a client with {@code connections} connections. */
    record Harness(Vertx vertx, ApiServer server, WebClient client, int port, List<String> ids, String inline)
            implements AutoCloseable {

        static Harness start(Path model, List<Path> images, int workers, int connections, Path store, Path inceptionWeights,
                             Path featureCache) throws Exception {
            Vertx vertx = Vertx.vertx();
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            ServeConfig config = new ServeConfig(0, "bench", false, ServeConfig.DEFAULT_MAX_BODY, ServeConfig.DEFAULT_MAX_CANDIDATES,
                    ServeConfig.DEFAULT_MAX_TEXT, ServeConfig.DEFAULT_MAX_IMAGE_BYTES, ServeConfig.DEFAULT_MAX_PIXELS,
                    ServeConfig.DEFAULT_TIMEOUT_MS, ServeConfig.DEFAULT_QUEUE, ServeConfig.DEFAULT_MAX_BATCH, workers, store,
                    model.toAbsolutePath().getParent());
            ApiServer server = new ApiServer(vertx, config, registry, null, null, inceptionWeights, featureCache);
            int port = server.start().await();
            server.loadModel(model).await();
            WebClient client = WebClient.create(vertx, new WebClientOptions(),
                    new io.vertx.core.http.PoolOptions().setHttp1MaxSize(connections));
            List<String> ids = register(client, port, images);
            return new Harness(vertx, server, client, port, ids, Base64.getEncoder().encodeToString(Files.readAllBytes(images.get(0))));
        }

        /** A /v1/candidates body: {@code n} registered candidates, or the first image inline. */
        JsonObject request(int n, boolean inlineImage) {
            return ApiBench.request(TEXT, ids, n, inlineImage ? inline : null);
        }

        @Override
        public void close() {
            server.close().await();
            vertx.close().await();
        }
    }

    /** The model's pairs/s on the top-20's examples, one predict call per 20, for {@code seconds}. */
    private static double predictPairsPerSecond(ApiServer server, List<String> ids, int seconds) {
        List<org.infogap.model.Example> examples = server.examplesFor(TEXT, ids).await();
        org.infogap.model.Predictor predictor = server.engine().model().predictor(0);
        for (int i = 0; i < 3; i++) {
            predictor.predict(examples);
        }
        long pairs = 0;
        long t0 = System.nanoTime();
        long end = t0 + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            pairs += predictor.predict(examples).size();
        }
        return pairs / ((System.nanoTime() - t0) / 1e9);
    }

    /** "Intel Xeon ...; avx512f, avx2, fma; native build onednn-avx512", printed above the figures. */
    public static String machine() {
        org.infogap.model.NativeBuild.Choice c = org.infogap.model.NativeBuild.chosen();
        return org.infogap.model.NativeBuild.cpuSummary(org.infogap.model.NativeBuild.cpuinfo()) + "; "
                + Runtime.getRuntime().availableProcessors() + " cores; native build " + (c == null ? "not selected" : c.build().id());
    }

    private static List<String> register(WebClient client, int port, List<Path> images) throws IOException {
        List<String> ids = new ArrayList<>();
        for (int from = 0; from < images.size(); from += 50) {
            JsonArray batch = new JsonArray();
            for (Path p : images.subList(from, Math.min(images.size(), from + 50))) {
                String id = "img" + ids.size();
                ids.add(id);
                batch.add(new JsonObject().put("id", id).put("base64", Base64.getEncoder().encodeToString(Files.readAllBytes(p))));
            }
            var r = client.post(port, "localhost", "/v1/images:batch").bearerTokenAuthentication("bench")
                    .sendJsonObject(new JsonObject().put("images", batch)).await();
            if (r.statusCode() != 200) {
                throw new IllegalStateException("registration failed: " + r.bodyAsString());
            }
        }
        return ids;
    }

    private static JsonObject request(String text, List<String> ids, int n, String inline) {
        JsonArray candidates = new JsonArray();
        for (int i = 0; i < n; i++) {
            JsonObject image = inline != null ? new JsonObject().put("base64", inline)
                    : new JsonObject().put("id", ids.get((i * 7) % ids.size()));
            candidates.add(new JsonObject().put("id", "c" + i).put("image", image));
        }
        return new JsonObject().put("text", text).put("candidates", candidates).put("min_sc", 0.0);
    }

    static Result scenario(Harness h, String name, JsonObject body, int candidates, int seconds, int concurrency) {
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger failures = new AtomicInteger();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long t0 = System.nanoTime();
        List<Future<Void>> loops = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            Promise<Void> done = Promise.promise();
            loop(h.client(), h.port(), body, end, latencies, failures, done);
            loops.add(done.future());
        }
        Future.all(loops).await();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        long n = sorted.size();
        return new Result(name, concurrency, candidates, n, failures.get(), elapsed, n / elapsed, n * candidates / elapsed,
                percentile(sorted, 0.5), percentile(sorted, 0.99));
    }

    private static void loop(WebClient client, int port, JsonObject body, long end, ConcurrentLinkedQueue<Double> latencies,
                             AtomicInteger failures, Promise<Void> done) {
        if (System.nanoTime() >= end) {
            done.complete();
            return;
        }
        long start = System.nanoTime();
        client.post(port, "localhost", "/v1/candidates").sendJsonObject(body).onComplete(ar -> {
            if (ar.succeeded() && ar.result().statusCode() == 200) {
                latencies.add((System.nanoTime() - start) / 1e6);
            } else {
                failures.incrementAndGet();
            }
            loop(client, port, body, end, latencies, failures, done);
        });
    }

    /** The {@code q} quantile of sorted values (nearest rank), NaN for none. */
    static double percentile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    /** Peak resident set size of this process in MiB (Linux), or NaN. */
    public static double peakRssMiB() {
        return status("VmHWM:");
    }

    /** Resident set size of this process now, MiB (Linux), or NaN. */
    static double rssMiB() {
        return status("VmRSS:");
    }

    private static double status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    public static String table(List<Result> results) {
        StringBuilder s = new StringBuilder("| scenario | clients | requests | failures | req/s | candidate pairs/s | p50 ms | p99 ms |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            s.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.1f | %.1f | %.1f | %.1f |%n", r.scenario(), r.concurrency(), r.requests(),
                    r.failures(), r.requestsPerSecond(), r.pairsPerSecond(), r.p50Millis(), r.p99Millis()));
        }
        return s.toString();
    }
}
