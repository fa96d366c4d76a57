package org.infogap.cli;

import org.infogap.data.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code infogap <command>}: the one executable of the project. */
@Command(name = "infogap", mixinStandardHelpOptions = true, version = "infogap 0.1.0",
        description = "Estimates cross-modal mutual information (CMI) and semantic correlation (SC) of image-text pairs.",
        subcommands = {GenerateCommand.class, VocabCommand.class, Word2VecCommand.class, AnnotationsCommand.class, AnnotateCommand.class,
            TrainAutoencoderCommand.class, TrainClassifierCommand.class, PredictCommand.class,
            ReportCommand.class, ServeCommand.class, BenchCommand.class, DoctorCommand.class, WeightsCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit status for input the program refuses (bad file, bad field). */
    static final int EXIT_BAD_INPUT = 2;

    static {
        // before any command touches ND4J: which native build JavaCPP loads is fixed at the first load
        try {
            org.infogap.model.NativeBuild.select();
        } catch (IllegalStateException | IllegalArgumentException e) {
            System.err.println("infogap: " + e.getMessage());
            System.exit(EXIT_BAD_INPUT);
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests run commands through it. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // Enum options are written as in messages and docs: --format bbc-tool, --cmi-scale legacy8.
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.registerConverter(org.infogap.annotate.AnnotationFormat.class,
                s -> org.infogap.annotate.AnnotationFormat.valueOf(s.toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof BadInputException || e instanceof IllegalArgumentException) {
                commandLine.getErr().println("infogap: " + e.getMessage());
                return EXIT_BAD_INPUT;
            }
            if (e instanceof java.io.IOException) {
                commandLine.getErr().println("infogap: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli;
    }
}
