package org.infogap.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.infogap.eval.AccuracyReport;
import org.infogap.io.AtomicFiles;
import org.infogap.model.ModelConfig;

/**
 * Runs {@code infogap train-classifier} in a child JVM with this JVM's options and class path, its
 * output shown as it goes. See {@link AccuracyReport.ClassifierTrainer} for why a report trains this way.
 */
final class ChildClassifierTrainer implements AccuracyReport.ClassifierTrainer {

    private final Path autoencoder;
    private final Path inceptionWeights;
    private final Path featureCache;
    private final double validationFraction;
    private final long validationSeed;
    private final boolean resume;
    private final int epochsPerProcess;

    ChildClassifierTrainer(Path autoencoder, Path inceptionWeights, Path featureCache, double validationFraction,
                           long validationSeed, boolean resume, int epochsPerProcess) {
        this.epochsPerProcess = epochsPerProcess;
        this.autoencoder = autoencoder;
        this.inceptionWeights = inceptionWeights;
        this.featureCache = featureCache;
        this.validationFraction = validationFraction;
        this.validationSeed = validationSeed;
        this.resume = resume;
    }

    @Override
    public void train(Path labelled, ModelConfig config, boolean fromAutoencoder, Path out) throws IOException {
        Files.createDirectories(out);
        Path configFile = out.resolve("config.json");
        AtomicFiles.writeString(configFile, config.toJson());
        List<String> command = new ArrayList<>();
        command.addAll(List.of("train-classifier",
                "--labelled", labelled.toString(), "--autoencoder", autoencoder.toString(), "--config", configFile.toString(),
                "--out", out.toString(), "--validation-fraction", Double.toString(validationFraction),
                "--validation-seed", Long.toString(validationSeed), "--feature-cache", featureCache.toString()));
        if (!fromAutoencoder) {
            command.add("--random-encoder");
        }
        if (epochsPerProcess > 0) {
            command.addAll(List.of("--epochs-per-process", Integer.toString(epochsPerProcess)));
        }
        command.addAll(List.of("--image-weights", inceptionWeights == null ? FeatureOptions.RANDOM : inceptionWeights.toString()));
        if (resume && Files.exists(out.resolve("last.zip"))) {
            command.add("--resume");
        }
        ChildProcess.run(command, "training the classifier in " + out);
    }
}
