package org.infogap.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.infogap.annotate.AnnotationFileReader;
import org.infogap.annotate.AnnotationFormat;
import org.infogap.annotate.AnnotationStore;
import org.infogap.annotate.CmiScale;
import org.infogap.annotate.PairIndex;
import org.infogap.annotate.ScScale;
import org.infogap.data.BadInputException;
import org.infogap.data.ImageLoader;
import org.infogap.model.Example;
import org.infogap.model.Predictor;
import org.infogap.text.SentenceSplitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API: routes and request validation come from {@code openapi.yaml} (Vert.x OpenAPI router);
 * handlers turn requests into examples on worker threads (image decoding and InceptionV3 never run on
 * the event loop), hand them to the {@link ScoringEngine}, and answer JSON, or RFC 9457 problem
 * documents naming the field at fault.
 */
public final class ApiServer {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    static final String CONTRACT = "openapi.yaml";
    static final String BATCH_PATH = "/v1/images:batch";
    private static final String MODEL = "infogap.model";
    /**
     * Seconds between collections while pairs are being scored ({@code -Dinfogap.serve.gcSeconds=N}, 0: never). ND4J
     * frees an array's native memory only when its small Java object is collected, which a large old generation
     * postpones while native garbage piles up (docs/decisions/2026-11-30-training-memory.md): in a 3-minute soak
     * without it, the resident size rose by 0.5-0.9 GiB a minute. With {@code -XX:+ExplicitGCInvokesConcurrent}
     * (the Makefile's serving options) the collection runs beside the requests.
     */
    static final int GC_SECONDS = Integer.getInteger("infogap.serve.gcSeconds", 10);
    /** Images in one InceptionV3 pass: batch 16 costs about as much per image as larger ones (docs/performance.md). */
    static final int IMAGES_PER_PASS = 16;

    private final Vertx vertx;
    private final ServeConfig config;
    private final ScoringEngine engine;
    private final PrometheusMeterRegistry registry;
    private final AnnotationStore annotations;
    private final PairIndex pairIndex;
    private final Path inceptionWeights;
    private final Path featureCache;
    private final SentenceSplitter splitter = new SentenceSplitter();
    private final Counter storeHits;
    private final Counter inlineImages;
    private final Counter pairsScored;
    private volatile ImageStore images;
    private volatile String imageEncoderId;
    private HttpServer server;
    private final EncodingEngine encoding;
    private final io.vertx.core.WorkerExecutor imagePool;
    private final java.util.concurrent.atomic.AtomicInteger inlineInFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile OpenAPIContract contract;
    /** Pages mounted beside the API (the labelling page under /annotate), by path prefix. */
    private final java.util.Map<String, Router> pages = new java.util.LinkedHashMap<>();
    private volatile long gcTimer = -1;

    /**
     * @param annotations store for {@code POST /v1/annotations}, with {@code pairIndex} the corpus its
     *                    labels are matched against; both null turns the endpoint off (503)
     */
    public ApiServer(Vertx vertx, ServeConfig config, PrometheusMeterRegistry registry, AnnotationStore annotations,
                     PairIndex pairIndex, Path inceptionWeights, Path featureCache) {
        this.vertx = vertx;
        this.config = config;
        this.registry = registry;
        this.annotations = annotations;
        this.pairIndex = pairIndex;
        this.inceptionWeights = inceptionWeights;
        this.featureCache = featureCache;
        this.engine = new ScoringEngine(config.queueCapacity(), config.maxBatch(), config.workers());
        // images waiting: 4 passes, a second or two of InceptionV3 on 2 cores
        this.encoding = new EncodingEngine(4 * IMAGES_PER_PASS, IMAGES_PER_PASS);
        // decoding on its own bounded pool, not Vert.x's shared workers, which prepare the registered-image requests
        this.imagePool = vertx.createSharedWorkerExecutor("infogap-images", Math.max(1, Runtime.getRuntime().availableProcessors()));
        DistributionSummary batchSizes = DistributionSummary.builder("infogap_batch_size")
                .description("pairs scored per forward pass").register(registry);
        engine.onBatch(batchSizes::record);
        Gauge.builder("infogap_queue_depth", engine, ScoringEngine::queued).description("pairs waiting for inference")
                .register(registry);
        DistributionSummary imageBatches = DistributionSummary.builder("infogap_image_batch_size")
                .description("images encoded per InceptionV3 pass").register(registry);
        encoding.onBatch(imageBatches::record);
        Gauge.builder("infogap_image_queue_depth", encoding, EncodingEngine::queued)
                .description("images waiting for InceptionV3").register(registry);
        storeHits = Counter.builder("infogap_registered_image_hits").description("candidates scored from the image store")
                .register(registry);
        inlineImages = Counter.builder("infogap_inline_images").description("images decoded and encoded per request")
                .register(registry);
        pairsScored = Counter.builder("infogap_pairs_scored").register(registry);
    }

