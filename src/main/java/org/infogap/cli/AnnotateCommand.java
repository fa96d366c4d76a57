package org.infogap.cli;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.infogap.annotate.AnnotationStore;
import org.infogap.labelling.Annotators;
import org.infogap.labelling.LabellingPage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "annotate", mixinStandardHelpOptions = true,
        description = "Serves the labelling page: each pair's image and text, CMI and SC from the keyboard, the image type "
            + "and snippets; labels go to the annotation store under the annotator's name, where annotations stats, "
            + "agreement and export read them.")
final class AnnotateCommand implements Callable<Integer> {

    static final String MOUNT = "/annotate";

    @Option(names = "--store", defaultValue = AnnotationsCommand.DEFAULT_STORE,
            description = "Annotation store (SQLite). Default: ${DEFAULT-VALUE}")
    Path store;

    @Option(names = "--annotator", paramLabel = "NAME=TOKEN", description = "An annotator and the token they sign in "
            + "with (repeatable; tokens of at least 12 characters). Without one: an annotator named after the user, with "
            + "a fresh token in the printed sign-in link.")
    List<String> annotators = new ArrayList<>();

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on. Default: ${DEFAULT-VALUE}")
    String host;

    @Option(names = "--port", defaultValue = "8091", description = "Default: ${DEFAULT-VALUE}")
    int port;

    @Mixin
    LabellingOptions labelling;

    @Mixin
    FeatureOptions features;

    @Override
    public Integer call() throws Exception {
        List<String> settings = new ArrayList<>(annotators);
        String printedToken = null;
        if (settings.isEmpty()) {
            String user = System.getProperty("user.name", "annotator").replaceAll("[^A-Za-z0-9._-]", "_");
            printedToken = Annotators.newToken();
            settings.add(user + "=" + printedToken);
        }
        Annotators who = Annotators.parse(settings);
        Vertx vertx = Vertx.vertx();
        LabellingPage page = labelling.page(vertx, AnnotationStore.open(store), who, MOUNT, features);
        Router router = Router.router(vertx);
        router.route(MOUNT + "/*").subRouter(page.router());
        router.get("/").handler(ctx -> ctx.redirect(MOUNT + "/"));
        int actual = vertx.createHttpServer().requestHandler(router).listen(port, host).await().actualPort();
        String url = "http://" + (host.equals("0.0.0.0") ? "localhost" : host) + ":" + actual + MOUNT + "/";
        System.out.printf("labelling page: %d pairs, labels into %s; annotators %s%n", page.size(), store, who.names());
        System.out.println(printedToken != null ? "open " + url + "#token=" + printedToken + " (this link signs in as "
                + who.names().get(0) + "; keep it to yourself)" : "open " + url + " and sign in with your token");
        new CountDownLatch(1).await(); // serve until the process is stopped
        return 0;
    }
}
