package org.infogap.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where image features come from: the Keras weights of InceptionV3 (or none: random) and the feature cache. */
final class FeatureOptions {

    @Option(names = "--inception-weights", paramLabel = "H5",
            description = "Keras InceptionV3 ImageNet weights (.h5, local file); the ones a model was trained with. "
                + "Without it the image encoder is random (logged, recorded).")
    Path inceptionWeights;

    @Option(names = "--feature-cache", defaultValue = "models/features",
            description = "Folder of cached image features. Default: ${DEFAULT-VALUE}")
    Path featureCache;
}
