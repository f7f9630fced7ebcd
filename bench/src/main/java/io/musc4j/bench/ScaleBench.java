package io.musc4j.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.musc4j.engine.MemoryPlan;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.MuscResult;
import io.musc4j.engine.MuscPipeline;
import io.musc4j.models.Precision;
import io.musc4j.engine.store.ResidentTokens;
import io.musc4j.engine.store.SpilledTokens;
import io.musc4j.engine.store.TokenStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Memory of scoring at scale: synthetic random tokens (no backbone) for N images are written into a
 * token store batch by batch, as the backbone would, then scored to the patch map and image scores.
 * Prints the wall time, the resident set of the warmed-up runtime (after scoring 4 images once, so
 * that it includes the runtime's thread pools and GEMM buffers), the peak during scoring (VmHWM,
 * reset just before scoring) and the prediction: that runtime plus the {@link MemoryPlan} peak
 * (the plan counts resident tokens; memory the allocator kept from generating the tokens is reused); then the plan's "on paper" figures for
 * the paper's default shape on a GPU.
 *
 * <p>Arguments {@code key=value}: {@code n} (1000), {@code grid} (16, L = grid²), {@code c} (768),
 * {@code layers} (4), {@code degrees} (1,3,5), {@code budget} MiB of scoring workspace (1024),
 * {@code tokens} MiB of token budget above which tokens spill to a file (1024), {@code batch} (8),
 * {@code paper} (true: print the GPU figures), {@code run} (true; false prints only the plan).
 */
public final class ScaleBench {

    private static final double MIB = 1048576.0;
    private static final int FEATURE_DIM = 768;
    private static final int PATCH = 14;
    /** Parameters of a ViT-L/14 vision tower (CLIP ViT-L/14-336 or DINOv2-L), for the GPU figures. */
    private static final long VIT_L_PARAMETERS = 304_000_000L;

