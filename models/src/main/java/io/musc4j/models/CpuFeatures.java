package io.musc4j.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What this machine's CPU offers, as the operating system reports it ({@code /proc/cpuinfo} on Linux;
 * elsewhere nothing is assumed).
 */
public final class CpuFeatures {

    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    private static final List<String> LINES = read();

    private CpuFeatures() {
    }

    /**
     * Whether the CPU multiplies bfloat16 matrices natively: AVX512-BF16 (AMD Zen 4 and later, Intel
     * Cooper Lake and later), AMX-BF16 (Intel Sapphire Rapids and later) or Arm's BF16 extension.
     */
    public static boolean bf16() {
        return bf16(LINES);
    }

    static boolean bf16(List<String> cpuinfo) {
        for (String line : cpuinfo) {
            String key = line.split(":", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (key.equals("flags") || key.equals("features")) {
                for (String flag : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                    if (flag.equals("avx512_bf16") || flag.equals("amx_bf16") || flag.equals("bf16")) {
                        return true;
                    }
                }
                return false;
            }
        }
        return false;
    }

    /** The CPU's model name, or "unknown CPU". */
    public static String model() {
        for (String line : LINES) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown CPU";
    }

    private static List<String> read() {
        try {
            return Files.isReadable(CPUINFO) ? Files.readAllLines(CPUINFO) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
