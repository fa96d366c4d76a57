package org.infogap.labelling;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CSRFHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.sstore.LocalSessionStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.infogap.annotate.AnnotationStore;
import org.infogap.data.CmiLevel;
import org.infogap.data.ImageTextPair;
import org.infogap.data.ScLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The labelling page and its JSON endpoints, as a Vert.x router to mount under a prefix ({@code /annotate}).
 *
 * <ul>
 *   <li>Static assets (HTML, CSS, one ES module) come from the jar; a strict Content-Security-Policy allows nothing
 *       but this origin's own files: no inline script, no other origin.</li>
 *   <li>An annotator signs in with their token; the session cookie is HttpOnly and SameSite=Strict. Every write
 *       also carries the CSRF token (Vert.x's {@link CSRFHandler}: a cookie the page reads, sent back in a header).</li>
 *   <li>Images are served by the pair's place in the list given at start, never from a path in the request.</li>
 *   <li>Labels go to the {@link AnnotationStore}, one transaction each, under the annotator's name.</li>
 * </ul>
 */
public final class LabellingPage {

    private static final Logger LOG = LoggerFactory.getLogger(LabellingPage.class);

    /** The annotation tools' image types (the paper: photograph, map, chart, etc.). */
    public static final List<String> IMAGE_TYPES = List.of("Photograph", "Illustration", "Chart", "Map", "Diagram", "Other");
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    static final String SESSION_COOKIE = "infogap-annotate";
    static final String CSRF_COOKIE = "infogap-xsrf";
    private static final int MAX_SNIPPETS = 50;
    private static final int MAX_SNIPPET_CHARS = 1000;
    private static final Duration RATE_WINDOW = Duration.ofMinutes(30);

    /**
     * One pair of the page, in queue order.
     *
     * @param reference the label of the file under review, or null
     */
    public record Item(ImageTextPair pair, AnnotationStore.PageLabel reference) {
    }

    private final Vertx vertx;
    private final AnnotationStore store;
    private final List<Item> queue;
    private final Map<String, Integer> positionByKey = new HashMap<>();
    private final Annotators annotators;
    private final String mount;
    private final String order;

    /**
     * @param queue the pairs in the order they are offered
     * @param order how the queue was ordered, shown to the annotator
     * @param mount the path the router is mounted under, e.g. {@code /annotate} (the cookies' path)
     */
    public LabellingPage(Vertx vertx, AnnotationStore store, List<Item> queue, Annotators annotators, String order,
                         String mount) {
        this.vertx = vertx;
        this.store = store;
        this.queue = List.copyOf(queue);
        this.annotators = annotators;
        this.order = order;
        this.mount = mount;
        for (int i = 0; i < this.queue.size(); i++) {
            if (positionByKey.putIfAbsent(this.queue.get(i).pair().key(), i) != null) {
                throw new IllegalArgumentException("pair " + this.queue.get(i).pair().key() + " is in the list twice");
            }
        }
    }

    public int size() {
        return queue.size();
    }

    /** The pairs' keys in the order they are offered. */
    public List<String> queueKeys() {
        return queue.stream().map(i -> i.pair().key()).toList();
    }

    /** The router to mount under {@code mount}: {@code router.route(mount + "/*").subRouter(page.router())}. */
    public Router router() {
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            ctx.response().putHeader("Content-Security-Policy", CSP).putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer").putHeader("X-Frame-Options", "DENY")
                    .putHeader("Cross-Origin-Opener-Policy", "same-origin")
                    .putHeader("Cross-Origin-Resource-Policy", "same-origin");
            ctx.next();
        });
        router.route("/api/*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
        router.route("/api/*").handler(SessionHandler.create(LocalSessionStore.create(vertx))
                .setSessionCookieName(SESSION_COOKIE).setSessionCookiePath(mount).setCookieHttpOnlyFlag(true)
                .setCookieSameSite(CookieSameSite.STRICT).setSessionTimeout(Duration.ofHours(12).toMillis()));
        router.route("/api/*").handler(CSRFHandler.create(vertx, Annotators.newToken()).setCookieName(CSRF_COOKIE)
                .setCookiePath(mount).setNagHttps(false));
        router.route("/api/*").handler(ctx -> {
            ctx.response().putHeader("Cache-Control", "no-store");
            ctx.next();
        });
        router.get("/api/session").handler(ctx -> ctx.json(new JsonObject().put("annotator", annotator(ctx))
                .put("pairs", queue.size())));
        router.post("/api/session").handler(this::signIn);
        router.post("/api/session/end").handler(ctx -> {
            ctx.session().destroy();
            ctx.json(new JsonObject().put("annotator", (String) null));
        });
        router.route("/api/*").handler(this::signedIn);
        router.get("/api/pairs/:index/image").handler(this::image);
        router.get("/api/next").handler(ctx -> blocking(ctx, () -> next(ctx)));
        router.post("/api/labels").handler(ctx -> blocking(ctx, () -> label(ctx)));
        router.post("/api/skip").handler(this::skip);
        router.post("/api/undo").handler(ctx -> blocking(ctx, () -> undo(ctx)));
        router.route("/api/*").handler(ctx -> problem(ctx, 404, "not-found", "no such endpoint: "
                + ctx.request().method() + " " + ctx.request().path(), null));
        // the page itself: only this folder of the jar, no listing, no files outside it
        router.route("/*").handler(StaticHandler.create("annotate").setIndexPage("index.html")
                .setDefaultContentEncoding("UTF-8").setCachingEnabled(false).setDirectoryListing(false));
        router.route().failureHandler(this::failure);
        return router;
    }

    private static String annotator(RoutingContext ctx) {
        Session s = ctx.session();
        return s == null ? null : s.get("annotator");
    }

    private void signIn(RoutingContext ctx) {
        JsonObject body = body(ctx);
        if (body == null) {
            return;
        }
        Optional<String> name = annotators.signIn(body.getValue("token") instanceof String t ? t : null);
        if (name.isEmpty()) {
            problem(ctx, 401, "unauthorised", "unknown token", "token");
            return;
        }
        // a session id known before the sign-in is worth nothing after it; that voids the CSRF token too, and the
        // page's next GET (it always asks for the next pair) brings a fresh one
        ctx.session().regenerateId();
        ctx.session().put("annotator", name.get());
        LOG.info("annotator {} signed in", name.get());
        ctx.json(new JsonObject().put("annotator", name.get()));
    }

    private void signedIn(RoutingContext ctx) {
        if (annotator(ctx) == null) {
            problem(ctx, 401, "unauthorised", "sign in with your annotator token first", null);
        } else {
            ctx.next();
        }
    }

    private void image(RoutingContext ctx) {
        int index;
        try {
            index = Integer.parseInt(ctx.pathParam("index"));
        } catch (NumberFormatException e) {
            problem(ctx, 404, "not-found", "no pair at '" + ctx.pathParam("index") + "'", "index");
            return;
        }
        if (index < 0 || index >= queue.size()) {
            problem(ctx, 404, "not-found", "no pair at " + index + " (the list has " + queue.size() + ")", "index");
            return;
        }
        Path file = queue.get(index).pair().imagePath();
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String type = name.endsWith(".png") ? "image/png" : name.endsWith(".gif") ? "image/gif"
                : name.endsWith(".webp") ? "image/webp" : name.endsWith(".bmp") ? "image/bmp" : "image/jpeg";
        vertx.fileSystem().exists(file.toString()).onComplete(exists -> {
            if (exists.succeeded() && exists.result()) {
                ctx.response().putHeader("Content-Type", type).putHeader("Cache-Control", "private, max-age=3600")
                        .sendFile(file.toString());
            } else {
                problem(ctx, 404, "not-found", "the image of pair " + index + " is missing on the server", "index");
            }
        });
    }

    /** The first pair of the view the annotator has not labelled (queue) or not looked at this session (disagreements). */
    private JsonObject next(RoutingContext ctx) throws IOException {
        String who = annotator(ctx);
        String view = ctx.request().getParam("view", "queue");
        Set<String> passed = passed(ctx);
        Map<String, AnnotationStore.PageLabel> mine = store.latestLabels(who);
        JsonObject out = new JsonObject();
        if ("disagreements".equals(view)) {
            Map<String, Map<String, AnnotationStore.Label>> disagreements = disagreements();
            Item found = firstOf(i -> disagreements.containsKey(i.pair().key()), passed);
            JsonObject progress = progress(who, mine).put("disagreements", disagreements.size());
            return out.put("pair", found == null ? null : pairJson(found, mine.get(found.pair().key()),
                    disagreements.get(found.pair().key()))).put("progress", progress);
        }
        if (!"queue".equals(view)) {
            throw new Problem(400, "bad-request", "view must be queue or disagreements, got '" + view + "'", "view");
        }
        Item found = firstOf(i -> !mine.containsKey(i.pair().key()), passed);
        return out.put("pair", found == null ? null : pairJson(found, null, null)).put("progress", progress(who, mine));
    }

    /** The first item that passes, not yet passed over in this session; else the first passed over (skips come round). */
    private Item firstOf(java.util.function.Predicate<Item> wanted, Set<String> passed) {
        Item again = null;
        for (Item i : queue) {
            if (wanted.test(i)) {
                if (!passed.contains(i.pair().key())) {
                    return i;
                }
                again = again == null ? i : again;
            }
        }
        if (again != null) {
            passed.clear();
        }
        return again;
    }

    /** Pairs of the list whose annotators' latest valid labels differ on CMI or SC, each with those labels. */
    private Map<String, Map<String, AnnotationStore.Label>> disagreements() throws IOException {
        Map<String, Map<String, AnnotationStore.Label>> latest = new LinkedHashMap<>();
        for (AnnotationStore.Label l : store.labels()) {
            if (l.valid() && positionByKey.containsKey(l.pair().key())) {
                latest.computeIfAbsent(l.pair().key(), k -> new LinkedHashMap<>()).put(l.annotator(), l);
            }
        }
        latest.values().removeIf(byAnnotator -> byAnnotator.values().stream().map(l -> l.cmi() + "/" + l.sc())
                .distinct().count() < 2);
        return latest;
    }

    private JsonObject progress(String who, Map<String, AnnotationStore.PageLabel> mine) throws IOException {
        int done = (int) mine.keySet().stream().filter(positionByKey::containsKey).count();
        Instant now = Instant.now();
        List<Instant> recent = store.pageLabelTimes(who, now.minus(RATE_WINDOW));
        double perHour = 0;
        if (recent.size() >= 2) {
            double seconds = Math.max(60, Duration.between(recent.get(0), now).toMillis() / 1000.0);
            perHour = recent.size() / seconds * 3600;
        }
        int left = queue.size() - done;
        return new JsonObject().put("done", done).put("total", queue.size()).put("left", left)
                .put("per_hour", perHour).put("eta_seconds", perHour > 0 ? left / perHour * 3600 : null)
                .put("order", order);
    }

    private JsonObject pairJson(Item item, AnnotationStore.PageLabel mine, Map<String, AnnotationStore.Label> others) {
        ImageTextPair p = item.pair();
        int position = positionByKey.get(p.key());
        JsonObject j = new JsonObject().put("key", p.key()).put("position", position).put("split", p.split().label())
                .put("sentences", new JsonArray(new ArrayList<>(p.sentences()))).put("caption", p.caption())
                .put("image", "api/pairs/" + position + "/image")
                .put("reference", item.reference() == null ? null : labelJson(item.reference().cmi(), item.reference().sc(),
                        item.reference().imageType(), item.reference().snippets()))
                .put("mine", mine == null ? null : labelJson(mine.cmi(), mine.sc(), mine.imageType(), mine.snippets()));
        if (others != null) {
            JsonArray a = new JsonArray();
            others.forEach((annotator, l) -> a.add(labelJson(l.cmi(), l.sc(), l.imageType(), l.snippets())
                    .put("annotator", annotator.isEmpty() ? "(unnamed)" : annotator)));
            j.put("others", a);
        }
        return j;
    }

    private static JsonObject labelJson(CmiLevel cmi, ScLevel sc, String type, List<String> snippets) {
        return new JsonObject().put("cmi", cmi.value()).put("sc", sc.value()).put("type", type)
                .put("snippets", new JsonArray(new ArrayList<>(snippets)));
    }

    private JsonObject label(RoutingContext ctx) throws IOException {
        JsonObject body = ctx.body().asJsonObject();
        Item item = item(body);
        CmiLevel cmi;
        ScLevel sc;
        try {
            cmi = CmiLevel.ofValue(number(body, "cmi"));
        } catch (IllegalArgumentException e) {
            throw new Problem(422, "invalid-label", e.getMessage(), "cmi");
        }
        try {
            sc = ScLevel.ofValue(number(body, "sc"));
        } catch (IllegalArgumentException e) {
            throw new Problem(422, "invalid-label", e.getMessage(), "sc");
        }
        Object typeValue = body.getValue("type", "");
        if (!(typeValue instanceof String type) || !(type.isEmpty() || IMAGE_TYPES.contains(type))) {
            throw new Problem(422, "invalid-label", "type must be one of " + IMAGE_TYPES + " or empty", "type");
        }
        List<String> snippets = snippets(body, String.join(" ", item.pair().sentences()));
        String who = annotator(ctx);
        store.label(item.pair(), who, cmi, sc, type, snippets);
        passed(ctx).add(item.pair().key());
        return new JsonObject().put("stored", item.pair().key());
    }

    private Item item(JsonObject body) {
        Object key = body.getValue("pair");
        Integer position = key instanceof String k ? positionByKey.get(k) : null;
        if (position == null) {
            throw new Problem(422, "unknown-pair", "pair must be the key of a pair on this page, got " + key, "pair");
        }
        return queue.get(position);
    }

    private static double number(JsonObject body, String field) {
        if (!(body.getValue(field) instanceof Number n)) {
            throw new IllegalArgumentException(field + " must be a number, got " + body.getValue(field));
        }
        return n.doubleValue();
    }

    /** The marked snippets: strings that occur in the text, as the tools stored them. */
    private static List<String> snippets(JsonObject body, String text) {
        Object value = body.getValue("snippets", new JsonArray());
        if (!(value instanceof JsonArray array) || array.size() > MAX_SNIPPETS) {
            throw new Problem(422, "invalid-label", "snippets must be an array of at most " + MAX_SNIPPETS + " strings",
                    "snippets");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.getValue(i) instanceof String s) || s.isBlank() || s.length() > MAX_SNIPPET_CHARS
                    || !text.contains(s)) {
                throw new Problem(422, "invalid-label", "a snippet must be a part of the pair's text of at most "
                        + MAX_SNIPPET_CHARS + " characters", "snippets[" + i + "]");
            }
            out.add(s);
        }
        return out;
    }

    private void skip(RoutingContext ctx) {
        JsonObject body = body(ctx);
        if (body == null) {
            return;
        }
        try {
            passed(ctx).add(item(body).pair().key());
            ctx.json(new JsonObject().put("skipped", body.getString("pair")));
        } catch (Problem p) {
            problem(ctx, p.status, p.type, p.getMessage(), p.field);
        }
    }

    private JsonObject undo(RoutingContext ctx) throws IOException {
        String who = annotator(ctx);
        Optional<String> undone = store.undoLast(who);
        JsonObject out = new JsonObject().put("undone", undone.orElse(null));
        Map<String, AnnotationStore.PageLabel> mine = store.latestLabels(who);
        if (undone.isPresent() && positionByKey.containsKey(undone.get())) {
            passed(ctx).remove(undone.get());
            Item item = queue.get(positionByKey.get(undone.get()));
            out.put("pair", pairJson(item, mine.get(undone.get()), null));
        }
        return out.put("progress", progress(who, mine));
    }

    /** The pairs this session saved or skipped (a set kept in the session). */
    private static Set<String> passed(RoutingContext ctx) {
        Set<String> passed = ctx.session().get("passed");
        if (passed == null) {
            passed = java.util.Collections.synchronizedSet(new HashSet<>());
            ctx.session().put("passed", passed);
        }
        return passed;
    }

    private static JsonObject body(RoutingContext ctx) {
        try {
            JsonObject body = ctx.body().asJsonObject();
            if (body == null) {
                problem(ctx, 400, "bad-request", "the body must be a JSON object", "body");
            }
            return body;
        } catch (RuntimeException e) {
            problem(ctx, 400, "bad-request", "the body is not JSON: " + e.getMessage(), "body");
            return null;
        }
    }

    /** Runs store work off the event loop and answers with its JSON, or the problem it raised. */
    private void blocking(RoutingContext ctx, Callable<JsonObject> work) {
        Future<JsonObject> f = vertx.executeBlocking(() -> {
            if (ctx.request().method().name().equals("POST") && ctx.body().asJsonObject() == null) {
                throw new Problem(400, "bad-request", "the body must be a JSON object", "body");
            }
            return work.call();
        }, false);
        f.onSuccess(ctx::json).onFailure(e -> {
            if (e instanceof Problem p) {
                problem(ctx, p.status, p.type, p.getMessage(), p.field);
            } else if (e instanceof io.vertx.core.json.DecodeException) {
                problem(ctx, 400, "bad-request", "the body is not JSON: " + e.getMessage(), "body");
            } else {
                LOG.error("labelling page: {} {} failed", ctx.request().method(), ctx.request().path(), e);
                problem(ctx, 500, "internal", "the request failed on the server: " + e.getMessage(), null);
            }
        });
    }

    private void failure(RoutingContext ctx) {
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        // CSRFHandler refuses a write without a matching token with 403
        problem(ctx, status, status == 403 ? "forbidden" : "failed", status == 403
                ? "the request lacks this page's CSRF token; reload the page" : "the request failed", null);
    }

    /** The API's RFC 9457 problem; the page shows its detail, which serves as the title too. */
    static void problem(RoutingContext ctx, int status, String type, String detail, String field) {
        org.infogap.serve.ApiServer.problem(ctx, status, type, detail, detail, field);
    }

    /** A refusal raised inside a handler. */
    static final class Problem extends RuntimeException {
        final int status;
        final String type;
        final String field;

        Problem(int status, String type, String detail, String field) {
            super(detail);
            this.status = status;
            this.type = type;
            this.field = field;
        }
    }
}
