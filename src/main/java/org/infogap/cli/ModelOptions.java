package org.infogap.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.infogap.model.ModelConfig;
import picocli.CommandLine.Option;

/** The model configuration (preset or file, plus overrides) and the image encoder's inputs. */
final class ModelOptions {

    @Option(names = "--config", paramLabel = "generated|real|paper|small|FILE",
            description = "Hyperparameters: a preset or a JSON file stating every setting. Default: generated (classifier: the autoencoder's).")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one setting by its flat name, e.g. --set batchSize=8, "
            + "--set sentenceCounts=false (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @picocli.CommandLine.Mixin
    FeatureOptions features;

    /**
     * The configuration asked for: {@code --config} (preset or file), else {@code inherited} (the
     * autoencoder's, for the classifier and the report), else the generated preset; then the overrides.
     */
    ModelConfig config(ModelConfig inherited) throws IOException {
        ModelConfig base;
        if (config != null) {
            base = Files.isRegularFile(Path.of(config)) ? ModelConfig.read(Path.of(config)) : ModelConfig.preset(config);
        } else {
            base = inherited != null ? inherited : ModelConfig.generated();
        }
        return overrides.isEmpty() ? base : base.with(overrides);
    }

    /** The autoencoder bundle's configuration, or null when there is none to inherit. */
    static ModelConfig of(Path bundle) throws IOException {
        return bundle == null ? null : org.infogap.model.ModelBundle.load(bundle).config();
    }
}
