package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.infogap.model.NativeBuild.Build;
import org.junit.jupiter.api.Test;

class NativeBuildTest {

    private static final Set<Build> ALL = EnumSet.allOf(Build.class);

    /** Abridged /proc/cpuinfo of one processor: the lines the choice reads. */
    private static String cpuinfo(String model, String flags) {
        return "processor\t: 0\nvendor_id\t: x\nmodel name\t: " + model + "\nflags\t\t: " + flags + "\nbugs\t\t: spectre_v1\n\n"
                + "processor\t: 1\nmodel name\t: " + model + "\nflags\t\t: " + flags + "\n";
    }

    private static final String SKYLAKE_SP = cpuinfo("Intel(R) Xeon(R) Platinum 8175M CPU @ 2.50GHz",
            "fpu vme sse sse2 ssse3 fma cx16 sse4_1 sse4_2 avx f16c avx2 bmi2 avx512f avx512dq avx512cd avx512bw avx512vl");
    private static final String ZEN2 = cpuinfo("AMD EPYC 7B12",
            "fpu vme sse sse2 ssse3 fma cx16 sse4_1 sse4_2 avx f16c avx2 bmi1 bmi2 sha_ni");
    private static final String SANDY_BRIDGE = cpuinfo("Intel(R) Xeon(R) CPU E5-2670 0 @ 2.60GHz",
            "fpu vme sse sse2 ssse3 cx16 sse4_1 sse4_2 avx");

    @Test
    void openMpThreadsSleepBetweenOpsUnlessTheEnvironmentSaysOtherwise() {
        NativeBuild.select(); // as Main and the test launcher do, before ND4J loads its OpenMP runtime
        String inherited = System.getenv(NativeBuild.OMP_WAIT_POLICY);
        assertEquals(inherited != null ? inherited : "PASSIVE", NativeBuild.nativeEnv(NativeBuild.OMP_WAIT_POLICY),
                "what the OpenMP runtime reads when it loads");
        assertEquals(null, NativeBuild.nativeEnv("INFOGAP_NO_SUCH_VARIABLE"));
    }

    @Test
    void avx512CpusGetTheOneDnnAvx512Build() {
        assertEquals(Build.ONEDNN_AVX512, NativeBuild.choose(SKYLAKE_SP, ALL::contains));
        assertEquals("-onednn-avx512", Build.ONEDNN_AVX512.extension);
    }

    @Test
    void avx2CpusGetGenericOneDnnAndNeverTheAvx512Build() {
        assertEquals(Build.ONEDNN, NativeBuild.choose(ZEN2, ALL::contains));
        // without the oneDNN jars (a trimmed class path), the AVX2 build; then the plain one
        assertEquals(Build.AVX2, NativeBuild.choose(ZEN2, EnumSet.of(Build.PLAIN, Build.AVX2)::contains));
        assertEquals(Build.PLAIN, NativeBuild.choose(ZEN2, EnumSet.of(Build.PLAIN)::contains));
    }

    @Test
    void avx512CpuWithoutThatJarFallsBackToWhatItsAvx2Runs() {
        assertEquals(Build.ONEDNN, NativeBuild.choose(SKYLAKE_SP, EnumSet.of(Build.PLAIN, Build.ONEDNN)::contains));
    }

    @Test
    void oldOrUnknownCpusGetThePlainBuild() {
        assertEquals(Build.PLAIN, NativeBuild.choose(SANDY_BRIDGE, ALL::contains));
        assertEquals(Build.PLAIN, NativeBuild.choose(null, ALL::contains), "unreadable /proc/cpuinfo");
        assertEquals(Build.PLAIN, NativeBuild.choose("", ALL::contains));
        assertEquals(Build.PLAIN, NativeBuild.choose("processor : 0\nFeatures : fp asimd evtstrm aes\n", ALL::contains),
                "an ARM cpuinfo has Features, not flags");
    }

    @Test
    void aFlagIsMatchedWholeNotAsThePrefixOfAnother() {
        // avx512_vnni alone (no avx512f) and avx2_ne-like names must not pass for avx512f / avx2
        assertEquals(Build.PLAIN, NativeBuild.choose(cpuinfo("odd", "sse4_2 avx avx512_vnni avx2x"), ALL::contains));
    }

    @Test
    void theSummaryNamesTheModelAndTheFlagsTheChoiceReads() {
        assertEquals("AMD EPYC 7B12; no avx512f, avx2, fma", NativeBuild.cpuSummary(ZEN2));
        assertTrue(NativeBuild.cpuSummary(null).contains("unreadable"));
    }

    @Test
    void buildsAreNamedAsUsersWriteThem() {
        for (Build b : Build.values()) {
            assertEquals(b, Build.ofId(b.id().toUpperCase(java.util.Locale.ROOT)));
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Build.ofId("avx9000"));
        assertTrue(e.getMessage().contains("avx9000") && e.getMessage().contains(NativeBuild.OVERRIDE_ENV), e.getMessage());
    }
}
