package org.infogap.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.infogap.model.ModelConfig;
import org.infogap.train.ClassifierTraining;
import org.infogap.train.Trainer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train-classifier", mixinStandardHelpOptions = true,
        description = "Trains the CMI/SC classifier on labelled pairs (annotations export), the encoder initialised from "
            + "an autoencoder bundle or at random. Checkpoints as train-autoencoder; the best epoch is chosen on a "
            + "validation share of the training part.")
final class TrainClassifierCommand implements Callable<Integer> {

    @Option(names = "--labelled", defaultValue = "datasets/default/labelled.jsonl",
            description = "Labelled pairs (annotations export). Default: ${DEFAULT-VALUE}")
    Path labelled;

    static final class Init {
        @Option(names = "--autoencoder", description = "Autoencoder bundle to take the encoder from (the paper's CL).")
        Path autoencoder;

        @Option(names = "--no-autoencoder", description = "Random encoder (the paper's 'no AE' baseline); needs --vocab and --word2vec.")
        boolean none;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Init init;

    @Mixin
    ModelOptions model;

    @Option(names = "--vocab", defaultValue = "models/vocab.txt", description = "Vocabulary (with --no-autoencoder). Default: ${DEFAULT-VALUE}")
    Path vocab;

    @Option(names = "--word2vec", defaultValue = "models/word2vec.zip", description = "Word2Vec (with --no-autoencoder). Default: ${DEFAULT-VALUE}")
    Path word2vec;

    @Option(names = "--freeze-encoder", description = "Train only the classifier's own layers: sets fineTuneEncoder=false, which the bundle's config records.")
    boolean freeze;

    @Option(names = "--validation-fraction", defaultValue = "0.15",
            description = "Share of the training pairs held out to choose the best epoch. Default: ${DEFAULT-VALUE}")
    double validationFraction;

    @Option(names = "--out", defaultValue = "models/classifier", description = "Checkpoint folder. Default: ${DEFAULT-VALUE}")
    Path out;

    @Option(names = "--resume", description = "Continue from OUT/last.zip.")
    boolean resume;

    @Option(names = "--random-encoder", description = "With --autoencoder: take its vocabulary, word vectors and feature "
            + "normalisation, but start the encoder at random (the 'no AE' baseline on equal inputs).")
    boolean randomEncoder;

    @Option(names = "--validation-seed", description = "Seed of the validation hold-out. Default: the config's seed")
    Long validationSeed;

    @Mixin
    EpochsPerProcess processes;

    @Override
    public Integer call() throws Exception {
        if (processes.inChildren()) {
            processes.run(out, resume, model.config(ModelOptions.of(init.none ? null : init.autoencoder)).training().classifierEpochs(),
                    "classifierEpochs", "classifier");
            System.out.println("classifier -> " + out.resolve(Trainer.BEST));
            return 0;
        }
        ModelConfig config = model.config(ModelOptions.of(init.none ? null : init.autoencoder));
        // the bundle's config is the one record of how it was trained: --resume and the report compare it
        if (freeze) {
            config = config.with(Map.of("fineTuneEncoder", "false"));
        }
        ClassifierTraining.run(new ClassifierTraining.Options(labelled, init.none ? null : init.autoencoder, vocab, word2vec,
                config, init.none ? model.features.weights() : model.features.weightsFor(init.autoencoder), model.features.featureCache, out, resume,
                validationFraction, randomEncoder, validationSeed));
        System.out.println("classifier -> " + out.resolve(Trainer.BEST));
        return 0;
    }
}
