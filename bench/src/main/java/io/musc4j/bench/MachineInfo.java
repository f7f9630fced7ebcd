package io.musc4j.bench;

import io.musc4j.engine.msm.CpuCaches;
import io.musc4j.engine.msm.NearestPatchMinima;
import io.musc4j.engine.msm.ProductSizing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a speed figure depends on, printed beside it: the CPU model, its caches, the MSM product size
 * measured on it, and whether the launcher's MKL remedy for AMD CPUs is loaded in this process.
 */
final class MachineInfo {

    private MachineInfo() {
    }

    /** The allocator settings the launcher gives libtorch, as this process has them ("unset" where not). */
    static String allocator() {
        return "THP_MEM_ALLOC_ENABLE=" + envOrUnset("THP_MEM_ALLOC_ENABLE") + ", GLIBC_TUNABLES="
                + envOrUnset("GLIBC_TUNABLES");
    }

    private static String envOrUnset(String name) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? "unset" : v;
    }

    /**
     * "active", or why not: the shim ({@code launcher/mkl_shim.c}) is mapped into this process only when
     * the launcher preloaded it.
     */
    static String mklRemedy() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return "not applicable (no /proc: not Linux)";
        }
        try {
            if (Files.readString(maps).contains("mkl_shim")) {
                return "active (launcher/mkl_shim.c preloaded)";
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        String off = "0".equals(System.getenv("MUSC_MKL_SHIM")) ? "turned off (MUSC_MKL_SHIM=0)" : "not loaded";
        return off + (CpuCaches.cpuModel().toUpperCase(Locale.ROOT).contains("AMD") ? "; MKL takes its slower path on this AMD CPU"
                : "; only AMD CPUs need it");
    }

    /** The lines printed at the top of a speed benchmark. */
    static void print(long patches, long channels, NearestPatchMinima kernel) {
        CpuCaches caches = CpuCaches.detect();
        int cpus = Runtime.getRuntime().availableProcessors();
        System.out.printf("CPU: %s, %d logical CPU(s); caches: %s%n", CpuCaches.cpuModel(), cpus, caches.describe());
        NearestPatchMinima.TilePlan plan = kernel.plan(patches, channels, ai.djl.Device.cpu());
        ProductSizing.Sizing sizing = ProductSizing.of(kernel, patches, channels);
        System.out.printf("MSM tile (L=%d, C=%d): product up to %s: %d query image(s) x %d reference image(s) per"
                        + " product (%d x %d), workspace %.1f MiB%n  product size %s%n", patches, channels,
                mib(sizing.productBytes()), plan.queryImages(), plan.referenceImages(),
                plan.queryImages() * (plan.queryImages() == 1 ? plan.queryPatches() : patches),
                plan.referenceImages() * patches, plan.bytes() / 1048576.0, sizing.how());
        ProductSizing.Sizing boxes = ProductSizing.ofNeighbourhoods(patches, channels);
        System.out.printf("MSM tile of every degree of a layer from one product (float32): up to %s (the passes'"
                + " arrays; one product spans several tiles' references)%n  tile size %s%n", mib(boxes.productBytes()),
                boxes.how());
        System.out.println("MKL remedy for AMD: " + mklRemedy());
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
