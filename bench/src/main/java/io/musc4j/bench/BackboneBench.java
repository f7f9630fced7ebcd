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
 * uses it. Also splits the block time into attention, MLP and the rest, and times the pass's products
 * on their own ({@link ProductsCeiling}): their sum is the ceiling of the backbone's rate with these
 * kernels; what the pass takes beyond it is the norms, the activation, the residual adds, and the
 * products running slower amid them than alone.
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
        double peak = GemmBench.best(5);
        if (which.equals("dinov2") || which.equals("all")) {
            run("DINOv2 ViT-B/14 @224", new ModelConfig(BackboneProfiles.DINOV2, 768, 12, 12, 3072, 14, 518, 1e-6, Mlp.GELU, 0, 0),
                    224, batch, passes, precision, peak);
        }
        if (which.equals("clip") || which.equals("all")) {
            run("CLIP ViT-L/14 @336", new ModelConfig(BackboneProfiles.CLIP, 1024, 24, 16, 4096, 14, 336, 1e-5,
                    Mlp.QUICK_GELU, 768, 0), 336, batch, passes, precision, peak);
        }
        // last: a process's first calls of an op run up to twice as slow (fresh memory), as the passes' did
        attention(batch, passes);
    }

    private static void run(String name, ModelConfig cfg, int size, int batch, int passes, Precision precision,
            double peakBefore) {
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
            ProductsCeiling ceiling = ProductsCeiling.measure(cfg, size, batch, precision.dataType(), passes);
            // the higher of two probes: on a shared machine one can fall low
            double peak = Math.max(peakBefore, GemmBench.best(5));
            double flops = ProductsCeiling.passFlops(cfg, size);
            System.out.printf("  fastest pass %.0f GFLOP/s = %.0f%% of the float32 matmul peak (%.0f GFLOP/s, best of "
                    + "bench gemm's shapes before and after)%n", flops / (fastest / batch) / 1e6,
                    100 * flops / (fastest / batch) / 1e6 / peak, peak);
            System.out.println(ceiling.describe(cfg, size, peak));
            // the products run slower amid the rest (on data the other core just wrote) than in loops of their own
            System.out.printf("  the fastest pass beyond its products timed alone: %.1f ms/image%n",
                    fastest / batch - ceiling.totalMs());
        }
    }

    /**
     * The fused attention against the composed one (B, 12 heads, 257 tokens, 64: ViT-B/14 at 224²), each in
     * a loop of its own.
     */
    private static void attention(int batch, int rounds) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray q = m.randomNormal(new Shape(batch, 12, 257, 64)).mul(0.125f);
            NDArray k = m.randomNormal(new Shape(batch, 12, 257, 64));
            NDArray v = m.randomNormal(new Shape(batch, 12, 257, 64));
            double composed = ProductsCeiling.medianMs(rounds, () -> io.musc4j.models.vit.FusedAttention.composed(q, k, v));
            double fused = ProductsCeiling.medianMs(rounds, () -> io.musc4j.models.vit.FusedAttention.attend(q, k, v));
            System.out.printf("attention core (B=%d, 12 heads, 257 tokens, d 64), median of %d: composed"
                    + " %.1f ms, fused %.1f ms (%.2fx)%n", batch, rounds, composed, fused, composed / fused);
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
