package org.infogap.synth;

/**
 * Settings of the generated corpus.
 *
 * @param seed         everything drawn follows from it: the same seed gives the same corpus
 * @param unlabelled   pairs for the autoencoder, a third each COCO (5 captions per image), BBC, Wiki
 * @param labelled     pairs with CMI/SC labels, half BBC and half Wiki
 * @param testFraction share of labelled pairs in the fixed test split
 * @param imageSize    side of the square rendered images in pixels (the paper used 300)
 * @param paperSkew    draw labels with the paper's distribution (Tables 1 and 2) instead of uniformly
 * @param cocoOnly     every unlabelled pair from the COCO part (a COCO-shaped corpus for scale benchmarks), none
 *                     labelled
 */
public record GeneratorConfig(long seed, int unlabelled, int labelled, double testFraction, int imageSize,
                              boolean paperSkew, boolean cocoOnly) {

    /** The mixed corpus: a third each COCO, BBC and Wiki. */
    public GeneratorConfig(long seed, int unlabelled, int labelled, double testFraction, int imageSize, boolean paperSkew) {
        this(seed, unlabelled, labelled, testFraction, imageSize, paperSkew, false);
    }

    /**
     * The embedded default. Images are 160 px rather than the paper's 300 px so that the default run
     * stays within its CPU budget; readers rescale to whatever size the model is configured for.
     */
    public static final GeneratorConfig DEFAULT = new GeneratorConfig(Defaults.SEED, Defaults.UNLABELLED,
            Defaults.LABELLED, Defaults.TEST_FRACTION, Defaults.IMAGE_SIZE, false);

    /** The default's values as constants, for option annotations. */
    public static final class Defaults {
        public static final long SEED = 42;
        public static final int UNLABELLED = 6000;
        public static final int LABELLED = 1200;
        public static final double TEST_FRACTION = 0.2;
        public static final int IMAGE_SIZE = 160;

        private Defaults() {
        }
    }

    public GeneratorConfig {
        if (unlabelled < 0 || labelled < 0) {
            throw new IllegalArgumentException("pair counts must not be negative");
        }
        if (!(testFraction >= 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in [0, 1), got " + testFraction);
        }
        if (cocoOnly && labelled > 0) {
            throw new IllegalArgumentException("a COCO-only corpus has no labelled pairs (COCO has no CMI/SC labels)");
        }
        if (imageSize < 32) {
            throw new IllegalArgumentException("image size must be at least 32 px, got " + imageSize);
        }
    }
}