    public ScoringEngine engine() {
        return engine;
    }

    /** Serves {@code page} under {@code prefix} (e.g. the labelling page under /annotate); call before {@link #start}. */
    public ApiServer mount(String prefix, Router page) {
        pages.put(prefix, page);
        return this;
    }

    /** Starts listening; scoring answers 503 until {@link #loadModel} succeeds. */
    public Future<Integer> start() {
        return OpenAPIContract.from(vertx, CONTRACT).compose(contract -> {
            this.contract = contract;
            RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
            builder.rootHandler(BodyHandler.create().setBodyLimit(config.maxBodyBytes()));
            builder.getRoute("importAnnotations").setDoValidation(false); // NDJSON body, read by the annotation reader
            // the contract declares the bearer scheme for clients; tokens are checked by auth/authWrite below
            builder.getRoutes().forEach(r -> r.setDoSecurity(false));
            builder.getRoute("score").addHandler(this::auth).addHandler(this::scoring).addHandler(this::score);
            builder.getRoute("candidates").addHandler(this::auth).addHandler(this::scoring).addHandler(this::candidates);
            builder.getRoute("putImage").addHandler(this::authWrite).addHandler(this::putImage);
            // Vert.x reads the ":batch" of "/v1/images:batch" as a path parameter, so the route also matches
            // "/v1/imagesX"; only the literal custom method (AIP-136 style) gets through
            builder.getRoute("putImages").addHandler(ctx -> {
                if (ctx.request().path().equals(BATCH_PATH)) {
                    ctx.next();
                } else {
                    notFound(ctx);
                }
            }).addHandler(this::authWrite).addHandler(this::putImages);
            builder.getRoute("getImage").addHandler(this::auth).addHandler(this::getImage);
            builder.getRoute("deleteImage").addHandler(this::authWrite).addHandler(this::deleteImage);
            builder.getRoute("importAnnotations").addHandler(this::authWrite).addHandler(this::importAnnotations);
            builder.getRoute("reload").addHandler(this::authWrite).addHandler(this::reload);
            builder.getRoute("live").addHandler(ctx -> ctx.json(new JsonObject().put("status", "live")));
            builder.getRoute("ready").addHandler(this::ready);
            Router router = builder.createRouter();
            router.get("/openapi.yaml").handler(this::contract);
            router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
            pages.forEach((prefix, page) -> router.route(prefix + "/*").subRouter(page));
            router.route().failureHandler(this::failure);
            router.route().last().handler(ApiServer::notFound);
            if (GC_SECONDS > 0) {
                double[] scoredAtLastGc = {0};
                gcTimer = vertx.setPeriodic(GC_SECONDS * 1000L, id -> {
                    if (pairsScored.count() > scoredAtLastGc[0]) {
                        scoredAtLastGc[0] = pairsScored.count();
                        vertx.executeBlocking(() -> {
                            System.gc();
                            return null;
                        }, false);
                    }
                });
            }
            return vertx.createHttpServer().requestHandler(router).listen(config.port());
        }).map(s -> {
            server = s;
            LOG.info("listening on port {}", s.actualPort());
            return s.actualPort();
        });
    }

    private static void notFound(RoutingContext ctx) {
        problem(ctx, 404, "not-found", "Not found", "no such endpoint: " + ctx.request().method() + " " + ctx.request().path(),
                null);
    }

