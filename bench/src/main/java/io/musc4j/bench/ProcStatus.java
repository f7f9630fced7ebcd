package io.musc4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Linux process memory figures from /proc/self, for the benchmarks' peak RSS. */
final class ProcStatus {

    private ProcStatus() {
    }

    /** Lets VmHWM measure from here on: Linux resets the peak when "5" is written to clear_refs. */
    static void resetVmHwm() throws IOException {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    }

    /** Peak resident set size in KiB. */
    static long vmHwmKiB() throws IOException {
        return field("VmHWM:");
    }

    /** Current resident set size in KiB. */
    static long vmRssKiB() throws IOException {
        return field("VmRSS:");
    }

    private static long field(String name) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("/proc/self/status: no " + name + " line");
    }

    /** User + system CPU time of the whole process (all threads), in clock ticks. */
    static long cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
