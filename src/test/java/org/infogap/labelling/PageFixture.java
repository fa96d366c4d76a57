package org.infogap.labelling;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.infogap.annotate.AnnotationStore;
import org.infogap.data.ImageTextPair;
import org.infogap.data.Source;
import org.infogap.data.Split;
import org.infogap.testing.TestImages;

/** A labelling page on a random port over a few BBC pairs with real image files, as the tests see it. */
final class PageFixture implements AutoCloseable {

    static final String ALICE = "alice-token-0123456789";
    static final String BOB = "bob-token-0123456789";
    static final String HOSTILE = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">";

    final Vertx vertx = Vertx.vertx();
    final AnnotationStore store;
    final List<ImageTextPair> pairs = new ArrayList<>();
    final LabellingPage page;
    final HttpServer server;

    PageFixture(Path dir, int n) throws IOException {
        store = AnnotationStore.open(dir.resolve("annotations.db"));
        for (int i = 0; i < n; i++) {
            String name = String.format("bbc%03d", i);
            Split split = i % 4 == 3 ? Split.TEST : Split.TRAIN;
            Path image = dir.resolve("corpus/bbc/" + split.label() + "/" + name + ".jpg");
            java.nio.file.Files.createDirectories(image.getParent());
            TestImages.jpeg(image, 64 + 8 * i, 48);
            List<String> text = i == 0 ? List.of("A report about " + HOSTILE + " and a red square.")
                    : List.of("Sentence one of " + name + ".", "A blue circle on the left.");
            pairs.add(new ImageTextPair(Source.BBC, name, image, text, "Caption " + i, split));
        }
        List<LabellingPage.Item> items = pairs.stream().map(p -> new LabellingPage.Item(p, null)).toList();
        page = new LabellingPage(vertx, store, items, Annotators.parse(List.of("alice=" + ALICE, "bob=" + BOB)),
                "list order", "/annotate");
        Router router = Router.router(vertx);
        router.route("/annotate/*").subRouter(page.router());
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/annotate/";
    }

    @Override
    public void close() {
        vertx.close().await();
    }
}