    /** Loads a bundle on a worker thread; the model serving now keeps serving until the new one is ready. */
    public Future<ServingModel> loadModel(Path bundle) {
        return vertx.executeBlocking(() -> {
            ServingModel m = ServingModel.load(bundle, inceptionWeights, featureCache, config.workers());
            String encoder = m.bundle().imageEncoderId();
            if (imageEncoderId != null && !imageEncoderId.equals(encoder)) {
                throw new IllegalArgumentException("the new model's image features come from " + encoder + ", the "
                        + "registered images' from " + imageEncoderId + "; serve it with a fresh image store");
            }
            if (images == null) {
                images = ImageStore.open(config.store(), encoder, m.examples().encoder().featureLength());
                imageEncoderId = encoder;
            }
            engine.setModel(m);
            return m;
        }, false);
    }

    public Future<Void> close() {
        if (gcTimer >= 0) {
            vertx.cancelTimer(gcTimer);
        }
        engine.close();
        encoding.close();
        imagePool.close();
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.andThen(done -> {
            if (images != null) {
                try {
                    images.close();
                } catch (IOException e) {
                    LOG.warn("closing the image store: {}", e.getMessage());
                }
            }
        });
    }

    // ---- handlers

    private void score(RoutingContext ctx) {
        ServingModel m = ctx.get(MODEL);
        JsonObject body = ctx.body().asJsonObject();
        examples(m, body.getString("text"), List.of("request"), List.of(body.getJsonObject("image")), List.of("image"))
                .onSuccess(examples -> infer(ctx, m, examples, predictions -> ctx.json(scored(m, predictions.get(0)))))
                .onFailure(e -> error(ctx, e));
    }

