package org.infogap.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.infogap.annotate.AnnotationStore;
import org.infogap.annotate.PairIndex;
import org.infogap.data.ImageTextPair;
import org.infogap.data.Source;
import org.infogap.data.Split;
import org.infogap.io.Json;
import org.infogap.model.Classifier;
import org.infogap.model.Example;
import org.infogap.model.FeatureNorm;
import org.infogap.model.ImageEncoder;
import org.infogap.model.Feeds;
import org.infogap.model.InceptionV3;
import org.infogap.model.ModelBundle;
import org.infogap.model.ModelConfig;
import org.infogap.testing.TestImages;
import org.infogap.text.Vocabulary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The scoring API on a random port, serving a tiny classifier trained here, through Vert.x's WebClient. */
@ExtendWith(VertxExtension.class)
class ApiServerTest {

    static final String TOKEN = "s3cret";

    @TempDir
    Path dir;
    Vertx vertx;
    ApiServer server;
    WebClient client;
    int port;
    Path model;
    String red;
    String blue;

    /** A classifier with the generated preset's image encoder at 75 px, trained a few steps on made-up pairs. */
    static Path tinyModel(Path dir) throws Exception {
        ModelConfig c = ModelConfig.generated().with(Map.of("imageSize", "75", "imageDim", "8", "sentenceDim", "8",
                "textDim", "8", "articleDim", "16", "wordDim", "6", "classifierHidden", "8", "optimizer", "sgd"));
        Vocabulary.Builder vb = Vocabulary.builder();
        vb.add(List.of("a", "red", "blue", "circle", "square", "on", "the", "left", "right", "."));
        Vocabulary vocabulary = vb.build(1);
        INDArray vectors = Nd4j.rand(DataType.FLOAT, vocabulary.size(), 6).subi(0.5);
        Classifier cl = Classifier.create(c, vectors);
        Random r = new Random(1);
        List<Example> batch = new ArrayList<>();
        // the preset's match head reads the mixed5 grid: at 75 px, 3 x 3 cells after the pooled features
        int length = c.imageFeatures() + ImageEncoder.gridCells(75) * InceptionV3.GRID_CHANNELS;
        for (int i = 0; i < 8; i++) {
            float[] f = new float[length];
            f[i] = 1;
            batch.add(new Example("p" + i, f, List.of(new int[] {2 + i % 5, 3, 4}), null, i % 5, (i * 2) % 5));
        }
        for (int i = 0; i < 5; i++) {
            cl.trainStep(Feeds.classifier(batch, cl, r), 0.1);
        }
        Path file = dir.resolve("classifier.zip");
        new ModelBundle(ModelBundle.CLASSIFIER, c, vocabulary, vectors, FeatureNorm.identity(length),
                "inception_v3-75-random-42-pool_" + c.image().layer() + "-" + c.matchHead().grid(),
                Json.mapper().createObjectNode().put("epoch", 1), cl.parameters()).save(file);
        return file;
    }

    ServeConfig config() {
        return new ServeConfig(0, TOKEN, false, 2_000_000, 5, 1000, 300_000, 4_000_000, 20_000, 64, 16, 2, dir.resolve("store"), dir);
    }

