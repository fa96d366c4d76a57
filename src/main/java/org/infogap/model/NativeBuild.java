package org.infogap.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses which of nd4j-native's builds JavaCPP loads, from the CPU's flags, before ND4J first loads one.
 * JavaCPP on its own loads whichever build's jar it meets first on the class path, whatever the CPU can
 * run: with the onednn-avx512 jar present that is {@code SIGILL} on a CPU without AVX-512. So the choice is
 * always made here and set as JavaCPP's platform extension:
 * <ul>
 *   <li>{@link Build#ONEDNN_AVX512} where the CPU has {@code avx512f};</li>
 *   <li>{@link Build#ONEDNN} where it has {@code avx2}: oneDNN picks its kernels by CPU at run time, and its
 *       convolutions make InceptionV3 about 8x faster than the plain build on an AVX2 CPU (docs/performance.md);</li>
 *   <li>{@link Build#PLAIN} anywhere else, and on any CPU whose flags cannot be read (not Linux, not x86).</li>
 * </ul>
 * {@value #OVERRIDE_ENV} (or {@code -D}{@value #OVERRIDE_PROPERTY}) names a build to use instead
 * ({@code plain}, {@code avx2}, {@code onednn}, {@code onednn-avx512}, {@code auto}); an explicit
 * {@code -Dorg.bytedeco.javacpp.platform.extension} still wins over both. {@code Main} calls
 * {@link #select()} first, the test launcher before any test class.
 *
 * <p>The oneDNN builds are used for InceptionV3 only. Their oneDNN kernels also took over SameDiff's
 * {@code lstmLayer}, and there they were wrong: with sequence lengths, padding changed the embeddings and
 * some calls failed ("object is not initialized"); the model's LSTMs are plain ops now ({@link Lstm}), but
 * SameDiff with oneDNN on has not been checked again. ND4J's switch is process-wide, so {@link #withOneDnn}
 * turns it on around InceptionV3's passes and off around SameDiff's, under one lock, so no SameDiff op
 * ever runs while another thread has it on.
 */
public final class NativeBuild {

    private static final Logger LOG = LoggerFactory.getLogger(NativeBuild.class);

    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    /** Environment variable naming the build to load, or {@code auto}. */
    public static final String OVERRIDE_ENV = "INFOGAP_NATIVE_BUILD";
    /** System property naming the build to load; wins over {@link #OVERRIDE_ENV}. */
    public static final String OVERRIDE_PROPERTY = "infogap.native.build";

    private static final Pattern FLAGS = Pattern.compile("^flags\\s*:(.*)$", Pattern.MULTILINE);
    private static final Pattern MODEL = Pattern.compile("^model name\\s*:\\s*(.*)$", Pattern.MULTILINE);

    /** nd4j-native's published linux-x86_64 builds: the JavaCPP extension and the CPU flag each needs. */
    public enum Build {
        PLAIN("", null),
        AVX2("-avx2", "avx2"),
        ONEDNN("-onednn", null),
        ONEDNN_AVX512("-onednn-avx512", "avx512f");

        /** JavaCPP's platform extension that loads this build. */
        public final String extension;
        /** The CPU flag the build's code needs, or null when it runs on any x86-64 CPU. */
        public final String needs;

        Build(String extension, String needs) {
            this.extension = extension;
            this.needs = needs;
        }

        /** The name users write: {@code plain}, {@code avx2}, {@code onednn}, {@code onednn-avx512}. */
        public String id() {
            return this == PLAIN ? "plain" : extension.substring(1);
        }

        static Build ofId(String id) {
            for (Build b : values()) {
                if (b.id().equals(id.trim().toLowerCase(Locale.ROOT))) {
                    return b;
                }
            }
            throw new IllegalArgumentException("unknown native build '" + id + "' in " + OVERRIDE_ENV + " / -D"
                    + OVERRIDE_PROPERTY + " (auto, plain, avx2, onednn, onednn-avx512)");
        }

        /** Whether this build's jar is on the class path. */
        boolean present() {
            return NativeBuild.class.getClassLoader().getResource(
                    "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64" + extension + "/libnd4jcpu.so") != null;
        }
    }

    /** What was chosen and why; logged once, printed by {@code infogap doctor}. */
    public record Choice(Build build, String extension, String reason) {
    }

    private static volatile Choice chosen;

    private static final java.util.concurrent.locks.ReentrantLock LOCK = new java.util.concurrent.locks.ReentrantLock();
    private static java.lang.reflect.Method getFlag;
    private static java.lang.reflect.Method setFlag;
    private static Object environment;
    private static boolean looked;

    private NativeBuild() {
    }

    /**
     * The build for a CPU, from its {@code /proc/cpuinfo} text (null when unreadable): the fastest one that
     * is present and whose instructions the CPU has.
     */
    public static Build choose(String cpuinfo, Predicate<Build> present) {
        String flags = flags(cpuinfo);
        if (has(flags, "avx512f") && present.test(Build.ONEDNN_AVX512)) {
            return Build.ONEDNN_AVX512;
        }
        if (has(flags, "avx2")) {
            if (present.test(Build.ONEDNN)) {
                return Build.ONEDNN;
            }
            if (present.test(Build.AVX2)) {
                return Build.AVX2;
            }
        }
        return Build.PLAIN;
    }

    /** The first processor's flags line, or "" when there is none. */
    static String flags(String cpuinfo) {
        if (cpuinfo == null) {
            return "";
        }
        Matcher m = FLAGS.matcher(cpuinfo);
        return m.find() ? " " + m.group(1).trim() + " " : "";
    }

    private static boolean has(String flags, String flag) {
        return flags.contains(" " + flag + " ");
    }

    /**
     * Sets JavaCPP's platform extension, once, before ND4J loads: an explicit extension as it is, else the
     * override, else {@link #choose}. Returns the choice, which is also logged.
     *
     * @throws IllegalStateException when the override names a build that is absent or that this CPU cannot run
     */
    public static synchronized Choice select() {
        if (chosen != null) {
            return chosen;
        }
        String waiting = passiveOpenMpWait();
        String explicit = System.getProperty(EXTENSION_PROPERTY);
        String cpuinfo = cpuinfo();
        Choice c;
        if (explicit != null) {
            c = new Choice(ofExtension(explicit), explicit, "set by -D" + EXTENSION_PROPERTY);
        } else {
            String override = System.getProperty(OVERRIDE_PROPERTY, System.getenv(OVERRIDE_ENV));
            if (override != null && !override.isBlank() && !override.trim().equalsIgnoreCase("auto")) {
                Build b = Build.ofId(override);
                if (!b.present()) {
                    throw new IllegalStateException("native build " + b.id() + " asked for by " + OVERRIDE_ENV + " / -D"
                            + OVERRIDE_PROPERTY + " is not on the class path (the cuda profile has none; rebuild with the default profile)");
                }
                if (b.needs != null && !has(flags(cpuinfo), b.needs) && cpuinfo != null) {
                    throw new IllegalStateException("native build " + b.id() + " asked for by " + OVERRIDE_ENV + " / -D"
                            + OVERRIDE_PROPERTY + " needs the CPU flag " + b.needs + ", which this CPU lacks: it would crash (SIGILL)");
                }
                c = new Choice(b, b.extension, "set by " + OVERRIDE_ENV + "=" + override.trim());
            } else {
                Build b = x86() ? choose(cpuinfo, Build::present) : Build.PLAIN;
                c = new Choice(b, b.extension, "chosen by CPU flags (" + cpuSummary(cpuinfo) + ")");
            }
            System.setProperty(EXTENSION_PROPERTY, c.extension());
        }
        chosen = c;
        LOG.info("native build: {} ({}); set {}=plain|avx2|onednn|onednn-avx512 to change; OpenMP wait policy {}",
                c.build().id(), c.reason(), OVERRIDE_ENV, waiting);
        return c;
    }

    /** Environment variable of the OpenMP runtime that nd4j-native's ops run on: how its idle threads wait. */
    public static final String OMP_WAIT_POLICY = "OMP_WAIT_POLICY";

    /**
     * Makes the OpenMP threads of ND4J's native ops sleep rather than spin between ops, unless
     * {@value #OMP_WAIT_POLICY} is set already. SameDiff runs thousands of small ops a step, each a parallel region,
     * with Java code between them; spinning threads take the cores that Java code needs. A classifier epoch of
     * {@code bench train} took 61.7 s with the runtime's default, 41.2 s with one OpenMP thread and 35.6 s passive
     * (2 cores, docs/decisions/2026-12-01-openmp-wait-policy.md). The runtime reads the variable once, when it loads, which is
     * after this (ND4J loads it); the process's environment is changed through the C library.
     *
     * @return the policy in force and where it came from, for the log
     */
    static String passiveOpenMpWait() {
        String set = System.getenv(OMP_WAIT_POLICY);
        if (set != null) {
            return set + " (set by the environment)";
        }
        try {
            if (LibC.INSTANCE.setenv(OMP_WAIT_POLICY, "PASSIVE", 0) != 0) {
                return "the runtime's default (setenv failed)";
            }
            return "PASSIVE (set " + OMP_WAIT_POLICY + " to change)";
        } catch (LinkageError e) { // no C library JNA can load: LibC's initialisation fails, once, then its class is missing
            return "the runtime's default (no C library: " + e + ")";
        }
    }

    /**
     * The value of an environment variable as native code sees it (the JVM's {@link System#getenv} keeps the
     * environment it started with), or null when unset or unreadable.
     */
    public static String nativeEnv(String name) {
        try {
            return LibC.INSTANCE.getenv(name);
        } catch (LinkageError e) {
            return null;
        }
    }

    /** The C library's environment, through JNA (which DL4J already brings). */
    private interface LibC extends com.sun.jna.Library {
        LibC INSTANCE = com.sun.jna.Native.loadLibrary("c", LibC.class);

        int setenv(String name, String value, int overwrite);

        String getenv(String name);
    }

    /** The choice made by {@link #select()}, or null before it ran. */
    public static Choice chosen() {
        return chosen;
    }

    private static Build ofExtension(String extension) {
        for (Build b : Build.values()) {
            if (b.extension.equals(extension)) {
                return b;
            }
        }
        return Build.PLAIN;
    }

    /** "AMD EPYC; avx2, no avx512f": the CPU's model and the flags the choice reads. */
    public static String cpuSummary(String cpuinfo) {
        if (cpuinfo == null) {
            return "/proc/cpuinfo unreadable";
        }
        Matcher m = MODEL.matcher(cpuinfo);
        String model = m.find() ? m.group(1).trim() : "unknown CPU";
        String flags = flags(cpuinfo);
        StringBuilder s = new StringBuilder(model).append(";");
        for (String f : new String[] {"avx512f", "avx2", "fma"}) {
            s.append(has(flags, f) ? " " : " no ").append(f).append(',');
        }
        return s.substring(0, s.length() - 1);
    }

    /** This machine's {@code /proc/cpuinfo}, or null where there is none. */
    public static String cpuinfo() {
        try {
            return Files.readString(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean x86() {
        String arch = System.getProperty("os.arch", "");
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    /**
     * Runs {@code work} with ND4J's oneDNN kernels on or off, then restores the previous state. On a
     * backend without the switch (CUDA) it just runs {@code work}, still under the lock.
     */
    public static <T> T withOneDnn(boolean on, java.util.function.Supplier<T> work) {
        LOCK.lock();
        try {
            Boolean before = flag();
            if (before == null || before == on) {
                return work.get();
            }
            set(on);
            try {
                return work.get();
            } finally {
                set(before);
            }
        } finally {
            LOCK.unlock();
        }
    }

    /** As {@link #withOneDnn(boolean, java.util.function.Supplier)}, for work without a result. */
    public static void withOneDnn(boolean on, Runnable work) {
        withOneDnn(on, () -> {
            work.run();
            return null;
        });
    }

    /** Whether the loaded build has oneDNN kernels switched on now, or null where there is no switch (CUDA). */
    public static Boolean oneDnnOn() {
        LOCK.lock();
        try {
            return flag();
        } finally {
            LOCK.unlock();
        }
    }

    /** The CPU backend's oneDNN switch, or null where there is none; found by reflection as the cuda build lacks the class. */
    private static synchronized Boolean flag() {
        if (!looked) {
            looked = true;
            try {
                org.nd4j.linalg.factory.Nd4j.getBackend(); // the native library must be loaded first
                Class<?> env = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                environment = env.getMethod("getInstance").invoke(null);
                getFlag = env.getMethod("isUseONEDNN");
                setFlag = env.getMethod("setUseONEDNN", boolean.class);
            } catch (ReflectiveOperationException | LinkageError e) {
                environment = null;
            }
        }
        if (environment == null) {
            return null;
        }
        try {
            return (Boolean) getFlag.invoke(environment);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void set(boolean on) {
        try {
            setFlag.invoke(environment, on);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
