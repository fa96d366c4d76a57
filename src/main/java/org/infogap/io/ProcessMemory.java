package org.infogap.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's memory as the kernel counts it. ND4J keeps arrays off the Java heap, so the heap's
 * figures miss most of what a training holds; the resident set is what the kernel kills a process for.
 */
public final class ProcessMemory {

    private ProcessMemory() {
    }

    /** Resident set size in bytes ({@code VmRSS}), or -1 where {@code /proc/self/status} is not there. */
    public static long residentBytes() {
        return statusBytes("VmRSS:");
    }

    /** The largest resident set size so far ({@code VmHWM}), or -1. */
    public static long peakResidentBytes() {
        return statusBytes("VmHWM:");
    }

    private static long statusBytes(String key) {
        return statusBytes("self", key);
    }

    /**
     * A size of another process from its {@code /proc/PID/status} ({@code VmRSS:}, {@code VmHWM:}, {@code RssAnon:}),
     * in bytes, or -1 where it is not there (the process has ended, or not Linux).
     */
    public static long statusBytes(long pid, String key) {
        return statusBytes(Long.toString(pid), key);
    }

    private static long statusBytes(String pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // the kernel writes kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Off-heap bytes that JavaCPP allocated and still tracks (ND4J's array buffers), or -1. */
    public static long trackedOffHeapBytes() {
        try {
            return org.bytedeco.javacpp.Pointer.totalBytes();
        } catch (LinkageError e) {
            return -1;
        }
    }

    /** Heap the JVM holds from the kernel now (committed), used or not. */
    public static long heapCommittedBytes() {
        return Runtime.getRuntime().totalMemory();
    }

    /** Bytes as "3.1 GiB" (or "?" for -1). */
    public static String gib(long bytes) {
        return bytes < 0 ? "?" : String.format(java.util.Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
