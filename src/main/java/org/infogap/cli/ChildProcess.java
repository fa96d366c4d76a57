package org.infogap.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs an {@code infogap} command in a child JVM with this JVM's memory options and class path, its output
 * shown as it goes. Training runs this way where a process must give its memory back: SameDiff's native
 * memory grows with every training step and only the process's end frees it (docs/known-problems.md).
 */
final class ChildProcess {

    private ChildProcess() {
    }

    /**
     * Runs the training command of {@code spec} (its own command line) again in child processes of at most
     * {@code perProcess} epochs each, each resuming from {@code out}'s last checkpoint, which continues exactly as
     * an uninterrupted run (tested); the first resumes only when {@code resume}.
     *
     * @param epochsSetting the config setting that holds the number of epochs ({@code aeEpochs}, {@code classifierEpochs})
     */
    static void epochs(picocli.CommandLine.Model.CommandSpec spec, Path out, boolean resume, int epochs,
                       String epochsSetting, int perProcess, String what) throws IOException {
        Path last = out.resolve(org.infogap.train.Trainer.LAST);
        int done = resume && java.nio.file.Files.exists(last)
                ? org.infogap.model.ModelBundle.load(last).state().path("epoch").asInt() : 0;
        List<String> own = new ArrayList<>();
        List<String> original = spec.root().commandLine().getParseResult().originalArgs();
        for (int i = 0; i < original.size(); i++) {
            String arg = original.get(i);
            if (arg.equals("--epochs-per-process")) {
                i++; // and its value
            } else if (!arg.startsWith("--epochs-per-process=") && !arg.equals("--resume")) {
                own.add(arg);
            }
        }
        boolean continuing = resume;
        while (done < epochs) {
            int until = Math.min(epochs, done + perProcess);
            List<String> args = new ArrayList<>(own);
            // a later --set wins over an earlier one of the same key
            args.addAll(List.of("--set", epochsSetting + "=" + until));
            if (continuing) {
                args.add("--resume");
            }
            run(args, what + " epochs " + (done + 1) + ".." + until);
            done = until;
            continuing = true;
        }
    }

    /**
     * The JVM option that makes a child load the native build this JVM loaded. A build forced in this JVM
     * by a system property set at run time (a test runner's) is not among its input arguments, and a child
     * that chose again could load another build: other float rounding, so epochs in children would not end
     * where one process ends, or SIGILL where the other build needs instructions the CPU lacks.
     */
    static List<String> nativeBuild() {
        org.infogap.model.NativeBuild.Choice c = org.infogap.model.NativeBuild.select();
        return List.of("-D" + org.infogap.model.NativeBuild.EXTENSION_PROPERTY + "=" + c.extension());
    }

    /** The command line that runs {@code infogap} in a child JVM, its arguments to be added. */
    static List<String> infogap() {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        // -Xmx and the JavaCPP limits the parent runs under; not the debugger or agent options of a test runner
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-X") || (arg.startsWith("-D") && !arg.startsWith("-D" + org.infogap.model.NativeBuild.EXTENSION_PROPERTY + "="))) {
                command.add(arg);
            }
        }
        command.addAll(nativeBuild());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        return command;
    }

    /** Runs {@code infogap ARGS...}; an exit status other than 0 is an IOException naming {@code what}. */
    static void run(List<String> args, String what) throws IOException {
        List<String> command = infogap();
        command.addAll(args);
        // The child may take most of the machine (SameDiff's native memory grows with its steps, to 13-20 GiB in
        // a 2-epoch child of 839 pairs): let this JVM drop what it no longer uses first. Measured: without it a
        // report's parent sat at 6.5 GiB and the kernel killed the child; with it 3.0-3.7 GiB (2026-11-27).
        System.gc();
        Process process = new ProcessBuilder(command).inheritIO().start();
        try {
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IOException(what + " failed in its child process (exit " + exit + "); its output is above");
            }
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + what, e);
        }
    }
}
