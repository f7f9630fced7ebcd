package io.musc4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.musc4j.engine.lnamd.Lnamd;
import io.musc4j.engine.msm.MsmInterval;
import io.musc4j.models.Precision;
import io.musc4j.engine.msm.FullMsm;
import io.musc4j.engine.msm.NearestPatchMinima;
import io.musc4j.engine.msm.NeighbourhoodMaps;
import java.io.IOException;
import java.util.List;

/**
 * Speed and memory of the scoring core alone (LNAMD and MSM) on random features.
 *
 * <p>Part "small": N=40 images, a 16×16 grid (L=256), C=768, 4 layers, degrees {1, 3, 5}; prints
 * ms per image for LNAMD and MSM and the achieved GFLOP/s of the MSM products. Part "large":
 * N images (default 200), L=1369 (37×37), C=1024, one layer and one degree, MSM only; prints the
 * memory budget, the planned tile workspace, the resident arrays and the process peak RSS (VmHWM).
 *
 * <p>Arguments: {@code [small|large|all] [largeN] [budgetMiB]}, defaults {@code all 200 256}.
 */
public final class ScoringBench {

    private static final int SMALL_N = 40;
    private static final int SMALL_GRID = 16;
    private static final int SMALL_C = 768;
    private static final int SMALL_LAYERS = 4;
    private static final List<Integer> DEGREES = List.of(1, 3, 5);
    private static final int SMALL_ROUNDS = 3;
    private static final int LARGE_GRID = 37;
    /** Linux USER_HZ, the unit of /proc/self/stat times. */
    static final double TICKS_PER_SECOND = 100;
    private static final int LARGE_C = 1024;

    private ScoringBench() {
    }

    public static void main(String[] args) throws IOException {
        String part = args.length > 0 ? args[0] : "all";
        int largeN = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        long budget = (args.length > 2 ? Long.parseLong(args[2]) : 256) << 20;
        try (NDManager manager = NDManager.newBaseManager()) {
            System.out.println("device: " + manager.getDevice());
            if (!part.equals("large")) {
                small(manager, budget);
            }
            if (!part.equals("small")) {
                large(manager, largeN, budget);
            }
        }
    }

    /**
     * FLOPs of the MSM products: each unordered image pair is one (L × (C+2)) · ((C+2) × L) product,
     * 2·L·L·(C+2) flops (multiply and add; the two extra columns carry the squared norms).
     */
    static double msmFlops(long n, long l, long c) {
        return n * (n - 1) / 2.0 * 2.0 * l * l * (c + 2);
    }

    /**
     * LNAMD and MSM of {@value #SMALL_LAYERS} layers at the default degrees, both ways full MSM can score
     * them: every degree of a layer from one product (what the pipeline runs), and one product per degree.
     */
    private static void small(NDManager manager, long budget) {
        long l = (long) SMALL_GRID * SMALL_GRID;
        Lnamd lnamd = new Lnamd(SMALL_GRID, SMALL_GRID);
        FullMsm msm = new FullMsm(MsmInterval.DEFAULT, budget, Precision.FP32);
        double flops = msmFlops(SMALL_N, l, SMALL_C) * SMALL_LAYERS;
        for (int round = 0; round < 1 + SMALL_ROUNDS; round++) { // round 0 warms up the native kernels
            long[] byLayer = new long[3]; // LNAMD ns, MSM ns, MSM CPU ticks
            long[] byDegree = new long[3];
            try (NDManager scope = manager.newSubManager()) {
                for (int layer = 0; layer < SMALL_LAYERS; layer++) {
                    NDArray tokens = scope.randomNormal(new Shape(SMALL_N, l + 1, SMALL_C));
                    long t0 = System.nanoTime();
                    NeighbourhoodMaps.Block block = lnamd.neighbourhoods(tokens, DEGREES);
                    block.unitSquares().toFloatArray(); // forces completion on asynchronous devices
                    long t1 = System.nanoTime();
                    long c1 = ProcStatus.cpuTicks();
                    msm.scoreNeighbourhoods(NeighbourhoodMaps.of(block, SMALL_GRID, SMALL_GRID, DEGREES), SMALL_N,
                            scope).toDoubleArray();
                    add(byLayer, t1 - t0, System.nanoTime() - t1, ProcStatus.cpuTicks() - c1);
                    long t2 = System.nanoTime();
                    List<NDArray> z = lnamd.aggregate(tokens, DEGREES);
                    z.forEach(NDArray::toFloatArray);
                    long lnamdNanos = System.nanoTime() - t2;
                    for (NDArray zr : z) {
                        long t3 = System.nanoTime();
                        long c3 = ProcStatus.cpuTicks();
                        msm.score(zr).toDoubleArray();
                        add(byDegree, lnamdNanos, System.nanoTime() - t3, ProcStatus.cpuTicks() - c3);
                        lnamdNanos = 0;
                        zr.close();
                    }
                    block.map().close();
                    tokens.close();
                }
            }
            String label = round == 0 ? "warm-up" : "round " + round;
            System.out.printf("%s small N=%d L=%d C=%d layers=%d r=%s%n", label, SMALL_N, l, SMALL_C, SMALL_LAYERS,
                    DEGREES);
            report("  by layer (one product for every degree)", byLayer, flops);
            report("  by degree (one product each)", byDegree, flops * DEGREES.size());
        }
    }

