package org.infogap.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.infogap.train.AutoencoderTraining;
import org.infogap.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train-autoencoder", mixinStandardHelpOptions = true,
        description = "Trains the autoencoder on a corpus (training part; test part validates). Writes OUT/last.zip "
            + "after every epoch and OUT/best.zip when validation loss improves; --resume continues after the last epoch.")
final class TrainAutoencoderCommand implements Callable<Integer> {

    @Mixin
    CorpusOptions corpus;

    @Mixin
    ModelOptions model;

    @Option(names = "--vocab", defaultValue = "models/vocab.txt", description = "Vocabulary. Default: ${DEFAULT-VALUE}")
    Path vocab;

    @Option(names = "--word2vec", defaultValue = "models/word2vec.zip", description = "Word2Vec model. Default: ${DEFAULT-VALUE}")
    Path word2vec;

    @Option(names = "--out", defaultValue = "models/autoencoder", description = "Checkpoint folder. Default: ${DEFAULT-VALUE}")
    Path out;

    @Option(names = "--resume", description = "Continue from OUT/last.zip.")
    boolean resume;

    @Option(names = "--max-pairs", defaultValue = "0", description = "Use at most this many training pairs, a seeded random sample (0: all).")
    int maxPairs;

    @Option(names = "--max-validation", defaultValue = "512", description = "Validation pairs at most, a seeded random sample. Default: ${DEFAULT-VALUE}")
    int maxValidation;

    @Mixin
    EpochsPerProcess processes;

    @Override
    public Integer call() throws Exception {
        if (processes.inChildren()) {
            processes.run(out, resume, model.config(null).training().aeEpochs(), "aeEpochs", "autoencoder");
            System.out.println("autoencoder -> " + out.resolve(Trainer.BEST) + " (last epoch: " + out.resolve(Trainer.LAST) + ")");
            return 0;
        }
        AutoencoderTraining.run(new AutoencoderTraining.Options(corpus.manifest, vocab, word2vec, model.config(null),
                model.features.weights(), model.features.featureCache, out, resume, maxPairs, maxValidation, corpus.readOptions()));
        System.out.println("autoencoder -> " + out.resolve(Trainer.BEST) + " (last epoch: " + out.resolve(Trainer.LAST) + ")");
        corpus.printSkipReport();
        return 0;
    }

}
