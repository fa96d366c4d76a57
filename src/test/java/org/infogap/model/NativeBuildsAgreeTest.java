package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plain build, which any x86-64 CPU runs, computes what the build chosen for this CPU computes. */
class NativeBuildsAgreeTest {

    @TempDir
    Path dir;

    @Test
    void aChildForcedOntoThePlainBuildComputesTheForwardPassOfTheChosenBuild() throws Exception {
        INDArray image = ForwardPass.image();
        INDArray text = ForwardPass.text();
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-D" + NativeBuild.OVERRIDE_PROPERTY + "=plain", "-cp", System.getProperty("java.class.path"),
                ForwardPass.class.getName(), dir.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child still running after 5 minutes");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("build plain"), "the child loaded the plain build: " + out);
        assertTrue(out.contains("native build: plain (set by"), out);
        for (var c : List.of(new Object[] {"image.bin", image}, new Object[] {"text.bin", text})) {
            INDArray expected = (INDArray) c[1];
            INDArray plain = Nd4j.readBinary(new File(dir.toFile(), (String) c[0]));
            assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(plain.shape()));
            double scale = Math.max(1, expected.amaxNumber().doubleValue());
            double diff = expected.sub(plain).amaxNumber().doubleValue();
            assertTrue(expected.amaxNumber().doubleValue() > 0, c[0] + " is all zeros");
            assertTrue(diff <= 1e-4 * scale, c[0] + ": the plain build differs by " + diff + " (scale " + scale + ")");
        }
    }
}