    private static void add(long[] totals, long lnamdNanos, long msmNanos, long msmTicks) {
        totals[0] += lnamdNanos;
        totals[1] += msmNanos;
        totals[2] += msmTicks;
    }

    private static void report(String how, long[] totals, double flops) {
        System.out.printf("%s: LNAMD %.1f ms/image, MSM %.1f ms/image, products %.1f GFLOP at %.1f GFLOP/s"
                + " (MSM used %.1f CPU-s = %.2f cores)%n", how, totals[0] / 1e6 / SMALL_N, totals[1] / 1e6 / SMALL_N,
                flops / 1e9, flops / (totals[1] / 1e9) / 1e9, totals[2] / TICKS_PER_SECOND,
                totals[2] / TICKS_PER_SECOND / (totals[1] / 1e9));
    }

    private static void large(NDManager manager, int n, long budget) throws IOException {
        long l = (long) LARGE_GRID * LARGE_GRID;
        FullMsm msm = new FullMsm(MsmInterval.DEFAULT, budget, Precision.FP32);
        NearestPatchMinima.TilePlan plan = msm.plan(n, l, LARGE_C, manager.getDevice()).tile();
        try (NDManager scope = manager.newSubManager()) {
            NDArray z = scope.randomNormal(new Shape(n, l, LARGE_C));
            z = z.div(z.norm(new int[] {2}, true));
            z.toType(DataType.FLOAT32, false).sum().getFloat(); // materialise before measuring
            ProcStatus.resetVmHwm();
            long before = ProcStatus.vmHwmKiB();
            long features = n * l * LARGE_C * 4;
            long productForm = n * l * (LARGE_C + 2) * 4;
            long store = (long) n * n * l * 4;
            long t0 = System.nanoTime();
            long c0 = ProcStatus.cpuTicks();
            msm.score(z).toDoubleArray();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuSeconds = (ProcStatus.cpuTicks() - c0) / TICKS_PER_SECOND;
            long after = ProcStatus.vmHwmKiB();
            System.out.printf("large N=%d L=%d C=%d, one layer and degree: MSM %.1f s (%.0f ms/image), %.1f GFLOP/s"
                    + " (%.1f CPU-s = %.2f cores)%n", n, l, LARGE_C, seconds, seconds * 1000 / n,
                    msmFlops(n, l, LARGE_C) / seconds / 1e9, cpuSeconds, cpuSeconds / seconds);
            System.out.printf("  budget %d MiB; tile plan: %d query images (%d query patches) x %d reference images per"
                    + " product, workspace %.1f MiB%n", budget >> 20, plan.queryImages(), plan.queryPatches(),
                    plan.referenceImages(), plan.bytes() / 1048576.0);
            System.out.printf("  resident: input features %.1f MiB (before MSM); during MSM: features in product form"
                    + " N*L*(C+2)*4 %.1f MiB, minima store N*N*L*4 %.1f MiB%n",
                    features / 1048576.0, productForm / 1048576.0, store / 1048576.0);
            System.out.printf("  peak RSS (VmHWM, reset before MSM) %.1f MiB at the start, %.1f MiB after: growth %.1f MiB (bound: product form + store + budget %d MiB = %.1f MiB; the budget caps one MSM tile and one"
                    + " chunk of the interval average);"
                    + " the reference's per-image cdist block alone is L*(N-1)*L*4 = %.1f MiB%n",
                    before / 1024.0, after / 1024.0, (after - before) / 1024.0, budget >> 20, (productForm + store + budget) / 1048576.0,
                    l * (n - 1) * l * 4 / 1048576.0);
        }
    }
}