    private void candidates(RoutingContext ctx) {
        ServingModel m = ctx.get(MODEL);
        JsonObject body = ctx.body().asJsonObject();
        String text = body.getString("text");
        JsonArray candidates = body.getJsonArray("candidates");
        if (candidates.size() > config.maxCandidates()) {
            problem(ctx, 413, "too-many-candidates", "Too many candidates", candidates.size() + " candidates, at most "
                    + config.maxCandidates() + " per request", "candidates");
            return;
        }
        Double minCmi = body.getDouble("min_cmi");
        Double minSc = body.getDouble("min_sc");
        String order = body.getString("order", "request");
        List<String> keys = new ArrayList<>();
        List<JsonObject> refs = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            keys.add(candidates.getJsonObject(i).getString("id"));
            refs.add(candidates.getJsonObject(i).getJsonObject("image"));
            fields.add("candidates[" + i + "].image");
        }
        examples(m, text, keys, refs, fields).onSuccess(examples -> infer(ctx, m, examples, predictions -> {
            List<JsonObject> results = new ArrayList<>();
            for (Predictor.Prediction p : predictions) {
                boolean keep = (minCmi == null || p.cmi().value() >= minCmi) && (minSc == null || p.sc().value() >= minSc);
                results.add(scored(m, p).put("id", p.key()).put("keep", keep));
            }
            if (!order.equals("request")) {
                String measure = order;
                results.sort(Comparator.comparingDouble((JsonObject r) -> r.getJsonObject(measure).getDouble("expected"))
                        .reversed());
            }
            results.forEach(r -> r.remove("model"));
            ctx.json(new JsonObject().put("model", m.id()).put("results", new JsonArray(new ArrayList<>(results))));
        })).onFailure(e -> error(ctx, e));
    }

    private void putImage(RoutingContext ctx) {
        if (images == null) {
            notReady(ctx);
            return;
        }
        String id = ctx.pathParam("id");
        String base64 = ctx.body().asJsonObject().getString("base64");
        vertx.executeBlocking(() -> register(id, base64, "base64"), false).onSuccess(r -> ctx.response()
                .setStatusCode(r.getBoolean("created") ? 201 : 200).putHeader("content-type", "application/json")
                .end(r.encode())).onFailure(e -> error(ctx, e));
    }

    private void putImages(RoutingContext ctx) {
        if (images == null) {
            notReady(ctx);
            return;
        }
        JsonArray list = ctx.body().asJsonObject().getJsonArray("images");
        vertx.executeBlocking(() -> {
            JsonArray results = new JsonArray();
            for (int i = 0; i < list.size(); i++) {
                JsonObject item = list.getJsonObject(i);
                results.add(register(item.getString("id"), item.getString("base64"), "images[" + i + "].base64"));
            }
            return new JsonObject().put("registered", list.size()).put("images", results);
        }, false).onSuccess(ctx::json).onFailure(e -> error(ctx, e));
    }

    private JsonObject register(String id, String base64, String field) throws IOException {
        byte[] bytes = decodeBase64(base64, field);
        String sha = org.infogap.io.Hashes.sha256(bytes);
        ServingModel m = engine.model();
        float[] features; // pooled, and the grid where the model reads it
        int[] size = new int[2];
        var cached = images.cached(sha);
        BufferedImage image = decodeImage(m, bytes, field, size);
        if (cached.isPresent()) {
            features = cached.get();
        } else {
            features = await(encode(m, List.of(image))).get(0); // a worker thread: blocking is allowed here
        }
        boolean created = images.put(id, sha, size[0], size[1], features);
        ImageStore.Entry e = images.get(id).orElseThrow();
        return json(e).put("created", created);
    }

    private void getImage(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (images == null || images.get(id).isEmpty()) {
            problem(ctx, 404, "unknown-image", "Unknown image", "no image registered as '" + id + "'", "id");
            return;
        }
        ctx.json(json(images.get(id).get()));
    }

    private void deleteImage(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        vertx.executeBlocking(() -> images != null && images.remove(id), false).onSuccess(removed -> {
            if (removed) {
                ctx.response().setStatusCode(204).end();
            } else {
                problem(ctx, 404, "unknown-image", "Unknown image", "no image registered as '" + id + "'", "id");
            }
        }).onFailure(e -> error(ctx, e));
    }

    private void importAnnotations(RoutingContext ctx) {
        if (annotations == null || pairIndex == null) {
            problem(ctx, 503, "annotations-off", "Annotation import is not configured",
                    "start the server with --annotations and --corpus", null);
            return;
        }
        byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        String format = ctx.request().getParam("format");
        String cmi = ctx.request().getParam("cmi_scale");
        String sc = ctx.request().getParam("sc_scale");
        vertx.executeBlocking(() -> {
            AnnotationFileReader reader = new AnnotationFileReader(
                    cmi == null ? null : CmiScale.valueOf(cmi.toUpperCase(Locale.ROOT)),
                    sc == null ? null : ScScale.valueOf(sc.toUpperCase(Locale.ROOT)));
            AnnotationFormat f = format == null ? null : AnnotationFormat.valueOf(format.toUpperCase(Locale.ROOT).replace('-', '_'));
            // the reader detects the format from a file name or the first line; name the body as JSONL
            AnnotationStore.ImportReport r = annotations.importFile(Path.of("request-body.jsonl"), body, reader, f,
                    pairIndex, false);
            JsonArray rejected = new JsonArray();
            r.rejected().forEach(x -> rejected.add(new JsonObject().put("line", x.line()).put("field", x.field())
                    .put("reason", x.reason())));
            return new JsonObject().put("sha256", r.sha256()).put("already_imported", r.alreadyImported())
                    .put("imported", r.imported()).put("unchanged", r.unchanged()).put("skipped", r.skipped())
                    .put("rejected", r.rejected().size()).put("rejections", rejected);
        }, false).onSuccess(ctx::json).onFailure(e -> error(ctx, e));
    }

    private void reload(RoutingContext ctx) {
        JsonObject body = ctx.body() == null || ctx.body().length() == 0 ? new JsonObject() : ctx.body().asJsonObject();
        ServingModel current = engine.model();
        String asked = body.getString("model");
        if (asked == null && current == null) {
            problem(ctx, 422, "no-model", "No model to load", "give the bundle path in 'model'", "model");
            return;
        }
        Path file;
        if (asked == null) {
            file = current.file(); // the bundle the operator started the server with
        } else {
            try {
                file = confined(Path.of(asked));
            } catch (ApiProblem p) {
                problem(ctx, p.status, p.type, p.title, p.getMessage(), p.field);
                return;
            } catch (IOException | RuntimeException e) {
                problem(ctx, 422, "bad-model", "Model refused, the previous one keeps serving", "model: " + e.getMessage(),
                        "model");
                return;
            }
        }
        loadModel(file).onSuccess(m -> ctx.json(new JsonObject().put("model", m.id())))
                .onFailure(e -> problem(ctx, 422, "bad-model", "Model refused, the previous one keeps serving",
                        e.getMessage(), "model"));
    }

    /**
     * A reload's path, if it lies under the server's model folder: as written (no {@code ..} out of it) and once
     * every link on the way is followed. Only names are resolved; the file itself is not opened here.
     */
    private Path confined(Path asked) throws IOException {
        Path root = config.models().toAbsolutePath().normalize();
        Path path = asked.toAbsolutePath().normalize(); // relative: to the working directory, as --models is
        if (!path.startsWith(root)) {
            throw new ApiProblem(403, "outside-models", "Bundle outside the model folder",
                    "model: " + asked + " is not under " + root, "model");
        }
        if (!java.nio.file.Files.exists(path)) {
            throw new java.nio.file.NoSuchFileException(asked.toString());
        }
        Path real = path.toRealPath();
        if (!real.startsWith(root.toRealPath())) {
            throw new ApiProblem(403, "outside-models", "Bundle outside the model folder",
                    "model: " + asked + " leads to " + real + ", which is not under " + root, "model");
        }
        return real;
    }

    private void ready(RoutingContext ctx) {
        ServingModel m = engine.model();
        if (m == null) {
            ctx.response().setStatusCode(503).putHeader("content-type", "application/json")
                    .end(new JsonObject().put("status", "loading").encode());
        } else {
            ctx.json(new JsonObject().put("status", "ready").put("model", m.id()));
        }
    }

    private void contract(RoutingContext ctx) {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(CONTRACT)) {
            ctx.response().putHeader("content-type", "application/yaml").end(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            ctx.fail(e);
        }
    }

    // ---- helpers

    private void auth(RoutingContext ctx) {
        if (config.protectReads() && !authorised(ctx)) {
            unauthorised(ctx);
        } else {
            ctx.next();
        }
    }

    private void authWrite(RoutingContext ctx) {
        if (!authorised(ctx)) {
            unauthorised(ctx);
        } else {
            ctx.next();
        }
    }

    private boolean authorised(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (config.token() == null || header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(header.substring(7).getBytes(StandardCharsets.UTF_8),
                config.token().getBytes(StandardCharsets.UTF_8));
    }

    private void unauthorised(RoutingContext ctx) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        problem(ctx, 401, "unauthorised", "Bearer token required", config.token() == null
                ? "this server has no token configured, so it accepts no writes" : "missing or wrong bearer token",
                "Authorization");
    }

    /** Before a scoring handler: a model must be loaded (kept for the request) and the text within limits. */
    private void scoring(RoutingContext ctx) {
        ServingModel m = engine.model();
        if (m == null) {
            notReady(ctx);
            return;
        }
        String text = ctx.body().asJsonObject().getString("text");
        if (text.length() > config.maxTextChars()) {
            problem(ctx, 413, "text-too-long", "Text too long", text.length() + " characters, at most "
                    + config.maxTextChars(), "text");
            return;
        }
        ctx.put(MODEL, m);
        ctx.next();
    }

    private List<int[]> ids(ServingModel m, String text) {
        return m.examples().ids(splitter.split(text), true);
    }

    /** What a request's images need: registered ones' features found, inline ones' bytes still to decode. */
    private record Gathered(List<int[]> ids, float[][] features, List<Integer> inlineAt) {
    }

    /**
     * A request's examples, one per image reference. The text's ids and the registered images' features come from a
     * worker thread; inline images are decoded on the image pool and encoded by the {@link EncodingEngine}, batched
     * with other requests' and registrations', so requests for registered images never wait behind them.
     */
    private Future<List<Example>> examples(ServingModel m, String text, List<String> keys, List<JsonObject> refs,
                                           List<String> fields) {
        return vertx.executeBlocking(() -> {
            float[][] out = new float[refs.size()][];
            List<Integer> inlineAt = new ArrayList<>();
            List<Integer> registeredAt = new ArrayList<>();
            for (int i = 0; i < refs.size(); i++) {
                (refs.get(i).containsKey("id") ? registeredAt : inlineAt).add(i);
            }
            List<java.util.Optional<float[]>> stored = images == null || registeredAt.isEmpty() ? List.of()
                    : images.features(registeredAt.stream().map(i -> refs.get(i).getString("id")).toList());
            for (int k = 0; k < registeredAt.size(); k++) {
                int i = registeredAt.get(k);
                float[] f = images == null ? null : stored.get(k).orElse(null);
                if (f == null) {
                    throw new ApiProblem(404, "unknown-image", "Unknown image", "no image registered as '"
                            + refs.get(i).getString("id") + "'", fields.get(i) + ".id");
                }
                storeHits.increment();
                out[i] = m.bundle().featureNorm().applyInPlace(f); // read for this request alone
            }
            return new Gathered(ids(m, text), out, inlineAt);
        }, false).compose(g -> g.inlineAt().isEmpty() ? Future.succeededFuture(g) : inline(m, g, refs, fields)).map(g -> {
            List<Example> examples = new ArrayList<>(refs.size());
            for (int i = 0; i < refs.size(); i++) {
                examples.add(new Example(keys.get(i), g.features()[i], g.ids(), null, -1, -1));
            }
            return examples;
        });
    }

    /** The examples a request of {@code text} with these registered images gives, as the handlers build them (benchmarks). */
    Future<List<Example>> examplesFor(String text, List<String> imageIds) {
        List<JsonObject> refs = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < imageIds.size(); i++) {
            refs.add(new JsonObject().put("id", imageIds.get(i)));
            fields.add("candidates[" + i + "].image");
        }
        return examples(engine.model(), text, imageIds, refs, fields);
    }

    /** The inline images of {@code g}: decoded on the image pool, encoded together, standardised. */
    private Future<Gathered> inline(ServingModel m, Gathered g, List<JsonObject> refs, List<String> fields) {
        if (inlineInFlight.incrementAndGet() > 8 * IMAGES_PER_PASS) { // decoding or waiting to be encoded
            inlineInFlight.decrementAndGet();
            return Future.failedFuture(overloaded("too many inline images waiting to be encoded"));
        }
        return imagePool.executeBlocking(() -> {
            List<BufferedImage> decoded = new ArrayList<>();
            for (int i : g.inlineAt()) {
                String field = fields.get(i) + ".base64";
                decoded.add(decodeImage(m, decodeBase64(refs.get(i).getString("base64"), field), field, new int[2]));
            }
            return decoded;
        }, false).compose(decoded -> Future.fromCompletionStage(encode(m, decoded), vertx.getOrCreateContext()))
                .map(features -> {
                    for (int k = 0; k < features.size(); k++) {
                        g.features()[g.inlineAt().get(k)] = m.bundle().featureNorm().apply(features.get(k));
                    }
                    inlineImages.increment(features.size());
                    return g;
                }).andThen(done -> inlineInFlight.decrementAndGet());
    }

    /** Features of decoded images from the encoding engine, refused at once when its queue is full. */
    private CompletableFuture<List<float[]>> encode(ServingModel m, List<BufferedImage> decoded) {
        CompletableFuture<List<float[]>> pending = encoding.submit(m.examples().encoder(), decoded);
        if (pending == null) {
            throw overloaded("the image encoding queue is full");
        }
        return pending.orTimeout(config.timeoutMillis(), TimeUnit.MILLISECONDS);
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static ApiProblem overloaded(String why) {
        return new ApiProblem(503, "overloaded", "Too many requests waiting", why + "; retry shortly", null);
    }

    private byte[] decodeBase64(String base64, String field) {
        long approx = (long) base64.length() * 3 / 4;
        if (approx > config.maxImageBytes()) {
            throw new ApiProblem(413, "image-too-large", "Image too large", "about " + approx + " bytes, at most "
                    + config.maxImageBytes(), field);
        }
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(422, "bad-base64", "Not base64", e.getMessage(), field);
        }
    }

    private BufferedImage decodeImage(ServingModel m, byte[] bytes, String field, int[] size) {
        ImageLoader loader = new ImageLoader(m.bundle().config().image().size(), config.maxPixels());
        try {
            BufferedImage full = loader.decodeBytes(bytes, Path.of(field));
            size[0] = full.getWidth();
            size[1] = full.getHeight();
            return loader.resize(full);
        } catch (BadInputException e) {
            throw new ApiProblem(422, "bad-image", "Not a usable image", e.problem(), field);
        }
    }

    private void infer(RoutingContext ctx, ServingModel m, List<Example> examples,
                       java.util.function.Consumer<List<Predictor.Prediction>> answer) {
        CompletableFuture<List<Predictor.Prediction>> pending = engine.submit(m, examples);
        if (pending == null) {
            ctx.response().putHeader("Retry-After", "1");
            problem(ctx, 503, "overloaded", "Too many requests waiting", "the scoring queue is full; retry shortly", null);
            return;
        }
        Future.fromCompletionStage(pending.orTimeout(config.timeoutMillis(), TimeUnit.MILLISECONDS), vertx.getOrCreateContext())
                .onSuccess(p -> {
                    pairsScored.increment(p.size());
                    answer.accept(p);
                })
                .onFailure(e -> error(ctx, e));
    }

    private static JsonObject scored(ServingModel m, Predictor.Prediction p) {
        return new JsonObject().put("model", m.id())
                .put("cmi", measure(p.cmi().value(), p.cmiProbabilities(), p.expectedCmi()))
                .put("sc", measure(p.sc().value(), p.scProbabilities(), p.expectedSc()));
    }

    private static JsonObject measure(double level, float[] probabilities, double expected) {
        JsonArray p = new JsonArray();
        for (float v : probabilities) {
            p.add((double) v);
        }
        return new JsonObject().put("level", level).put("probabilities", p).put("expected", expected);
    }

    private static JsonObject json(ImageStore.Entry e) {
        return new JsonObject().put("id", e.id()).put("sha256", e.sha256()).put("width", e.width())
                .put("height", e.height()).put("registered", e.registered());
    }

    private void notReady(RoutingContext ctx) {
        ctx.response().putHeader("Retry-After", "5");
        problem(ctx, 503, "not-ready", "No model loaded yet", "the model is still loading", null);
    }

    private void error(RoutingContext ctx, Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof ApiProblem p) {
            if (p.status == 503) {
                ctx.response().putHeader("Retry-After", "1");
            }
            problem(ctx, p.status, p.type, p.title, p.getMessage(), p.field);
        } else if (cause instanceof TimeoutException) {
            problem(ctx, 503, "timeout", "Timed out", "no answer within " + config.timeoutMillis() + " ms", null);
        } else if (cause instanceof BadInputException | cause instanceof IllegalArgumentException) {
            problem(ctx, 422, "bad-input", "Input refused", cause.getMessage(), null);
        } else {
            LOG.error("request failed", cause);
            problem(ctx, 500, "internal", "Internal error", String.valueOf(cause.getMessage()), null);
        }
    }

    private void failure(RoutingContext ctx) {
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        Throwable f = ctx.failure();
        Refusal refusal = Refusal.of(f, contract.getRawContract(), bodySchema(ctx));
        if (status == 413) {
            problem(ctx, 413, "body-too-large", "Request body too large", "at most " + config.maxBodyBytes() + " bytes", "body");
        } else if (refusal != null) {
            problem(ctx, 400, refusal.type(), refusal.title(), refusal.detail(), refusal.field());
        } else if (status < 500) {
            problem(ctx, status, "refused", "Request refused", f == null ? "" : String.valueOf(f.getMessage()), null);
        } else {
            LOG.error("request failed", f);
            problem(ctx, 500, "internal", "Internal error", f == null ? "" : String.valueOf(f.getMessage()), null);
        }
    }

    /** The JSON body schema of the operation a request was for; null when it has none. */
    private JsonObject bodySchema(RoutingContext ctx) {
        try {
            var operation = contract.findOperation(ctx.request().path(), ctx.request().method());
            if (operation == null || operation.getRequestBody() == null) {
                return null;
            }
            var json = operation.getRequestBody().getContent().get("application/json");
            return json == null ? null : json.getOpenAPIModel().getJsonObject("schema");
        } catch (RuntimeException e) { // a path the contract does not know: no schema to name a rule from
            return null;
        }
    }

    /** An RFC 9457 problem naming the field at fault (none when {@code field} is null); nothing once answered. */
    public static void problem(RoutingContext ctx, int status, String type, String title, String detail, String field) {
        if (ctx.response().ended()) {
            return;
        }
        JsonObject p = new JsonObject().put("type", "https://infogap.example/problems/" + type).put("title", title)
                .put("status", status).put("detail", detail);
        if (field != null) {
            p.put("field", field);
        }
        ctx.response().setStatusCode(status).putHeader("content-type", "application/problem+json").end(p.encode());
    }

    /** A refusal with its HTTP status and the field at fault. */
    static final class ApiProblem extends RuntimeException {
        final int status;
        final String type;
        final String title;
        final String field;

        ApiProblem(int status, String type, String title, String detail, String field) {
            super(detail);
            this.status = status;
            this.type = type;
            this.title = title;
            this.field = field;
        }
    }
}