    private ScaleBench() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("argument '" + arg + "' is not key=value");
            }
            a.put(kv[0], kv[1]);
        }
        int n = Integer.parseInt(a.getOrDefault("n", "1000"));
        int grid = Integer.parseInt(a.getOrDefault("grid", "16"));
        int c = Integer.parseInt(a.getOrDefault("c", "768"));
        int layers = Integer.parseInt(a.getOrDefault("layers", "4"));
        int[] degrees = Arrays.stream(a.getOrDefault("degrees", "1,3,5").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        long budget = Long.parseLong(a.getOrDefault("budget", "1024")) << 20;
        long tokenBudget = Long.parseLong(a.getOrDefault("tokens", "1024")) << 20;
        int batch = Integer.parseInt(a.getOrDefault("batch", "8"));
        long patches = (long) grid * grid;
        MuscConfig config = MuscConfig.builder().degrees(degrees).memoryBudgetBytes(budget).imageSize(grid * PATCH)
                .build();
        System.out.printf("heap limit %.0f MiB (-Xmx)%n", Runtime.getRuntime().maxMemory() / MIB);
        try (NDManager manager = NDManager.newBaseManager()) {
            warmUp(config, grid, c, manager);
            System.gc();
            long warm = ProcStatus.vmRssKiB();
            boolean spill = MemoryPlan.spills(n, patches, c, layers, Float.BYTES, tokenBudget);
            MemoryPlan plan = MemoryPlan.of(n, patches, c, layers, config, Float.BYTES, !spill, manager.getDevice());
            System.out.println("plan: " + plan.describe());
            if (!Boolean.parseBoolean(a.getOrDefault("run", "true"))) {
                paper(a);
                return;
            }
            long t0 = System.nanoTime();
            try (NDManager scope = manager.newSubManager();
                 TokenStore store = spill ? spilled(n, grid, c, layers, batch, scope) : resident(n, grid, c, layers, scope)) {
                float[][] features = randomRows(n);
                System.out.printf("tokens %s in %.1f s; VmHWM so far %.1f MiB%n", spill ? "spilled" : "resident",
                        (System.nanoTime() - t0) / 1e9, ProcStatus.vmHwmKiB() / 1024.0);
                System.gc();
                long before = ProcStatus.vmRssKiB();
                ProcStatus.resetVmHwm();
                long t1 = System.nanoTime();
                MuscResult r = new MuscPipeline(config).score(store, features, scope);
                double seconds = (System.nanoTime() - t1) / 1e9;
                long peak = ProcStatus.vmHwmKiB();
                System.out.printf("scored N=%d L=%d C=%d layers=%d degrees=%s in %.1f s (first score %.4f)%n", n,
                        patches, c, layers, Arrays.toString(degrees), seconds, r.scoresBeforeRscin()[0]);
                System.out.printf("RSS of the warmed-up runtime %.1f MiB, before scoring %.1f MiB (tokens %s)%n"
                        + "peak RSS during scoring (VmHWM) %.1f MiB; predicted: runtime + plan %.1f MiB = %.1f MiB%n",
                        warm / 1024.0, before / 1024.0, spill ? "in a file" : "included", peak / 1024.0,
                        plan.peakBytes() / MIB, warm / 1024.0 + plan.peakBytes() / MIB);
            }
        }
        paper(a);
    }

    /**
     * Scores 4 random images of the same shape first, so that the baseline includes what the runtime
     * keeps after its first products (thread pools, GEMM buffers), which no image count changes.
     */
    private static void warmUp(MuscConfig config, int grid, int c, NDManager manager) {
        try (NDManager scope = manager.newSubManager();
             TokenStore tokens = resident(4, grid, c, 1, scope)) {
            new MuscPipeline(config).score(tokens, randomRows(4), scope);
        }
    }

    private static SpilledTokens spilled(int n, int grid, int c, int layers, int batch, NDManager manager)
            throws IOException {
        SpilledTokens store = SpilledTokens.create(Path.of(System.getProperty("java.io.tmpdir")), n, layers, grid, grid, c);
        try {
            for (int i0 = 0; i0 < n; i0 += batch) {
                try (NDManager part = manager.newSubManager()) {
                    List<NDArray> tokens = new ArrayList<>();
                    for (int li = 0; li < layers; li++) {
                        tokens.add(part.randomNormal(new Shape(Math.min(batch, n - i0), 1 + grid * grid, c)));
                    }
                    store.append(tokens);
                }
            }
            return store;
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static TokenStore resident(int n, int grid, int c, int layers, NDManager manager) {
        List<NDArray> tokens = new ArrayList<>();
        for (int li = 0; li < layers; li++) {
            tokens.add(manager.randomNormal(new Shape(n, 1 + grid * grid, c)));
        }
        return new ResidentTokens(tokens, grid, grid);
    }

    private static float[][] randomRows(int n) {
        Random random = new Random(1);
        float[][] rows = new float[n][FEATURE_DIM];
        for (float[] row : rows) {
            for (int k = 0; k < row.length; k++) {
                row[k] = (float) random.nextGaussian();
            }
        }
        return rows;
    }

    /** The paper's default shape on a GPU with the tokens kept on the device: the plan's figures. */
    private static void paper(Map<String, String> a) {
        if (!Boolean.parseBoolean(a.getOrDefault("paper", "true"))) {
            return;
        }
        System.out.println("on paper, GPU: N=200, L=1369 (37x37, ViT-L/14 at 518), C=1024, 4 layers, degrees 1,3,5,"
                + " scoring budget 4 GiB, tokens resident on the device");
        for (Precision precision : Precision.values()) {
            MuscConfig config = MuscConfig.builder().precision(precision).device(Device.gpu()).memoryBudgetBytes(4L << 30)
                    .imageSize(518).build();
            MemoryPlan plan = MemoryPlan.of(200, 1369, 1024, 4, config, precision.bytes(), true, Device.gpu());
            long weights = VIT_L_PARAMETERS * precision.bytes();
            System.out.printf("%s: %s%n  + ViT-L/14 weights %d M parameters: %.1f MiB%n  = %.2f GB of 16 GB%n",
                    precision, plan.describe(), VIT_L_PARAMETERS / 1_000_000, weights / MIB,
                    (plan.peakBytes() + weights) / 1e9);
        }
    }
}
