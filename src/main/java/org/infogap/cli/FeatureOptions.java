package org.infogap.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.infogap.data.BadInputException;
import org.infogap.model.ModelBundle;
import picocli.CommandLine.Option;

/** Where image features come from: InceptionV3's pretrained weights (or random ones) and the feature cache. */
final class FeatureOptions {

    /** Where {@code make weights} puts nsfwjs's InceptionV3, converted: the default image encoder. */
    static final Path DEFAULT_WEIGHTS = Path.of("models", "image-encoder", "nsfwjs-4.4.0");
    static final String RANDOM = "random";

    @Option(names = {"--image-weights", "--inception-weights"}, paramLabel = "WEIGHTS",
            description = "InceptionV3's weights: a TF.js model (folder, model.json or model.min.js), a Keras .h5, "
                + "or 'random'. Default: " + "models/image-encoder/nsfwjs-4.4.0 (make weights); for a trained "
                + "model, the weights it was trained with.")
    String imageWeights;

    @Option(names = "--feature-cache", defaultValue = "models/features",
            description = "Folder of cached image features. Default: ${DEFAULT-VALUE}")
    Path featureCache;

    /** The weights to train with: null for random (only when asked for), else an existing file or folder. */
    Path weights() {
        if (RANDOM.equalsIgnoreCase(imageWeights)) {
            return null;
        }
        if (imageWeights != null) {
            return Path.of(imageWeights);
        }
        if (!Files.exists(DEFAULT_WEIGHTS)) {
            throw new BadInputException(DEFAULT_WEIGHTS, null, null, "no pretrained InceptionV3 here: run `make weights` "
                    + "(fetches nsfwjs 4.4.0 from npm, checks its sha-512 and converts it), or pass --image-weights random "
                    + "to go on with a random image encoder");
        }
        return DEFAULT_WEIGHTS;
    }

    /**
     * The weights a trained model's features came from: the option when given, else random for a model
     * trained on a random encoder, else the file recorded in the model when it still exists, else the default.
     */
    Path weightsFor(Path bundle) throws IOException {
        if (imageWeights != null) {
            return weights();
        }
        ModelBundle.Header header = ModelBundle.header(bundle);
        com.fasterxml.jackson.databind.JsonNode origin = header.state() == null ? null
                : header.state().path("provenance").path("image_weights");
        // a random encoder, or one trained end to end from a random start (its parameters travel in the bundle)
        if (header.imageEncoderId().contains("-random-") || (origin != null && "random".equals(origin.path("format").asText()))) {
            return null;
        }
        String recorded = origin == null ? "" : origin.path("file").asText("");
        if (!recorded.isEmpty() && Files.exists(Path.of(recorded))) {
            return Path.of(recorded);
        }
        return weights();
    }
}
