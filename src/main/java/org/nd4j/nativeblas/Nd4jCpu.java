package org.nd4j.nativeblas;

/**
 * A bridge for a lookup that DL4J 1.0.0-M2.1 gets wrong, not part of ND4J: DL4J's
 * {@code BaseMKLDNNHelper.mklDnnEnabled()} asks {@code org.nd4j.nativeblas.Nd4jCpu$Environment.isUseMKLDNN()}
 * by reflection, but M2.1 moved that class to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and
 * renamed the method {@code isUseONEDNN()}. The lookup fails, DL4J concludes oneDNN is off, and every
 * convolution runs as im2col + matmul in DL4J's own code: InceptionV3 at 299 px took 1,344 ms per image
 * here with the onednn-avx512 native build, 95-107 ms through the oneDNN helper (the plain build gains
 * little from the helper: 1,415 -> 1,230 ms).
 * This class answers the old lookup with the real flag. Remove it with a DL4J release that fixes the name.
 */
public final class Nd4jCpu {

    private Nd4jCpu() {
    }

    /** What DL4J's reflection calls: {@code getInstance().isUseMKLDNN()}. */
    public static final class Environment {

        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** The native flag; false where the CPU backend is absent (the cuda profile builds without it). */
        public boolean isUseMKLDNN() {
            try {
                Class<?> env = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                return (Boolean) env.getMethod("isUseONEDNN").invoke(env.getMethod("getInstance").invoke(null));
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
