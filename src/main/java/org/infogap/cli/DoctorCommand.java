package org.infogap.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.infogap.model.Diagnostics;
import picocli.CommandLine.Command;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Prints the CPU, the native build loaded and why, threads and memory limits, and runs one convolution "
            + "and one LSTM through that build against a Java reference. Exit 0 only when both agree. Paste its "
            + "output into bug reports.")
final class DoctorCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        List<Diagnostics.Line> lines = Diagnostics.run();
        int width = lines.stream().mapToInt(l -> l.name().length()).max().orElse(0);
        for (Diagnostics.Line l : lines) {
            System.out.printf("%-" + width + "s  %s%n", l.name(), l.value());
        }
        boolean ok = Diagnostics.allOk(lines);
        System.out.println(ok ? "doctor: OK" : "doctor: FAILED (see the lines above)");
        return ok ? 0 : 1;
    }
}
