package io.musc4j.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.musc4j.models.StageTimes;
import io.musc4j.models.BackboneOptions;
import io.musc4j.models.Precision;
import io.musc4j.models.VisionTransformer;
import io.musc4j.models.VitWeights;
import io.musc4j.models.profile.BackboneProfiles;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.vit.Mlp;

/**
 * Backbone forward time in ms/image on this CPU, for full-size networks with random weights (no download):
 * a ViT-B/14 DINOv2 at 224² (trained at 518², so the position embedding is resized 37 → 16) and a
 * ViT-L/14 CLIP vision tower at 336². Each pass taps four blocks and yields the image feature, as MuSc
 * uses it. Also splits the block time into attention, MLP and the rest, to show whether the composed
 * attention (DJL has no fused kernel) dominates.
 *
 * <p>Arguments: {@code [dinov2|clip|all] [batch=8] [timed passes=5] [fp32|bf16]} (bf16: CPUs with bfloat16
 * products). Run it through the launcher, which sets the allocator (it prints the settings).
 */
public final class BackboneBench {

    private BackboneBench() {
    }

    public static void main(String[] args) {
        String which = args.length > 0 ? args[0] : "all";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Precision precision = args.length > 3 ? Precision.valueOf(args[3].toUpperCase(java.util.Locale.ROOT))
                : Precision.FP32;
        if (precision == Precision.FP16) {
            throw new IllegalArgumentException("fp16 runs on CUDA only; this benchmark runs on the CPU");
        }
        ai.djl.engine.Engine.getInstance(); // loads the natives before JniUtils is called
        System.out.printf("%s, %d CPU(s), %d torch threads, batch %d, %d timed passes after 1 warm-up%n",
                MachineInfo.allocator(), Runtime.getRuntime().availableProcessors(),
                ai.djl.pytorch.jni.JniUtils.getNumThreads(), batch, passes);
        gemmRate();
        attentionAndAllocation(batch, passes);
        if (which.equals("dinov2") || which.equals("all")) {
            run("DINOv2 ViT-B/14 @224", new ModelConfig(BackboneProfiles.DINOV2, 768, 12, 12, 3072, 14, 518, 1e-6, Mlp.GELU, 0, 0),
                    224, batch, passes, precision);
        }
        if (which.equals("clip") || which.equals("all")) {
            run("CLIP ViT-L/14 @336", new ModelConfig(BackboneProfiles.CLIP, 1024, 24, 16, 4096, 14, 336, 1e-5,
                    Mlp.QUICK_GELU, 768, 0), 336, batch, passes, precision);
        }
    }

    private static void run(String name, ModelConfig cfg, int size, int batch, int passes, Precision precision) {
        if (precision == Precision.BF16) {
            BackboneOptions.DeviceChoice.CPU.checkRuns(precision);
        }
        NDManager weights = NDManager.newBaseManager(Device.cpu());
        try (VisionTransformer vit = new VisionTransformer(cfg, VitWeights.random(cfg, weights, precision.dataType(), 42),
                weights, precision.dataType(), size); NDManager caller = NDManager.newBaseManager(Device.cpu())) {
            int[] taps = vit.spec().defaultTaps();
            NDArray images = caller.randomNormal(new Shape(batch, 3, size, size));
            pass(vit, images, taps, null);
            // the machine is shared, so the fastest pass is the figure; the median shows the spread
            double[] ms = new double[passes];
            StageTimes best = null;
            for (int i = 0; i < passes; i++) {
                StageTimes times = new StageTimes();
                long start = System.nanoTime();
                pass(vit, images, taps, times);
                ms[i] = (System.nanoTime() - start) / 1e6;
                if (best == null || ms[i] == java.util.Arrays.stream(ms, 0, i + 1).min().getAsDouble()) {
                    best = times;
                }
            }
            double fastest = java.util.Arrays.stream(ms).min().getAsDouble();
            double[] sorted = ms.clone();
            java.util.Arrays.sort(sorted);
            System.out.printf("%s, %s: %.1f ms/image fastest pass, %.1f median (batch %d, taps %s)%n", name,
                    precision.name().toLowerCase(java.util.Locale.ROOT), fastest / batch, sorted[passes / 2] / batch,
                    batch, java.util.Arrays.toString(taps));
            System.out.printf("  fastest pass: attention %.1f%%, MLP %.1f%%, norms+residuals %.1f%%, "
                    + "embedding/taps/features %.1f%%%n",
                    100 * best.attentionNanos() / 1e6 / fastest, 100 * best.mlpNanos() / 1e6 / fastest,
                    100 * best.blockRestNanos() / 1e6 / fastest,
                    100 * (1 - (best.attentionNanos() + best.mlpNanos() + best.blockRestNanos()) / 1e6 / fastest));
        }
    }

