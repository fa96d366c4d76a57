package org.infogap.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.infogap.io.AtomicFiles;
import org.infogap.io.Json;
import org.infogap.model.ImageEncoder;
import org.infogap.model.ModelBundle;
import org.infogap.serve.ApiBench;
import org.infogap.serve.ScaleBench;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "Cost as the work grows. store: fills an image store with synthetic features to each size, serves it from "
            + "a child process and prints bytes on disk, start-up, registration rates, top-20 latency and resident memory. "
            + "training: a COCO-shaped corpus of each size through vocab, word2vec, the feature pass and the autoencoder's "
            + "first steps, each stage's time and peak memory. Writes JSON and a plot.")
final class BenchScaleCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "models/classifier/best.zip", description = "Classifier bundle. Default: ${DEFAULT-VALUE}")
    Path model;

    @Option(names = "--images", defaultValue = "10000,100000,300000", split = ",",
            description = "Collection sizes, ascending (the store grows from one to the next). Default: ${DEFAULT-VALUE}")
    List<Long> images;

    @Option(names = "--pairs", defaultValue = "3000,30000,120000", split = ",",
            description = "COCO-shaped corpus sizes for the training part (pairs; 5 captions per image). Default: ${DEFAULT-VALUE}")
    List<Integer> pairs;

    @Option(names = "--part", defaultValue = "store,training", split = ",",
            description = "store (the API's image store), training (data preparation and the autoencoder). Default: ${DEFAULT-VALUE}")
    List<String> parts;

    @Option(names = "--requests", defaultValue = "300", description = "Timed top-20 requests per size. Default: ${DEFAULT-VALUE}")
    int requests;

    @Option(names = "--work", defaultValue = "models/bench-scale",
            description = "Folder for the store (emptied first, kept after) and the figures. Default: ${DEFAULT-VALUE}")
    Path work;

    @Option(names = "--port", defaultValue = "8093", description = "Port of the child serve. Default: ${DEFAULT-VALUE}")
    int port;

    @picocli.CommandLine.Mixin
    FeatureOptions features;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(work);
        ModelBundle bundle = ModelBundle.load(model);
        Path weights = features.weightsFor(model);
        ImageEncoder encoder = ImageEncoder.forBundle(bundle, weights);
        List<String> serve = new ArrayList<>(List.of("--model", model.toString(), "--models",
                model.toAbsolutePath().getParent().toString(), "--feature-cache", features.featureCache.toString()));
        if (weights != null) {
            serve.addAll(List.of("--image-weights", weights.toString()));
        }
        System.out.println(ApiBench.machine() + "; " + encoder.featureLength() + " floats per image");
        ObjectNode json = Json.mapper().createObjectNode().put("machine", ApiBench.machine()).put("model", model.toString())
                .put("floats_per_image", encoder.featureLength());
        List<ScaleBench.StoreRow> rows = List.of();
        if (parts.contains("store")) {
            List<ScaleBench.StoreRow> measured = ScaleBench.store(ChildProcess.infogap(), serve, encoder.id(),
                    encoder.featureLength(), work, images, requests, port);
            ArrayNode store = json.putArray("store");
            measured.forEach(r -> store.add(Json.mapper().valueToTree(r)));
            AtomicFiles.write(work.resolve("scale.png"), out -> out.write(plot(measured)));
            rows = measured;
        }
        List<TrainingScaleBench.Row> training = List.of();
        if (parts.contains("training")) {
            training = TrainingScaleBench.run(pairs, work.resolve("training"), features.weights());
            ArrayNode t = json.putArray("training");
            training.forEach(r -> t.add(Json.mapper().valueToTree(r)));
            json.putPOJO("training_settings", TrainingScaleBench.describe());
        }
        System.out.println();
        System.out.println(ApiBench.machine());
        if (!rows.isEmpty()) {
            System.out.print(ScaleBench.table(rows));
        }
        if (!training.isEmpty()) {
            System.out.print(TrainingScaleBench.table(training));
        }
        AtomicFiles.writeString(work.resolve("scale.json"), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
        System.out.println("wrote " + work.resolve("scale.json") + (rows.isEmpty() ? "" : " and " + work.resolve("scale.png")));
        return 0;
    }

    private static byte[] plot(List<ScaleBench.StoreRow> rows) throws java.io.IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(640).height(400).title("serve at growing collection sizes")
                .xAxisTitle("registered images").yAxisTitle("value").build();
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.OutsideS)
                .setMarkerSize(6);
        List<Double> x = rows.stream().map(r -> (double) r.images()).toList();
        chart.addSeries("start-up (s)", x, rows.stream().map(ScaleBench.StoreRow::startSeconds).toList());
        chart.addSeries("top-20 p99 (ms)", x, rows.stream().map(ScaleBench.StoreRow::p99Ms).toList());
        chart.addSeries("resident memory (MiB)", x, rows.stream().map(ScaleBench.StoreRow::rssMiB).toList());
        chart.addSeries("durable registrations/s", x, rows.stream().map(ScaleBench.StoreRow::storePutsPerSecond).toList());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        return out.toByteArray();
    }
}
