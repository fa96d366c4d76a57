package org.infogap.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.infogap.eval.AblationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ablation", mixinStandardHelpOptions = true,
        description = "The ablation report: the paper's classifier, + each component, all - each component, and all, "
            + "trained from one autoencoder with one seed and scored on the labelled file's test split (accuracy, "
            + "macro-F1, MAE; paired-bootstrap intervals); writes OUT/ablation.html, ablation.md, plots/ablation.png "
            + "and ablation.json.")
final class AblationReportCommand implements Callable<Integer> {

    @Option(names = "--labelled", defaultValue = "datasets/default/labelled.jsonl",
            description = "Labelled pairs (annotations export) with their split. Default: ${DEFAULT-VALUE}")
    Path labelled;

    @Option(names = "--autoencoder", defaultValue = "models/autoencoder/best.zip",
            description = "Autoencoder bundle every variant starts from. Default: ${DEFAULT-VALUE}")
    Path autoencoder;

    @Mixin
    ModelOptions model;

    @Option(names = "--seed", defaultValue = "42", description = "Validation share, bootstrap. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--validation-fraction", defaultValue = "0.15",
            description = "Share of the training pairs that picks each classifier's best epoch. Default: ${DEFAULT-VALUE}")
    double validationFraction;

    @Option(names = "--out", defaultValue = "models/ablation", description = "Report folder. Default: ${DEFAULT-VALUE}")
    Path out;

    @Option(names = "--resume", description = "Continue the variants' classifier runs left under OUT/models.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        Path weights = model.features.weightsFor(autoencoder);
        var results = AblationReport.run(new AblationReport.Options(labelled, autoencoder, model.config(ModelOptions.of(autoencoder)),
                weights, model.features.featureCache, out, seed, validationFraction, resume));
        System.out.printf("%d variants -> %s%n", results.path("variants").size(), out.resolve("ablation.html"));
        return 0;
    }
}
