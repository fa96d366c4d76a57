package org.infogap.labelling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.infogap.serve.ApiServer;
import org.infogap.serve.ServeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same page under the scoring API's /annotate, beside its own routes. */
class ApiMountTest {

    @TempDir
    Path dir;

    @Test
    void theApiServesTheLabellingPageUnderAnnotate() throws Exception {
        try (PageFixture fixture = new PageFixture(dir, 2)) {
            ServeConfig config = new ServeConfig(0, "api-token-0123456789", false, 1 << 20, 5, 1000, 1 << 20, 1_000_000,
                    10_000, 16, 16, 1, dir.resolve("store"), dir);
            ApiServer api = new ApiServer(fixture.vertx, config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    null, null, null, dir.resolve("features"));
            int port = api.mount("/annotate", fixture.page.router()).start().await();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/annotate/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("label image-text pairs"));
            assertEquals(LabellingPage.CSP, page.headers().firstValue("Content-Security-Policy").orElse(""));
            HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, live.statusCode(), "the API's own routes still answer");
        }
    }
}
