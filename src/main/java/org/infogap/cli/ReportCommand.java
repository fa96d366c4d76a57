package org.infogap.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.infogap.eval.AccuracyReport;
import org.infogap.eval.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true, subcommands = {RetrievalReportCommand.class, AblationReportCommand.class, DependenceReportCommand.class},
        description = "The accuracy report (paper's Table 3): CL, CL without AE, linear SVM on article embeddings and the "
            + "most frequent label, on the labelled file's test split and in k-fold cross-validation; writes OUT/report.html, "
            + "OUT/report.md, OUT/plots/*.png and OUT/results.json.")
final class ReportCommand implements Callable<Integer> {

    @Option(names = "--labelled", defaultValue = "datasets/default/labelled.jsonl",
            description = "Labelled pairs (annotations export) with their split. Default: ${DEFAULT-VALUE}")
    Path labelled;

    @Option(names = "--autoencoder", defaultValue = "models/autoencoder/best.zip",
            description = "Autoencoder bundle. Default: ${DEFAULT-VALUE}")
    Path autoencoder;

    @Mixin
    ModelOptions model;

    @Option(names = "--folds", defaultValue = "5", description = "Cross-validation folds (0: none). Default: ${DEFAULT-VALUE}")
    int folds;

    @Option(names = "--seed", defaultValue = "42", description = "Folds, validation shares. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--validation-fraction", defaultValue = "0.15",
            description = "Share of each training part that picks the classifiers' best epoch. Default: ${DEFAULT-VALUE}")
    double validationFraction;

    @Option(names = "--out", defaultValue = "models/report", description = "Report folder. Default: ${DEFAULT-VALUE}")
    Path out;

    @Option(names = "--repeats", defaultValue = "1", description = "Repeat the k-fold cross-validation this many times, each "
            + "with other stratified folds (e.g. --folds 5 --repeats 5 for small test sets); the report gives 95% intervals "
            + "that account for the folds' shared training pairs. Default: ${DEFAULT-VALUE}")
    int repeats;

    @Option(names = "--resume", description = "Continue classifier runs left under OUT/models by an interrupted report.")
    boolean resume;

    @Option(names = "--epochs-per-process", defaultValue = "0", description = "Train each classifier in child JVMs of at "
            + "most this many epochs (train-classifier's option of that name); 0: all in this JVM. Default: ${DEFAULT-VALUE}")
    int epochsPerProcess;

    @Option(names = "--classifier", description = "A classifier bundle that train-classifier trained on this labelled file's "
            + "train split from this autoencoder: the report takes it as CL on the test split instead of training it again.")
    Path classifier;

    @Override
    public Integer call() throws Exception {
        Path weights = java.nio.file.Files.exists(autoencoder) ? model.features.weightsFor(autoencoder) : model.features.weights();
        ObjectNode results = AccuracyReport.run(new AccuracyReport.Options(labelled, autoencoder, model.config(ModelOptions.of(autoencoder)),
                weights, model.features.featureCache, out, folds, repeats, seed, validationFraction, resume,
                epochsPerProcess <= 0 ? null : new ChildClassifierTrainer(autoencoder, weights,
                        model.features.featureCache, validationFraction, seed, resume, epochsPerProcess), classifier));
        ReportWriter.write(results, out);
        var split = results.path("test_split");
        System.out.println("| system | CMI accuracy | SC accuracy |\n|---|---|---|");
        for (String system : AccuracyReport.SYSTEMS) {
            System.out.printf(java.util.Locale.ROOT, "| %s | %.4f | %.4f |%n", system,
                    split.path(system).path("CMI").path("accuracy").asDouble(), split.path(system).path("SC").path("accuracy").asDouble());
        }
        System.out.println("report -> " + out.resolve("report.html") + ", " + out.resolve("report.md") + ", "
                + out.resolve("results.json"));
        return 0;
    }
}
