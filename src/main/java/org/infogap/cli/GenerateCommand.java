package org.infogap.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.infogap.synth.CorpusGenerator;
import org.infogap.synth.GeneratorConfig;
import org.infogap.synth.PictureCatalogue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generates the ground-truth corpus: rendered scenes, texts with known CMI/SC, written as COCO "
            + "captions JSON, BBC News folders and Simple Wikipedia JSONL, plus labelled pairs as annotation JSONL.",
            "The folder is replaced only once the new corpus is complete."})
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "datasets/default", description = "Output folder. Default: ${DEFAULT-VALUE}")
    Path out;

    @Option(names = "--seed", defaultValue = "" + GeneratorConfig.Defaults.SEED, description = "Random seed. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--unlabelled", defaultValue = "" + GeneratorConfig.Defaults.UNLABELLED, description = "Unlabelled pairs. Default: ${DEFAULT-VALUE}")
    int unlabelled;

    @Option(names = "--labelled", defaultValue = "" + GeneratorConfig.Defaults.LABELLED, description = "Labelled pairs. Default: ${DEFAULT-VALUE}")
    int labelled;

    @Option(names = "--test-fraction", defaultValue = "" + GeneratorConfig.Defaults.TEST_FRACTION, description = "Labelled pairs in the test split. Default: ${DEFAULT-VALUE}")
    double testFraction;

    @Option(names = "--image-size", defaultValue = "" + GeneratorConfig.Defaults.IMAGE_SIZE, description = "Image side in pixels (paper: 300). Default: ${DEFAULT-VALUE}")
    int imageSize;

    @Option(names = "--paper-skew", description = "Give the labelled pairs the paper's label counts (Tables 1 and 2), scaled to --labelled, "
            + "instead of uniform levels.")
    boolean paperSkew;

    @Option(names = "--pictures", paramLabel = "FOLDER|FILE", split = ",",
            description = {"Real pictures instead of drawn shapes: emoji-datasource package folders (npm emoji-datasource-google, "
                + "-twitter: each artist's picture of a thing) or catalogue JSONL files (one kind per line: kind, names, group, "
                + "pictures). make real-data fetches the default ones. Texts name the things by their own names.",
                "Default: none (the shapes corpus)."})
    List<Path> pictures = List.of();

    @Option(names = "--coco-only", description = "Every unlabelled pair from the COCO part (5 captions per image), no "
            + "labelled pairs: a COCO-shaped corpus, as bench scale trains on.")
    boolean cocoOnly;

    @Option(names = "--kinds", defaultValue = "150",
            description = "With --pictures: at most this many kinds of things, a seeded sample (0: all). Default: ${DEFAULT-VALUE}")
    int kinds;

    @Option(names = "--shared-test-pictures", description = "With --pictures: let the test split show the same pictures as "
            + "training. Default: each kind's last picture (the last source's artist) is kept for the test split, so that "
            + "the test asks what a thing looks like rather than which drawing was seen.")
    boolean sharedTestPictures;

    @Override
    public Integer call() throws Exception {
        GeneratorConfig config = new GeneratorConfig(seed, unlabelled, labelled, testFraction, imageSize, paperSkew, cocoOnly);
        long start = System.nanoTime();
        CorpusGenerator generator = new CorpusGenerator(config);
        if (!pictures.isEmpty()) {
            PictureCatalogue catalogue = PictureCatalogue.read(pictures, kinds, seed);
            System.out.printf("pictures: %d kinds, %d pictures from %s%n", catalogue.kinds().size(),
                    catalogue.kinds().stream().mapToInt(k -> k.pictures().size()).sum(), catalogue.sources());
            generator = new CorpusGenerator(config, catalogue, !sharedTestPictures);
        }
        CorpusGenerator.Summary summary = generator.generate(out);
        System.out.printf("generated %d pairs (%d labelled) in %.1f s -> %s%n", summary.pairs(), summary.labelled(),
                (System.nanoTime() - start) / 1e9, summary.manifest());
        System.out.println("CMI labels: " + summary.cmi());
        System.out.println("SC labels:  " + summary.sc());
        return 0;
    }
}