    /**
     * ViT-B/14 at 224² shapes, each pair interleaved in one process: the fused attention against the
     * composed one (B, 12 heads, 257 tokens, 64), and a fresh MLP-sized output (B, 257, 3072) against the
     * same op in place, whose difference is what allocating and first touching a fresh tensor costs.
     */
    private static void attentionAndAllocation(int batch, int rounds) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray q = m.randomNormal(new Shape(batch, 12, 257, 64)).mul(0.125f);
            NDArray k = m.randomNormal(new Shape(batch, 12, 257, 64));
            NDArray v = m.randomNormal(new Shape(batch, 12, 257, 64));
            NDArray x = m.randomNormal(new Shape(batch, 257, 3072));
            double[][] ms = new double[4][rounds];
            for (int r = -1; r < rounds; r++) { // r = -1 warms up
                double[] t = new double[4];
                try (NDManager s = m.newSubManager()) {
                    long t0 = System.nanoTime();
                    NDArray composed = io.musc4j.models.vit.FusedAttention.composed(q, k, v);
                    composed.attach(s);
                    long t1 = System.nanoTime();
                    NDArray fused = io.musc4j.models.vit.FusedAttention.attend(q, k, v);
                    fused.attach(s);
                    long t2 = System.nanoTime();
                    NDArray fresh = x.add(1f);
                    fresh.attach(s);
                    long t3 = System.nanoTime();
                    x.addi(-1f);
                    long t4 = System.nanoTime();
                    t = new double[] {t1 - t0, t2 - t1, t3 - t2, t4 - t3};
                }
                if (r >= 0) {
                    for (int i = 0; i < 4; i++) {
                        ms[i][r] = t[i] / 1e6;
                    }
                }
            }
            double[] med = new double[4];
            for (int i = 0; i < 4; i++) {
                double[] sorted = ms[i].clone();
                java.util.Arrays.sort(sorted);
                med[i] = sorted[rounds / 2];
            }
            System.out.printf("attention core (B=%d, 12 heads, 257 tokens, d 64), median of %d interleaved: composed"
                    + " %.1f ms, fused %.1f ms (%.2fx)%n", batch, rounds, med[0], med[1], med[0] / med[1]);
            System.out.printf("elementwise op on (B=%d, 257, 3072) = %.0f MB: fresh output %.1f ms, in place %.1f ms"
                    + " (allocation and first touch: %.1f ms per fresh tensor of this size)%n", batch,
                    batch * 257 * 3072 * 4 / 1e6, med[2], med[3], med[2] - med[3]);
        }
    }

    /** Plain float32 GEMM throughput of this machine, as the ceiling the ViT's matmuls can reach. */
    private static void gemmRate() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray a = m.randomNormal(new Shape(2056, 768));
            NDArray b = m.randomNormal(new Shape(768, 3072));
            a.matMul(b).close();
            long t = System.nanoTime();
            int n = 5;
            for (int i = 0; i < n; i++) {
                a.matMul(b).close();
            }
            double s = (System.nanoTime() - t) / 1e9;
            System.out.printf("fp32 GEMM 2056x768x3072: %.0f GFLOP/s%n", n * 2.0 * 2056 * 768 * 3072 / s / 1e9);
        }
    }

    private static void pass(VisionTransformer vit, NDArray images, int[] taps, StageTimes times) {
        try (NDManager scope = images.getManager().newSubManager()) {
            NDArray x = images.duplicate();
            x.attach(scope);
            vit.forward(x, taps, times);
        }
    }
}
