package io.musc4j.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.inspect.Inspection;
import io.musc4j.engine.inspect.Inspector;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.models.VisionTransformer;
import io.musc4j.models.VitWeights;
import io.musc4j.models.profile.BackboneProfiles;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.vit.Mlp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.ToLongFunction;

/**
 * Latency of the line {@link Inspector} per part on this machine, with a full bank: a ViT-B/14
 * DINOv2 with random weights (no download) at 224², taps 2, 5, 8, 11, degrees 1, 3, 5, bank of M
 * parts. The bank is filled first (in calls of 8), then the median of each stage over the timed
 * calls is printed per part, one call per part and then calls of 4 parts. The images are random
 * noise: the cost does not depend on the content. Last, the work it counts per part (the backbone's products,
 * and the bank's as one product per layer) and both rates against the best float32 matrix-product rate of
 * {@code bench gemm} measured before and after the timed calls, and the backbone's products timed on
 * their own ({@link ProductsCeiling}), the ceiling of its rate with these kernels.
 *
 * <p>Arguments: {@code [M=64] [timed calls=20] [parts per call, comma-separated=1,4] [packed]}; {@code
 * packed} builds the inspector with {@link Inspector.Builder#packWeights} (the backbone's weights packed
 * for one part per call) and prints their size. Run it through the launcher, which sets the allocator (it prints the settings).
 */
public final class InspectorBench {

    private static final int SIZE = 224;
    private static final int[] TAPS = {2, 5, 8, 11};
    private static final int[] DEGREES = {1, 3, 5};

    private InspectorBench() {
    }

    public static void main(String[] args) throws IOException {
        int m = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int[] batches = Arrays.stream((args.length > 2 ? args[2] : "1,4").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        boolean packed = args.length > 3 && args[3].equals("packed");
        if (args.length > 3 && !packed) {
            throw new IllegalArgumentException("the fourth argument is 'packed' or nothing, got '" + args[3] + "'");
        }
        ModelConfig cfg = new ModelConfig(BackboneProfiles.DINOV2, 768, 12, 12, 3072, 14, 518, 1e-6, Mlp.GELU, 0, 0);
        Random random = new Random(7);
        NDManager weights = NDManager.newBaseManager(Device.cpu());
        System.out.printf("%s, %d CPU(s), %d torch threads; DINOv2 ViT-B/14 @%d, random "
                + "weights, taps 2,5,8,11, degrees 1,3,5, M = %d; median of %d timed calls%n",
                MachineInfo.allocator(), Runtime.getRuntime().availableProcessors(),
                ai.djl.pytorch.jni.JniUtils.getNumThreads(), SIZE, m, calls);
        try (VisionTransformer vit = new VisionTransformer(cfg, VitWeights.random(cfg, weights, DataType.FLOAT32, 42),
                weights, DataType.FLOAT32, SIZE);
             MuSc musc = MuSc.builder().backbone(vit).config(MuscConfig.builder().imageSize(SIZE).layers(TAPS)
                     .degrees(DEGREES).rscin(RscinWindows.off()).batchSize(8).build()).build();
             Inspector inspector = Inspector.builder(musc).bankSize(m).packWeights(packed).build()) {
            if (packed) {
                // packed when the inspector was built: this asks again for the same, which only reports the size
                System.out.printf("backbone weights packed for one part per call: %.0f MiB%n",
                        musc.extractor().packWeights(1) / 1048576.0);
            }
            long fill = System.nanoTime();
            while (inspector.bankSize() < m) {
                inspector.inspect(images(random, Math.min(8, m - inspector.bankSize())));
            }
            // per part and tapped layer: the layer-normed map (L, C) and per degree two (L) rows of norms
            double patches = Math.pow(SIZE / cfg.patchSize(), 2);
            int channels = cfg.hiddenSize();
            System.out.printf("bank of %d filled in %.1f s (%.0f MiB of maps)%n", m,
                    (System.nanoTime() - fill) / 1e9, m * TAPS.length * patches * (channels + 2 * DEGREES.length) * 4 / (1 << 20));
            double peakBefore = GemmBench.best(10);
            java.util.Map<Integer, double[]> rates = new java.util.LinkedHashMap<>();
            for (int b : batches) {
                List<Inspection.Timing> timings = new ArrayList<>();
                for (int c = 0; c < calls; c++) {
                    timings.add(inspector.inspect(images(random, b)).get(0).timing());
                }
                System.out.printf("batch %d, ms per part: backbone %.1f | LNAMD %.1f | bank scoring %.1f | "
                        + "map+regions %.1f | admit %.1f | total %.1f%n", b,
                        median(timings, Inspection.Timing::backboneNanos, b),
                        median(timings, Inspection.Timing::lnamdNanos, b),
                        median(timings, Inspection.Timing::bankScoringNanos, b),
                        median(timings, Inspection.Timing::mapNanos, b),
                        median(timings, Inspection.Timing::admitNanos, b),
                        median(timings, Inspection.Timing::totalNanos, b));
                rates.put(b, new double[] {median(timings, Inspection.Timing::backboneNanos, b),
                        median(timings, Inspection.Timing::bankScoringNanos, b)});
            }
            // the best float32 matrix-product rate of `bench gemm`, before and after the timed calls: on a
            // busy machine one probe can fall low, and the higher is the conservative ceiling
            double peak = Math.max(peakBefore, GemmBench.best(10));
            double backbone = ProductsCeiling.passFlops(cfg, SIZE);
            double bank = TAPS.length * 2.0 * patches * (m * patches) * channels;
            System.out.printf("counted per part: backbone %.1f GFLOP; bank scoring %.1f GFLOP (4 layers x "
                    + "2·L·(M·L)·C, every degree of a layer from one product); float32 matmul peak here %.0f GFLOP/s%n",
                    backbone / 1e9, bank / 1e9, peak);
            rates.forEach((b, ms) -> System.out.printf("batch %d: backbone %.0f GFLOP/s = %.0f%% of the peak; bank "
                    + "scoring %.0f GFLOP/s = %.0f%% of the peak%n", b, backbone / ms[0] / 1e6,
                    100 * backbone / ms[0] / 1e6 / peak, bank / ms[1] / 1e6, 100 * bank / ms[1] / 1e6 / peak));
            for (int b : batches) {
                System.out.println("batch " + b + ", the backbone's products timed alone:");
                System.out.println(ProductsCeiling.measure(cfg, SIZE, b, DataType.FLOAT32, calls).describe(cfg, SIZE, peak));
            }
        }
    }

    private static List<RgbImage> images(Random random, int n) {
        List<RgbImage> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[SIZE * SIZE * 3];
            random.nextBytes(px);
            out.add(new RgbImage(SIZE, SIZE, px));
        }
        return out;
    }

    private static double median(List<Inspection.Timing> timings, ToLongFunction<Inspection.Timing> stage, int perCall) {
        double[] ms = timings.stream().mapToDouble(t -> stage.applyAsLong(t) / 1e6 / perCall).toArray();
        Arrays.sort(ms);
        return ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
    }
}
