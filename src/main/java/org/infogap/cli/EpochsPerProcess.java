package org.infogap.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The training commands' {@code --epochs-per-process}: see {@link ChildProcess#epochs}. */
final class EpochsPerProcess {

    @Option(names = "--epochs-per-process", defaultValue = "0", description = "Train in child JVMs of at most this "
            + "many epochs each, each resuming from OUT/last.zip (exactly as an uninterrupted run): a process's end returns "
            + "all native memory (no longer needed against a leak: docs/known-problems.md). 0: all epochs in this process. Default: ${DEFAULT-VALUE}")
    int epochs;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    boolean inChildren() {
        return epochs > 0;
    }

    /** Runs the command again in child processes; {@code setting} holds its number of epochs in the config. */
    void run(Path out, boolean resume, int total, String setting, String what) throws IOException {
        ChildProcess.epochs(command, out, resume, total, setting, epochs, what);
    }
}
