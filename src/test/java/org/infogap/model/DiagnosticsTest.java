package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DiagnosticsTest {

    @Test
    void theChosenBuildRunsAConvolutionAndAnLstmWithLengthsAsJavaComputesThem() {
        assertTrue(Diagnostics.convolution() <= Diagnostics.TOLERANCE);
        assertTrue(Diagnostics.lstm() <= Diagnostics.TOLERANCE);
        List<Diagnostics.Line> lines = Diagnostics.run();
        assertTrue(Diagnostics.allOk(lines), lines.toString());
        Diagnostics.Line build = lines.stream().filter(l -> l.name().equals("native build")).findFirst().orElseThrow();
        assertTrue(build.value().startsWith(NativeBuild.chosen().build().id() + " ("), build.value());
        assertEquals(2, lines.stream().filter(l -> Boolean.TRUE.equals(l.ok())).count(), "two checks ran and passed");
    }

    @Test
    void aCheckThatThrowsOrDisagreesIsAFailure() {
        assertFalse(Diagnostics.allOk(List.of(new Diagnostics.Line("x", "OK", true), new Diagnostics.Line("y", "FAILED", false))));
    }
}
