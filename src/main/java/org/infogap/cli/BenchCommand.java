package org.infogap.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print figures: encoder, api, train, lstm, precision, scale, active-learning.",
        subcommands = {BenchEncoderCommand.class, BenchApiCommand.class, BenchTrainCommand.class, BenchLstmCommand.class,
            BenchPrecisionCommand.class, BenchScaleCommand.class, BenchActiveLearningCommand.class})
final class BenchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
