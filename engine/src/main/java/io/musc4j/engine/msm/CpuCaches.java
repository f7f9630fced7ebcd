package io.musc4j.engine.msm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The data caches of this machine's CPU and its model name: where {@link ProductSizing} starts the MSM
 * product sizes it measures (the L2 caches of the cores computing a product), and what speed reports
 * print beside their figures.
 *
 * <p>Read once per process from Linux's {@code /sys/devices/system/cpu/cpu0/cache}; where that is
 * missing (some virtual machines, macOS) from {@code getconf} or {@code sysctl}; else the sizes are
 * assumed ({@link #ASSUMED}) and {@link #source} says so.
 *
 * @param l1dBytes level-1 data cache of one core (0 where unknown)
 * @param l2Bytes one level-2 cache
 * @param l2SharedBy logical CPUs sharing one level-2 cache (1 where unknown)
 * @param l3Bytes one level-3 cache (0 where unknown)
 * @param source where the sizes come from
 */
public record CpuCaches(long l1dBytes, long l2Bytes, int l2SharedBy, long l3Bytes, String source) {

    /** What is assumed where nothing can be read: a common server core's 1 MiB L2. */
    public static final CpuCaches ASSUMED = new CpuCaches(48 << 10, 1 << 20, 1, 0, "assumed");

    private static final Path SYSFS = Path.of("/sys/devices/system/cpu/cpu0/cache");

    private static volatile CpuCaches detected;

    /** This machine's caches, read once. */
    public static CpuCaches detect() {
        CpuCaches c = detected;
        if (c == null) {
            c = fromSysfs(SYSFS);
            if (c == null) {
                c = fromGetconf(run("getconf", "-a"));
            }
            if (c == null) {
                c = fromSysctl(run("sysctl", "hw.l1dcachesize", "hw.l2cachesize", "hw.l3cachesize",
                        "hw.perflevel0.l2cachesize", "hw.perflevel0.cpusperl2"));
            }
            detected = c = c != null ? c : ASSUMED;
        }
        return c;
    }

    /** The CPU's model name from /proc/cpuinfo (Linux) or sysctl (macOS), else os.arch; read once (the
     *  tile plans ask for it on every call, and /proc/cpuinfo has a section per core). */
    public static String cpuModel() {
        return Model.NAME;
    }

    /** The model name, read when first asked for. */
    private static final class Model {
        static final String NAME = readCpuModel();
    }

    private static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: try macOS below
        }
        try {
            Process p = new ProcessBuilder("sysctl", "-n", "machdep.cpu.brand_string").start();
            String s = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor() == 0 && !s.isEmpty()) {
                return s;
            }
        } catch (IOException e) {
            // no sysctl either
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return System.getProperty("os.arch");
    }

    /**
     * The L2 capacity that {@code threads} threads computing one product have between them: one L2
     * per group of logical CPUs sharing it.
     */
    public long l2Of(int threads) {
        return l2Bytes * Math.max(1, (threads + l2SharedBy - 1) / l2SharedBy);
    }

    /** One line for reports, e.g. {@code L1d 48 KiB, L2 1 MiB (per 1 CPU), L3 32 MiB (sysfs)}. */
    public String describe() {
        return String.format(Locale.ROOT, "L1d %s, L2 %s (per %d CPU%s), L3 %s (%s)", size(l1dBytes), size(l2Bytes),
                l2SharedBy, l2SharedBy == 1 ? "" : "s", size(l3Bytes), source);
    }

    /**
     * The caches described by a Linux sysfs directory of {@code index*} folders, each with
     * {@code level}, {@code type}, {@code size} (e.g. {@code 1024K}) and {@code shared_cpu_list};
     * null where it holds no L2.
     */
    static CpuCaches fromSysfs(Path dir) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        long l1d = 0;
        long l2 = 0;
        long l3 = 0;
        int shared = 1;
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> indices = new ArrayList<>(entries.filter(p -> p.getFileName().toString().startsWith("index"))
                    .toList());
            for (Path index : indices) {
                String type = read(index.resolve("type"));
                if (type.equals("Instruction")) {
                    continue;
                }
                long size = parseSize(read(index.resolve("size")));
                switch (read(index.resolve("level"))) {
                    case "1" -> l1d = size;
                    case "2" -> {
                        l2 = size;
                        shared = cpuCount(read(index.resolve("shared_cpu_list")));
                    }
                    case "3" -> l3 = size;
                    default -> { }
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return l2 > 0 ? new CpuCaches(l1d, l2, shared, l3, "sysfs") : null;
    }

    /** The caches in the output of glibc's {@code getconf -a} (read by CPUID); null without an L2. */
    static CpuCaches fromGetconf(String output) {
        if (output == null) {
            return null;
        }
        long l1d = 0;
        long l2 = 0;
        long l3 = 0;
        for (String line : output.split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2 && kv[1].matches("\\d+")) {
                switch (kv[0]) {
                    case "LEVEL1_DCACHE_SIZE" -> l1d = Long.parseLong(kv[1]);
                    case "LEVEL2_CACHE_SIZE" -> l2 = Long.parseLong(kv[1]);
                    case "LEVEL3_CACHE_SIZE" -> l3 = Long.parseLong(kv[1]);
                    default -> { }
                }
            }
        }
        return l2 > 0 ? new CpuCaches(l1d, l2, 1, l3, "getconf") : null;
    }

    /**
     * The caches in the output of macOS's {@code sysctl hw.l1dcachesize hw.l2cachesize …}: on Apple
     * silicon the performance cores' L2 and how many cores share it; null without an L2.
     */
    static CpuCaches fromSysctl(String output) {
        if (output == null) {
            return null;
        }
        long l1d = 0;
        long l2 = 0;
        long l3 = 0;
        long perfL2 = 0;
        int perfShared = 1;
        for (String line : output.split("\n")) {
            String[] kv = line.split(":\\s*");
            if (kv.length == 2 && kv[1].trim().matches("\\d+")) {
                long v = Long.parseLong(kv[1].trim());
                switch (kv[0].trim()) {
                    case "hw.l1dcachesize" -> l1d = v;
                    case "hw.l2cachesize" -> l2 = v;
                    case "hw.l3cachesize" -> l3 = v;
                    case "hw.perflevel0.l2cachesize" -> perfL2 = v;
                    case "hw.perflevel0.cpusperl2" -> perfShared = (int) Math.max(1, v);
                    default -> { }
                }
            }
        }
        if (perfL2 > 0) {
            return new CpuCaches(l1d, perfL2, perfShared, l3, "sysctl");
        }
        return l2 > 0 ? new CpuCaches(l1d, l2, 1, l3, "sysctl") : null;
    }

    /** "1024K", "32M", "49152" (bytes) as bytes. */
    static long parseSize(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        long unit = t.endsWith("K") ? 1L << 10 : t.endsWith("M") ? 1L << 20 : t.endsWith("G") ? 1L << 30 : 1;
        return Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
    }

    /** Number of CPUs in a Linux CPU list such as {@code 0-1,8-9}. */
    static int cpuCount(String list) {
        int n = 0;
        for (String part : list.trim().split(",")) {
            String[] range = part.split("-");
            n += range.length == 2 ? Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1 : 1;
        }
        return Math.max(1, n);
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.US_ASCII).trim();
    }

    /** A command's standard output (sysctl fails on a name it lacks but prints the others), or null where it cannot run. */
    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (InputStream in = p.getInputStream()) {
                String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return p.waitFor(5, TimeUnit.SECONDS) ? out : null;
            }
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String size(long bytes) {
        if (bytes <= 0) {
            return "?";
        }
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }
}
