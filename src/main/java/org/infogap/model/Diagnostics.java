package org.infogap.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a bug report needs about this machine and its native build ({@code infogap doctor}): the CPU and
 * the flags the build choice reads, the ND4J backend and the library it loaded, threads and memory
 * limits, and two checks that run the kinds of op the model is made of through the loaded build: a
 * convolution (InceptionV3, oneDNN on where the build has it) and the text encoder's LSTM with
 * sequence lengths (SameDiff, oneDNN off). Each check compares the native result with a plain
 * Java computation of the same numbers, so a build that runs but computes wrongly fails too.
 */
public final class Diagnostics {

    /** Largest absolute difference from the Java reference a check accepts (float32 sums of ~30 terms). */
    static final double TOLERANCE = 1e-4;

    /** One line of the report: a fact or a check's outcome. */
    public record Line(String name, String value, Boolean ok) {
    }

    private Diagnostics() {
    }

    /** Facts first, then the two checks; {@link #allOk} tells whether both checks ran and agreed. */
    public static List<Line> run() {
        List<Line> lines = new ArrayList<>();
        String cpuinfo = NativeBuild.cpuinfo();
        lines.add(new Line("cpu", NativeBuild.cpuSummary(cpuinfo) + "; " + Runtime.getRuntime().availableProcessors()
                + " cores for the JVM; os.arch " + System.getProperty("os.arch"), null));
        NativeBuild.Choice choice = NativeBuild.select();
        lines.add(new Line("native build", choice.build().id() + " (" + choice.reason() + ")", null));
        lines.add(new Line("backend", Nd4j.getBackend().getClass().getSimpleName() + ", library "
                + loadedLibrary(), null));
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        lines.add(new Line("threads", "BLAS " + env.getOrDefault("blas.threads", "?") + " ("
                + env.getOrDefault("blas.vendor", "?") + "), OpenMP " + env.getOrDefault("omp.threads", "?")
                + ", OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS") + ", " + NativeBuild.OMP_WAIT_POLICY + "="
                + NativeBuild.nativeEnv(NativeBuild.OMP_WAIT_POLICY), null));
        lines.add(new Line("memory", String.format(Locale.ROOT,
                "JVM heap max %s; JavaCPP maxBytes %s, maxPhysicalBytes %s, physical now %s",
                gib(Runtime.getRuntime().maxMemory()), gib(Pointer.maxBytes()), gib(Pointer.maxPhysicalBytes()),
                gib(Pointer.physicalBytes())), null));
        Boolean oneDnn = NativeBuild.oneDnnOn();
        lines.add(new Line("oneDNN", oneDnn == null ? "no switch (not the CPU backend)"
                : "switch " + (oneDnn ? "on" : "off") + " (on around InceptionV3, off around SameDiff)", null));
        String gpu = gpu(env);
        if (gpu != null) {
            lines.add(new Line("gpu", gpu, null));
        }
        lines.add(new Line("python3-torch", torch(), null));
        lines.add(check("convolution", () -> NativeBuild.withOneDnn(true, Diagnostics::convolution)));
        lines.add(check("lstm", () -> NativeBuild.withOneDnn(false, Diagnostics::lstm)));
        return lines;
    }

    /** Whether every check in {@code lines} passed. */
    public static boolean allOk(List<Line> lines) {
        return lines.stream().noneMatch(l -> Boolean.FALSE.equals(l.ok()));
    }

    private static Line check(String name, java.util.function.Supplier<Double> check) {
        try {
            double diff = check.get();
            boolean ok = diff <= TOLERANCE;
            return new Line(name, String.format(Locale.ROOT, "%s: max difference from the Java reference %.2e (limit %.0e)",
                    ok ? "OK" : "WRONG RESULT", diff, TOLERANCE), ok);
        } catch (RuntimeException | LinkageError e) {
            return new Line(name, "FAILED: " + e, false);
        }
    }

    /** A 3x3 convolution, 3 to 4 channels, stride 1, no padding, over a 2x3x7x7 input, against loops. */
    static double convolution() {
        Nd4j.getRandom().setSeed(11);
        int n = 2, cIn = 3, cOut = 4, h = 7, k = 3, out = h - k + 1;
        INDArray x = Nd4j.rand(DataType.FLOAT, n, cIn, h, h).subi(0.5);
        INDArray w = Nd4j.rand(DataType.FLOAT, k, k, cIn, cOut).subi(0.5); // [kH, kW, iC, oC]
        INDArray b = Nd4j.rand(DataType.FLOAT, cOut);
        INDArray y = Nd4j.cnn().conv2d(x, w, b, Conv2DConfig.builder().kH(k).kW(k).sH(1).sW(1).build());
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < cOut; o++) {
                for (int r = 0; r < out; r++) {
                    for (int c = 0; c < out; c++) {
                        double s = b.getDouble(o);
                        for (int ci = 0; ci < cIn; ci++) {
                            for (int kr = 0; kr < k; kr++) {
                                for (int kc = 0; kc < k; kc++) {
                                    s += x.getDouble(i, ci, r + kr, c + kc) * w.getDouble(kr, kc, ci, o);
                                }
                            }
                        }
                        worst = Math.max(worst, Math.abs(s - y.getDouble(i, o, r, c)));
                    }
                }
            }
        }
        return worst;
    }

    /**
     * The text encoder's LSTM ({@link Lstm#last}: last output at each example's length) over a
     * batch of 3 with lengths 5, 3 and 1, against a Java LSTM with gates in ND4J's order (input, forget,
     * cell, output).
     */
    static double lstm() {
        int batch = 3, steps = 5, nIn = 4, nOut = 6;
        int[] lengths = {5, 3, 1};
        SameDiff sd = SameDiff.create();
        Nd4j.getRandom().setSeed(12);
        SDVariable in = sd.placeHolder("in", DataType.FLOAT, -1, steps, nIn);
        SDVariable len = sd.placeHolder("len", DataType.INT32, -1);
        SDVariable last = Lstm.last(sd, "lstm", in, len, steps, nIn, nOut);
        sd.getVariable("lstm/b").setArray(Nd4j.rand(DataType.FLOAT, 4 * nOut).subi(0.5));
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, steps, nIn).subi(0.5);
        INDArray got = sd.output(Map.of("in", x, "len", Nd4j.createFromArray(lengths)), last.name()).get(last.name());
        INDArray w = sd.getArrForVarName("lstm/W");
        INDArray rw = sd.getArrForVarName("lstm/R");
        INDArray b = sd.getArrForVarName("lstm/b");
        double worst = 0;
        for (int e = 0; e < batch; e++) {
            double[] hState = new double[nOut];
            double[] cState = new double[nOut];
            for (int t = 0; t < lengths[e]; t++) {
                double[] z = new double[4 * nOut];
                for (int j = 0; j < 4 * nOut; j++) {
                    double s = b.getDouble(j);
                    for (int i = 0; i < nIn; i++) {
                        s += x.getDouble(e, t, i) * w.getDouble(i, j);
                    }
                    for (int i = 0; i < nOut; i++) {
                        s += hState[i] * rw.getDouble(i, j);
                    }
                    z[j] = s;
                }
                for (int j = 0; j < nOut; j++) {
                    double gi = sigmoid(z[j]);
                    double gf = sigmoid(z[nOut + j]);
                    double gc = Math.tanh(z[2 * nOut + j]);
                    double go = sigmoid(z[3 * nOut + j]);
                    cState[j] = gf * cState[j] + gi * gc;
                    hState[j] = go * Math.tanh(cState[j]);
                }
            }
            for (int j = 0; j < nOut; j++) {
                worst = Math.max(worst, Math.abs(hState[j] - got.getDouble(e, j)));
            }
        }
        return worst;
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** The path of the nd4j native library JavaCPP loaded (which build ran), or "unknown". */
    private static String loadedLibrary() {
        for (Map.Entry<String, String> e : Loader.getLoadedLibraries().entrySet()) {
            if (e.getKey().contains("nd4jcpu") || e.getKey().contains("nd4jcuda")) {
                String path = e.getValue();
                // the cache path names the jar's folder, which names the build
                int at = path.indexOf("linux-x86_64");
                return at >= 0 ? path.substring(at, path.indexOf('/', at) > 0 ? path.indexOf('/', at) : path.length()) : path;
            }
        }
        return "unknown";
    }

    private static String gpu(Properties env) {
        StringBuilder s = new StringBuilder();
        for (String key : env.stringPropertyNames()) {
            if (key.startsWith("cuda.") || key.contains("device")) {
                s.append(s.length() == 0 ? "" : "; ").append(key).append('=').append(env.get(key));
            }
        }
        return s.length() == 0 ? null : s.toString();
    }

    /** PyTorch for the peer benchmark ({@code make bench-encoder}), as Debian's python3-torch installs it. */
    private static String torch() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch; print(torch.__version__)")
                    .redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "not answered in 60 s";
            }
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.exitValue() == 0 ? "torch " + out + " (make bench-encoder compares with it)"
                    : "not installed (apt-get install python3-torch python3-torchvision for the peer benchmark)";
        } catch (java.io.IOException e) {
            return "no /usr/bin/python3";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
