package io.musc4j.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.vit.FusedAttention;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a ViT pass would take if it were nothing but its products: the patch embedding's product and,
 * per block, the four linear layers (x·Wᵀ + b, as the backbone runs them, W a transposed view, every
 * block with weights of its own) and the attention (the fused kernel on the q/k/v product, as one call
 * with the split into heads and their merge), each timed on its own at the pass's row count. Their sum
 * is the ceiling of the backbone's rate with these kernels: the norms, the activation and the residual
 * adds come on top. Each op runs its warm-up and timed calls in a loop of its own (interleaving them
 * let one op's freed arrays decide where the next one's output landed).
 *
 * @param embedMs the patch embedding's product, per image
 * @param linearMs the four linear layers of one block, per image, in the order q/k/v, output, fc1, fc2
 * @param attentionMs one block's attention, per image: the split into heads, the fused kernel and the merge
 * @param blocks the number of blocks
 */
record ProductsCeiling(double embedMs, double[] linearMs, double attentionMs, int blocks) {

    /** The ceiling for {@code batch} images of {@code size}² through {@code cfg}, in {@code dataType}. */
    static ProductsCeiling measure(ModelConfig cfg, int size, int batch, DataType dataType, int rounds) {
        int grid = size / cfg.patchSize();
        long patches = (long) grid * grid;
        long tokens = tokens(cfg, size);
        int c = cfg.hiddenSize();
        int inner = cfg.intermediateSize();
        long[][] linears = {{c, 3L * c}, {c, c}, {c, inner}, {inner, c}};
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            double embed = linear(m, new Shape(batch, patches, 3L * cfg.patchSize() * cfg.patchSize()), c, dataType,
                    rounds, 1) / batch;
            double[] block = new double[linears.length];
            for (int i = 0; i < linears.length; i++) {
                block[i] = linear(m, new Shape(batch, tokens, linears[i][0]), linears[i][1], dataType, rounds,
                        cfg.layers()) / batch;
            }
            return new ProductsCeiling(embed, block, attention(m, cfg, batch, tokens, dataType, rounds) / batch,
                    cfg.layers());
        }
    }

    /** The whole pass's products, per image. */
    double totalMs() {
        return embedMs + blocks * (Arrays.stream(linearMs).sum() + attentionMs);
    }

    /**
     * Multiply-adds ×2 of one image's products per block, in the order q/k/v, output, fc1, fc2 and
     * attention's two products (q·kᵀ and its softmax times v).
     */
    static double[] blockFlops(ModelConfig cfg, int size) {
        double t = tokens(cfg, size);
        double c = cfg.hiddenSize();
        double inner = cfg.intermediateSize();
        return new double[] {2 * t * c * 3 * c, 2 * t * c * c, 2 * t * c * inner, 2 * t * inner * c, 2 * 2 * t * t * c};
    }

    /** Multiply-adds ×2 of one image through a ViT: the patch embedding's product, then every block's. */
    static double passFlops(ModelConfig cfg, int size) {
        double patches = Math.pow(size / cfg.patchSize(), 2);
        double embed = 2 * patches * 3 * cfg.patchSize() * cfg.patchSize() * cfg.hiddenSize();
        return embed + cfg.layers() * Arrays.stream(blockFlops(cfg, size)).sum();
    }

    private static long tokens(ModelConfig cfg, int size) {
        long grid = size / cfg.patchSize();
        return 1 + cfg.registers() + grid * grid;
    }

    /** Lines per image: each product's time and rate, and the pass they would make alone. */
    String describe(ModelConfig cfg, int size, double peakGflops) {
        double[] flops = blockFlops(cfg, size);
        StringBuilder s = new StringBuilder("  products alone, per image and block:");
        String[] names = {"q/k/v", "output", "fc1", "fc2"};
        for (int i = 0; i < names.length; i++) {
            s.append(String.format(Locale.ROOT, " %s %.2f ms (%.0f GFLOP/s)", names[i], linearMs[i],
                    flops[i] / linearMs[i] / 1e6));
        }
        s.append(String.format(Locale.ROOT, ", attention (split, kernel, merge) %.2f ms (%.0f GFLOP/s)%n", attentionMs,
                flops[4] / attentionMs / 1e6));
        double rate = passFlops(cfg, size) / totalMs() / 1e6;
        s.append(String.format(Locale.ROOT, "  the pass's products alone: %.1f ms/image = %.0f GFLOP/s = %.0f%% of the "
                + "matmul peak (%.0f GFLOP/s), the ceiling of the backbone's rate with these kernels", totalMs(),
                rate, 100 * rate / peakGflops, peakGflops));
        return s.toString();
    }

    /**
     * Median ms of x·Wᵀ + b for x of {@code in}'s shape and W (n, in's last), W a transposed view: one call
     * per block, each block with weights of its own, as a pass reads every block's from memory (one
     * matrix timed again and again would stay in the cache).
     */
    private static double linear(NDManager m, Shape in, long n, DataType dataType, int rounds, int blocks) {
        try (NDManager s = m.newSubManager()) {
            NDArray x = s.randomNormal(in).toType(dataType, false);
            NDArray[] wt = new NDArray[blocks];
            for (int i = 0; i < blocks; i++) {
                wt[i] = s.randomNormal(new Shape(n, in.get(in.dimension() - 1))).mul(0.03f).toType(dataType, false)
                        .transpose();
            }
            NDArray b = s.randomNormal(new Shape(n)).toType(dataType, false);
            return medianMsOf(rounds, () -> {
                for (NDArray w : wt) {
                    x.matMul(w).addi(b).close();
                }
            }) / blocks;
        }
    }

    /** Median ms of every head's attention from a (B, T, 3, H, d) q/k/v product, as a pass runs it. */
    private static double attention(NDManager m, ModelConfig cfg, int batch, long tokens, DataType dataType,
            int rounds) {
        try (NDManager s = m.newSubManager()) {
            int heads = cfg.heads();
            long d = cfg.hiddenSize() / heads;
            NDArray byHead = s.randomNormal(new Shape(batch, tokens, 3, heads, d)).toType(dataType, false);
            return medianMs(rounds, () -> FusedAttention.attendHeads(byHead));
        }
    }

    /** Two warm-up calls, then the median ms of {@code rounds} timed ones; each result is closed at once. */
    static double medianMs(int rounds, java.util.function.Supplier<NDArray> op) {
        return medianMsOf(rounds, () -> op.get().close());
    }

    /** Two warm-up calls, then the median ms of {@code rounds} timed ones. */
    static double medianMsOf(int rounds, Runnable op) {
        double[] ms = new double[rounds];
        for (int r = -2; r < rounds; r++) {
            long t = System.nanoTime();
            op.run();
            if (r >= 0) {
                ms[r] = (System.nanoTime() - t) / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms[rounds / 2];
    }
}
