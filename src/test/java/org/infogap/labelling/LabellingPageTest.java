package org.infogap.labelling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.infogap.annotate.AnnotationStore;
import org.infogap.annotate.Agreement;
import org.infogap.data.CmiLevel;
import org.infogap.data.ScLevel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The labelling page's endpoints over HTTP, with a cookie jar as a browser keeps one. */
class LabellingPageTest {

    @TempDir
    Path dir;
    PageFixture fixture;

    /** A browser's view: cookies kept, the CSRF cookie sent back in the header on writes (as app.js does). */
    final class Browser {
        final CookieManager cookies = new CookieManager();
        final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).build();

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(fixture.url() + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, String body, boolean withCsrf) throws IOException, InterruptedException {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(fixture.url() + path))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
            if (withCsrf) {
                r.header("X-XSRF-TOKEN", cookies.getCookieStore().getCookies().stream()
                        .filter(c -> c.getName().equals(LabellingPage.CSRF_COOKIE)).map(HttpCookie::getValue)
                        .findFirst().orElse(""));
            }
            return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        }

        Browser signIn(String token) throws IOException, InterruptedException {
            assertEquals(200, get("api/session").statusCode());
            HttpResponse<String> r = post("api/session", new JsonObject().put("token", token).encode(), true);
            assertEquals(200, r.statusCode(), r.body());
            // the sign-in gave the session a new id, so its CSRF token is void; the page's next GET brings a new one
            assertEquals(403, post("api/undo", "{}", true).statusCode());
            assertEquals(200, get("api/session").statusCode());
            return this;
        }

        JsonObject next(String view) throws IOException, InterruptedException {
            HttpResponse<String> r = get("api/next?view=" + view);
            assertEquals(200, r.statusCode(), r.body());
            return new JsonObject(r.body());
        }

        HttpResponse<String> label(String pair, double cmi, double sc) throws IOException, InterruptedException {
            return post("api/labels", new JsonObject().put("pair", pair).put("cmi", cmi).put("sc", sc)
                    .put("type", "Photograph").encode(), true);
        }
    }

    @BeforeEach
    void start() throws IOException {
        fixture = new PageFixture(dir, 8);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private static void assertProblem(HttpResponse<String> r, int status, String field) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals(field, new JsonObject(r.body()).getString("field"), r.body());
    }

    @Test
    void thePageAndItsScriptComeFromTheJarUnderAStrictContentSecurityPolicy() throws Exception {
        Browser b = new Browser();
        HttpResponse<String> page = b.get("");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script type=\"module\" src=\"app.js\"></script>"));
        assertTrue(!page.body().matches("(?s).*<script>.*") && !page.body().contains("onclick"), "no inline script");
        assertEquals(LabellingPage.CSP, page.headers().firstValue("Content-Security-Policy").orElse(""));
        assertTrue(LabellingPage.CSP.contains("script-src 'self'") && !LabellingPage.CSP.contains("unsafe"));
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
        HttpResponse<String> script = b.get("app.js");
        assertEquals(200, script.statusCode());
        assertTrue(script.headers().firstValue("Content-Type").orElse("").contains("javascript"));
        assertTrue(!script.body().contains("innerHTML"), "text is set as text, never parsed as HTML");
        assertEquals(404, b.get("../pom.xml").statusCode());
    }

    @Test
    void writesNeedTheTokenAndTheCsrfToken() throws Exception {
        Browser stranger = new Browser();
        stranger.get("api/session");
        assertProblem(stranger.post("api/session", "{\"token\": \"guess-guess-guess\"}", true), 401, "token");
        assertProblem(stranger.label("bbc:bbc001", 0.5, 1), 401, null);

        Browser alice = new Browser().signIn(PageFixture.ALICE);
        String first = alice.next("queue").getJsonObject("pair").getString("key");
        HttpResponse<String> forged = alice.post("api/labels", new JsonObject().put("pair", first).put("cmi", 1)
                .put("sc", 1).encode(), false); // a cross-site form: the cookie goes along, the header cannot
        assertEquals(403, forged.statusCode(), forged.body());
        assertTrue(fixture.store.labels().isEmpty());
        assertEquals(200, alice.label(first, 0.5, 1).statusCode());
        assertEquals(List.of("alice"), fixture.store.labels().stream().map(AnnotationStore.Label::annotator).toList());
    }

    @Test
    void badLabelsAreRefusedNamingTheirField() throws Exception {
        Browser alice = new Browser().signIn(PageFixture.ALICE);
        alice.get("api/next?view=queue");
        assertProblem(alice.label("bbc:nope", 0.5, 1), 422, "pair");
        assertProblem(alice.label("bbc:bbc001", 0.3, 1), 422, "cmi");
        assertProblem(alice.label("bbc:bbc001", 0.5, 2), 422, "sc");
        assertProblem(alice.post("api/labels", new JsonObject().put("pair", "bbc:bbc001").put("cmi", 0.5).put("sc", 1)
                .put("type", "Selfie").encode(), true), 422, "type");
        assertProblem(alice.post("api/labels", new JsonObject().put("pair", "bbc:bbc001").put("cmi", 0.5).put("sc", 1)
                .put("snippets", List.of("blue circle", "not in the text")).encode(), true), 422, "snippets[1]");
        assertProblem(alice.post("api/labels", "{not json", true), 400, "body");
        assertProblem(alice.get("api/next?view=everything"), 400, "view");
        assertTrue(fixture.store.labels().isEmpty());
    }

    @Test
    void imagesAreServedByTheirPlaceInTheListNeverByAPath() throws Exception {
        Browser stranger = new Browser();
        assertProblem(stranger.get("api/pairs/0/image"), 401, null);
        Browser alice = new Browser().signIn(PageFixture.ALICE);
        JsonObject pair = alice.next("queue").getJsonObject("pair");
        HttpResponse<byte[]> image = alice.http.send(HttpRequest.newBuilder(URI.create(fixture.url()
                + pair.getString("image"))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, image.statusCode());
        assertEquals("image/jpeg", image.headers().firstValue("Content-Type").orElse(""));
        assertEquals(java.nio.file.Files.size(fixture.pairs.get(pair.getInteger("position")).imagePath()), image.body().length);
        assertProblem(alice.get("api/pairs/8/image"), 404, "index");
        assertProblem(alice.get("api/pairs/-1/image"), 404, "index");
        assertProblem(alice.get("api/pairs/..%2F..%2Fannotations.db/image"), 404, "index");
    }

    @Test
    void labelsGoToTheStoreUnderEachAnnotatorAndDisagreementsAreListed() throws Exception {
        Browser alice = new Browser().signIn(PageFixture.ALICE);
        Browser bob = new Browser().signIn(PageFixture.BOB);
        JsonObject first = alice.next("queue");
        assertEquals(0, first.getJsonObject("progress").getInteger("done"));
        assertEquals(8, first.getJsonObject("progress").getInteger("total"));
        String a = first.getJsonObject("pair").getString("key");
        assertEquals(200, alice.label(a, 0.5, 1).statusCode());
        String b = alice.next("queue").getJsonObject("pair").getString("key");
        assertEquals(200, alice.label(b, 0.25, 0.5).statusCode());
        assertEquals(2, alice.next("queue").getJsonObject("progress").getInteger("done"));

        assertEquals(200, bob.label(a, 0.5, 1).statusCode());   // agrees
        assertEquals(200, bob.label(b, 1, -1).statusCode());    // disagrees
        JsonObject d = alice.next("disagreements");
        assertEquals(b, d.getJsonObject("pair").getString("key"));
        assertEquals(1, d.getJsonObject("progress").getInteger("disagreements"));
        assertEquals(2, d.getJsonObject("pair").getJsonArray("others").size());
        assertEquals(0.25, d.getJsonObject("pair").getJsonObject("mine").getDouble("cmi"));

        // agreement reads the page's labels with no extra step
        Agreement.Result cmi = Agreement.of(fixture.store.labels()).get(0);
        assertEquals(2, cmi.pairs());
        assertEquals(0.5, cmi.percentAgreement(), 1e-9);

        // undo restores: alice's last label (b) is gone, the pair comes back first
        JsonObject undone = new JsonObject(alice.post("api/undo", "{}", true).body());
        assertEquals(b, undone.getString("undone"));
        assertNull(undone.getJsonObject("pair").getValue("mine"));
        assertEquals(b, alice.next("queue").getJsonObject("pair").getString("key"));
        assertEquals(CmiLevel.L05, fixture.store.latestLabels("alice").get(a).cmi());
        assertEquals(ScLevel.NEG1, fixture.store.latestLabels("bob").get(b).sc());
        assertEquals(1, fixture.store.latestLabels("alice").size());
    }

    @Test
    void skippedPairsComeBackWhenNothingElseIsLeft() throws Exception {
        fixture.close();
        fixture = new PageFixture(dir.resolve("small"), 2);
        Browser alice = new Browser().signIn(PageFixture.ALICE);
        String first = alice.next("queue").getJsonObject("pair").getString("key");
        assertEquals(200, alice.post("api/skip", new JsonObject().put("pair", first).encode(), true).statusCode());
        String second = alice.next("queue").getJsonObject("pair").getString("key");
        assertTrue(!second.equals(first));
        assertEquals(200, alice.label(second, 0, 0).statusCode());
        assertEquals(first, alice.next("queue").getJsonObject("pair").getString("key"));
        assertEquals(200, alice.label(first, 0, 0).statusCode());
        assertNull(alice.next("queue").getValue("pair"));
    }
}