    ApiServer newServer() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<ImageTextPair> corpus = List.of(new ImageTextPair(Source.BBC, "bbc001", dir.resolve("bbc001.jpg"),
                List.of("A red circle."), "", Split.TRAIN));
        ApiServer s = new ApiServer(vertx, config(), registry, AnnotationStore.open(dir.resolve("a.db")),
                new PairIndex(corpus.stream(), dir), null, dir.resolve("features"));
        port = s.start().await();
        return s;
    }

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        this.vertx = vertx;
        model = tinyModel(dir);
        red = Base64.getEncoder().encodeToString(Files.readAllBytes(TestImages.jpeg(dir.resolve("red.jpg"), 90, 80)));
        blue = Base64.getEncoder().encodeToString(Files.readAllBytes(TestImages.png(dir.resolve("blue.png"), 100, 100)));
        server = newServer();
        client = WebClient.create(vertx);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close().await();
        }
    }

    HttpResponse<Buffer> post(String path, Object body, boolean token) {
        var request = client.post(port, "localhost", path);
        if (token) {
            request.bearerTokenAuthentication(TOKEN);
        }
        return (body instanceof JsonObject json ? request.sendJsonObject(json) : request.sendBuffer(Buffer.buffer((String) body)))
                .await();
    }

    HttpResponse<Buffer> put(String path, JsonObject body, boolean token) {
        var request = client.put(port, "localhost", path);
        if (token) {
            request.bearerTokenAuthentication(TOKEN);
        }
        return request.sendJsonObject(body).await();
    }

    HttpResponse<Buffer> get(String path) {
        return client.get(port, "localhost", path).send().await();
    }

    JsonObject score(String text, JsonObject image) {
        HttpResponse<Buffer> r = post("/v1/score", new JsonObject().put("text", text).put("image", image), false);
        assertEquals(200, r.statusCode(), r.bodyAsString());
        return r.bodyAsJsonObject();
    }

    void assertProblem(HttpResponse<Buffer> r, int status, String field) {
        assertEquals(status, r.statusCode(), r.bodyAsString());
        assertEquals("application/problem+json", r.getHeader("content-type"));
        JsonObject p = r.bodyAsJsonObject();
        assertEquals(status, p.getInteger("status"));
        assertEquals(field, p.getString("field"), "the field at fault, in " + p);
    }

    @Test
    void readyOnlyOnceAModelIsLoadedThenScores() {
        assertEquals(200, get("/health/live").statusCode());
        assertEquals(503, get("/health/ready").statusCode());
        assertProblem(post("/v1/score", new JsonObject().put("text", "a red circle").put("image",
                new JsonObject().put("base64", red)), false), 503, null);
        server.loadModel(model).await();
        assertEquals(200, get("/health/ready").statusCode());
        JsonObject s = score("A red circle on the left.", new JsonObject().put("base64", red));
        JsonArray p = s.getJsonObject("cmi").getJsonArray("probabilities");
        assertEquals(5, p.size());
        double sum = 0;
        for (int i = 0; i < 5; i++) {
            sum += p.getDouble(i);
        }
        assertEquals(1, sum, 1e-4);
        double expected = s.getJsonObject("sc").getDouble("expected");
        assertTrue(expected >= -1 && expected <= 1);
        assertTrue(s.getString("model").startsWith("classifier.zip@"));
        assertTrue(get("/openapi.yaml").bodyAsString().contains("/v1/candidates"));
        // the contract documents a 431 for the health checks: the HTTP layer's, before any route
        assertEquals(431, client.get(port, "localhost", "/health/live").putHeader("X-Big", "x".repeat(9000)).send().await()
                .statusCode());
    }

    @Test
    void candidatesFromTheStoreAndInlineWithThresholdsAndOrder() {
        server.loadModel(model).await();
        assertEquals(201, put("/v1/images/red-1", new JsonObject().put("base64", red), true).statusCode());
        assertEquals(200, put("/v1/images/red-1", new JsonObject().put("base64", red), true).statusCode(), "replaced");
        JsonObject batch = new JsonObject().put("images", new JsonArray().add(new JsonObject().put("id", "blue-1").put("base64", blue)));
        assertEquals(200, post("/v1/images:batch", batch, true).statusCode());
        assertEquals(404, post("/v1/imagesbatch", batch, true).statusCode(), "only the literal custom method");
        JsonObject stored = score("A red circle.", new JsonObject().put("id", "red-1"));
        JsonObject inline = score("A red circle.", new JsonObject().put("base64", red));
        JsonArray inlineP = inline.getJsonObject("cmi").getJsonArray("probabilities");
        JsonArray storedP = stored.getJsonObject("cmi").getJsonArray("probabilities");
        for (int k = 0; k < 5; k++) { // the store keeps half precision: the same scores to far below a level's width
            assertEquals(inlineP.getDouble(k), storedP.getDouble(k), 1e-4, "a registered image scores as the same image inline");
        }

        JsonObject request = new JsonObject().put("text", "A red circle.").put("min_sc", 2.0 - 2.0).put("order", "request")
                .put("candidates", new JsonArray().add(new JsonObject().put("id", "a").put("image", new JsonObject().put("id", "red-1")))
                        .add(new JsonObject().put("id", "b").put("image", new JsonObject().put("id", "blue-1")))
                        .add(new JsonObject().put("id", "c").put("image", new JsonObject().put("base64", blue))));
        HttpResponse<Buffer> r = post("/v1/candidates", request, false);
        assertEquals(200, r.statusCode(), r.bodyAsString());
        JsonArray results = r.bodyAsJsonObject().getJsonArray("results");
        assertEquals(List.of("a", "b", "c"), List.of(results.getJsonObject(0).getString("id"), results.getJsonObject(1).getString("id"),
                results.getJsonObject(2).getString("id")));
        for (int i = 0; i < 3; i++) {
            JsonObject c = results.getJsonObject(i);
            assertEquals(c.getJsonObject("sc").getDouble("level") >= 0, c.getBoolean("keep"), c.encode());
        }
        JsonArray bySc = post("/v1/candidates", request.copy().put("order", "sc"), false).bodyAsJsonObject().getJsonArray("results");
        for (int i = 1; i < bySc.size(); i++) {
            assertTrue(bySc.getJsonObject(i - 1).getJsonObject("sc").getDouble("expected")
                    >= bySc.getJsonObject(i).getJsonObject("sc").getDouble("expected"));
        }
        assertEquals("red-1", get("/v1/images/red-1").bodyAsJsonObject().getString("id"));
        assertEquals(204, client.delete(port, "localhost", "/v1/images/red-1").bearerTokenAuthentication(TOKEN).send().await().statusCode());
        assertProblem(get("/v1/images/red-1"), 404, "id");
    }

    @Test
    void everyRefusalIsAProblemDocumentNamingTheField() {
        server.loadModel(model).await();
        assertProblem(post("/v1/score", "{not json", false), 400, "body");
        assertProblem(post("/v1/score", new JsonObject().put("text", "x"), false), 400, "image");
        assertProblem(post("/v1/score", new JsonObject().put("text", "x").put("image", new JsonObject().put("base64", "aGVsbG8=")), false),
                422, "image.base64");
        assertProblem(post("/v1/score", new JsonObject().put("text", "x").put("image", new JsonObject().put("base64", "!!!")), false),
                422, "image.base64");
        assertProblem(post("/v1/score", new JsonObject().put("text", "x").put("image", new JsonObject().put("id", "nope")), false),
                404, "image.id");
        assertProblem(post("/v1/score", new JsonObject().put("text", "x".repeat(1001)).put("image", new JsonObject().put("id", "nope")), false),
                413, "text");
        JsonArray many = new JsonArray();
        for (int i = 0; i < 6; i++) {
            many.add(new JsonObject().put("id", "c" + i).put("image", new JsonObject().put("id", "x")));
        }
        assertProblem(post("/v1/candidates", new JsonObject().put("text", "x").put("candidates", many), false), 413, "candidates");
        assertProblem(post("/v1/score", new JsonObject().put("text", "x").put("image", new JsonObject().put("base64", "A".repeat(2_100_000))),
                false), 413, "body");
        assertProblem(put("/v1/images/img1", new JsonObject().put("base64", red), false), 401, "Authorization");
        assertProblem(post("/admin/reload", new JsonObject().put("model", dir.resolve("missing.zip").toString()), true), 422, "model");
        assertEquals(200, get("/health/ready").statusCode(), "a refused reload leaves the old model serving");
    }

    /** The OpenAPI validator's own refusals, translated: each names the field and what was wrong with it. */
    @Test
    void contractRefusalsNameTheFieldAndTheRule() {
        server.loadModel(model).await();
        JsonObject ok = new JsonObject().put("id", "red-1");
        Map<String, HttpResponse<Buffer>> cases = new java.util.LinkedHashMap<>();
        cases.put("body", post("/v1/score", "{not json", false));
        cases.put("text", post("/v1/score", new JsonObject().put("text", 7).put("image", ok), false));
        cases.put("text ", post("/v1/score", new JsonObject().put("text", "").put("image", ok), false));
        cases.put("image", post("/v1/score", new JsonObject().put("text", "x"), false));
        cases.put("min_sc", post("/v1/candidates", new JsonObject().put("text", "x").put("min_sc", 7)
                .put("candidates", new JsonArray().add(new JsonObject().put("id", "a").put("image", ok))), false));
        cases.put("candidates[1].image.id", post("/v1/candidates", new JsonObject().put("text", "x")
                .put("candidates", new JsonArray().add(new JsonObject().put("id", "a").put("image", ok))
                        .add(new JsonObject().put("id", "b").put("image", new JsonObject().put("id", "../etc")))), false));
        cases.put("id", put("/v1/images/..%2Fx", new JsonObject().put("base64", red), true));
        cases.put("images[0].id", post("/v1/images:batch", new JsonObject().put("images", new JsonArray()
                .add(new JsonObject().put("id", "a b").put("base64", red))), true));
        Map<String, String> rules = Map.of("body", "body: not a JSON document", "text", "text: Instance type number is invalid",
                "text ", "text: String is too short", "image", "image: required", "min_sc", "min_sc: 7 is greater than 1",
                "candidates[1].image.id", "candidates[1].image.id: must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$",
                "id", "id: must match ^[A-Za-z0-9]", "images[0].id", "images[0].id: must match ^[A-Za-z0-9]");
        cases.forEach((field, r) -> {
            assertProblem(r, 400, field.strip());
            String detail = r.bodyAsJsonObject().getString("detail");
            assertTrue(detail.startsWith(rules.get(field)), field + ": " + detail);
        });
    }

    /** Reload takes bundles from under the model folder only; outside it, not even a link in it, opens the file. */
    @Test
    void aReloadOutsideTheModelFolderIs403AndOpensNothing() throws Exception {
        server.loadModel(model).await();
        Path outside = Files.createTempDirectory("outside-models");
        try {
            // a FIFO: opening it for reading would block until a writer comes, so an answer at all shows it was not opened
            Path fifo = outside.resolve("bundle.zip");
            assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
            Path link = dir.resolve("link.zip");
            Files.createSymbolicLink(link, fifo);
            for (String path : List.of(fifo.toString(), link.toString(), dir.resolve("../" + outside.getFileName() + "/bundle.zip").toString(),
                    "/etc/passwd")) {
                HttpResponse<Buffer> r = client.post(port, "localhost", "/admin/reload").timeout(10_000)
                        .bearerTokenAuthentication(TOKEN).sendJsonObject(new JsonObject().put("model", path)).await();
                assertProblem(r, 403, "model");
            }
            assertEquals(200, get("/health/ready").statusCode(), "the old model keeps serving");
            HttpResponse<Buffer> inside = post("/admin/reload", new JsonObject().put("model", model.toString()), true);
            assertEquals(200, inside.statusCode(), inside.bodyAsString());
        } finally {
            try (var files = Files.list(outside)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(outside);
        }
    }

    @Test
    void registeredImagesSurviveARestart() throws Exception {
        server.loadModel(model).await();
        assertEquals(201, put("/v1/images/keep-me", new JsonObject().put("base64", blue), true).statusCode());
        JsonObject before = score("A blue square.", new JsonObject().put("id", "keep-me"));
        server.close().await();
        server = newServer();
        server.loadModel(model).await();
        assertEquals(100, get("/v1/images/keep-me").bodyAsJsonObject().getInteger("width"));
        assertEquals(before.getJsonObject("sc"), score("A blue square.", new JsonObject().put("id", "keep-me")).getJsonObject("sc"));
    }

    @Test
    void parallelClientsGetTheScoresOfSequentialCalls() {
        server.loadModel(model).await();
        put("/v1/images/r", new JsonObject().put("base64", red), true);
        List<String> texts = List.of("A red circle.", "A blue square on the right.", "The left.", "Red. Blue. Circle.");
        List<JsonObject> sequential = new ArrayList<>();
        for (String t : texts) {
            sequential.add(score(t, new JsonObject().put("id", "r")));
        }
        List<Future<HttpResponse<Buffer>>> parallel = new ArrayList<>();
        for (int round = 0; round < 8; round++) {
            for (String t : texts) {
                parallel.add(client.post(port, "localhost", "/v1/score").sendJsonObject(new JsonObject().put("text", t)
                        .put("image", new JsonObject().put("id", "r"))));
            }
        }
        Future.all(parallel).await();
        for (int i = 0; i < parallel.size(); i++) {
            JsonObject got = parallel.get(i).result().bodyAsJsonObject();
            JsonObject want = sequential.get(i % texts.size());
            JsonArray a = got.getJsonObject("cmi").getJsonArray("probabilities");
            JsonArray b = want.getJsonObject("cmi").getJsonArray("probabilities");
            for (int l = 0; l < 5; l++) {
                assertEquals(b.getDouble(l), a.getDouble(l), 1e-5);
            }
        }
        String metrics = get("/metrics").bodyAsString();
        assertTrue(metrics.contains("infogap_batch_size"), metrics.substring(0, Math.min(500, metrics.length())));
        assertTrue(metrics.contains("infogap_queue_depth"));
    }

    @Test
    void annotationsImportThroughTheStoreCode() {
        server.loadModel(model).await();
        String body = "{\"name\": \"bbc001\", \"mi\": 0.5, \"sc\": 1.0, \"train\": true}\n"
                + "{\"name\": \"bbc999\", \"mi\": 0.5, \"sc\": 1.0, \"train\": true}\n";
        assertProblem(post("/v1/annotations", body, false), 401, "Authorization");
        HttpResponse<Buffer> r = client.post(port, "localhost", "/v1/annotations").addQueryParam("cmi_scale", "fractions")
                .addQueryParam("sc_scale", "fractions").bearerTokenAuthentication(TOKEN).sendBuffer(Buffer.buffer(body)).await();
        assertEquals(200, r.statusCode(), r.bodyAsString());
        JsonObject counts = r.bodyAsJsonObject();
        assertEquals(1, counts.getInteger("imported"));
        assertEquals(1, counts.getInteger("rejected"));
        assertTrue(counts.getJsonArray("rejections").getJsonObject(0).getString("reason").contains("unknown pair"));
        JsonObject again = client.post(port, "localhost", "/v1/annotations").addQueryParam("cmi_scale", "fractions")
                .addQueryParam("sc_scale", "fractions").bearerTokenAuthentication(TOKEN).sendBuffer(Buffer.buffer(body)).await()
                .bodyAsJsonObject();
        assertTrue(again.getBoolean("already_imported"));
        assertFalse(again.getInteger("imported") > 0);
    }

    /** The load test's machinery, for one second per scenario (its figures are the bench's business, not a test's). */
    @Test
    void theBenchRunsEveryScenarioWithoutFailures() throws Exception {
        List<Path> images = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            images.add(TestImages.jpeg(dir.resolve("bench" + i + ".jpg"), 60 + i, 50));
        }
        ApiBench.Run run = ApiBench.run(model, images, 1, List.of(1, 2), 2, dir.resolve("bench-store"), null,
                dir.resolve("bench-features"));
        List<ApiBench.Result> results = run.scenarios();
        assertTrue(run.predictPairsPerSecond() > 0 && run.ratio() > 0, "predict's pairs/s and the ratio: " + run);
        assertEquals(6, results.size(), "three scenarios at each of two concurrency levels");
        assertEquals(List.of(1, 1, 1, 2, 2, 2), results.stream().map(ApiBench.Result::concurrency).toList());
        for (ApiBench.Result r : results) {
            assertTrue(r.requests() > 0, r.toString());
            assertEquals(0, r.failures(), r.toString());
            assertTrue(r.p99Millis() >= r.p50Millis());
        }
        assertTrue(ApiBench.table(results).contains("registered, 20 candidates"));
    }

    @Test
    void aReloadUnderLoadFailsNoRequest() {
        server.loadModel(model).await();
        put("/v1/images/r", new JsonObject().put("base64", red), true);
        List<Future<HttpResponse<Buffer>>> requests = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            requests.add(client.post(port, "localhost", "/v1/score").sendJsonObject(new JsonObject().put("text", "A red circle " + i)
                    .put("image", new JsonObject().put("id", "r"))));
            if (i == 10) {
                requests.add(client.post(port, "localhost", "/admin/reload").bearerTokenAuthentication(TOKEN)
                        .sendJsonObject(new JsonObject().put("model", model.toString())));
            }
        }
        Future.all(requests).await();
        for (Future<HttpResponse<Buffer>> r : requests) {
            assertEquals(200, r.result().statusCode(), r.result().bodyAsString());
        }
    }

    @Test
    void aFullQueueAnswers503WithRetryAfter() throws Exception {
        server.close().await();
        ServeConfig tight = new ServeConfig(0, TOKEN, false, 2_000_000, 5, 1000, 300_000, 4_000_000, 20_000, 1, 1, 1, dir.resolve("store"), dir);
        server = new ApiServer(vertx, tight, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null, null, null, dir.resolve("features"));
        port = server.start().await();
        server.loadModel(model).await();
        put("/v1/images/r", new JsonObject().put("base64", red), true);
        JsonArray candidates = new JsonArray();
        for (int i = 0; i < 5; i++) {
            candidates.add(new JsonObject().put("id", "c" + i).put("image", new JsonObject().put("id", "r")));
        }
        List<Future<HttpResponse<Buffer>>> requests = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            requests.add(client.post(port, "localhost", "/v1/candidates").sendJsonObject(new JsonObject()
                    .put("text", "A red circle.").put("candidates", candidates)));
        }
        Future.join(requests).await();
        long refused = requests.stream().filter(r -> r.result().statusCode() == 503).count();
        long served = requests.stream().filter(r -> r.result().statusCode() == 200).count();
        assertEquals(60, refused + served);
        assertTrue(refused > 0, "a queue of one request must overflow under 60 at once");
        HttpResponse<Buffer> one = requests.stream().map(Future::result).filter(r -> r.statusCode() == 503).findFirst().orElseThrow();
        assertEquals("1", one.getHeader("Retry-After"));
        assertEquals("application/problem+json", one.getHeader("content-type"));
    }
}
