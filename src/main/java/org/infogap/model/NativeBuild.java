package org.infogap.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Chooses which of the CPU backend's two native builds JavaCPP loads, before ND4J first loads one: the
 * oneDNN + AVX-512 build where the CPU has AVX-512 and the build is on the class path, the plain build
 * otherwise. InceptionV3 at 299 px ran 95-103 ms per image with the first (and DL4J's layer helpers,
 * see {@link InceptionV3#HELPERS_DISABLE}), 1,415 with the second (measured here, 2 cores). An explicit
 * {@code -Dorg.bytedeco.javacpp.platform.extension} always wins. Must run before anything touches ND4J:
 * {@code Main} calls it first, the test launcher before any test class.
 *
 * <p>The oneDNN build is used for InceptionV3 only. Its oneDNN kernels also take over SameDiff's
 * {@code lstmLayer}, and there they are wrong: with sequence lengths, padding changed the embeddings and
 * some calls failed ("object is not initialized"), 14 tests red. ND4J's switch is process-wide, so
 * {@link #withOneDnn} turns it on around InceptionV3's passes and off around SameDiff's, under one lock,
 * so no SameDiff op ever runs while another thread has it on.
 */
public final class NativeBuild {

    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    public static final String ONEDNN_AVX512 = "-onednn-avx512";
    private static final String ONEDNN_LIBRARY =
            "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64" + ONEDNN_AVX512 + "/libnd4jcpu.so";
    private static final Pattern AVX512F = Pattern.compile("^flags\\s*:.*\\bavx512f\\b", Pattern.MULTILINE);

    private static final java.util.concurrent.locks.ReentrantLock LOCK = new java.util.concurrent.locks.ReentrantLock();
    private static java.lang.reflect.Method getFlag;
    private static java.lang.reflect.Method setFlag;
    private static Object environment;
    private static boolean looked;

    private NativeBuild() {
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

    /** Sets the extension when it is unset and the faster build can run here; returns the extension in force. */
    public static String select() {
        String set = System.getProperty(EXTENSION_PROPERTY);
        if (set == null && cpuHasAvx512() && NativeBuild.class.getClassLoader().getResource(ONEDNN_LIBRARY) != null) {
            System.setProperty(EXTENSION_PROPERTY, ONEDNN_AVX512);
            return ONEDNN_AVX512;
        }
        return set == null ? "" : set;
    }

    static boolean cpuHasAvx512() {
        try {
            return AVX512F.matcher(Files.readString(Path.of("/proc/cpuinfo"))).find();
        } catch (IOException | RuntimeException e) {
            return false; // not Linux, or unreadable: the plain build is the safe choice
        }
    }
}
