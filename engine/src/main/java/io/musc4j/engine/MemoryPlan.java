package io.musc4j.engine;

import ai.djl.Device;
import io.musc4j.engine.msm.MsmPrecision;
import io.musc4j.engine.msm.MutualScoring;

/**
 * The memory accounting of scoring one image set: which arrays are resident at once, how large, and
 * the strategy chosen from it. {@link MuscScorer} sizes its blocks with it; benchmarks print it.
 *
 * <p>Scoring runs layer by layer and degree by degree. For one (layer, degree) the resident arrays
 * are: the tokens of all layers if they are {@link #tokensResident() resident} (else they are in a
 * file); the MSM product form of the features (N, L, C+2) in the product precision, filled by LNAMD
 * one chunk of images at a time; while filling, one LNAMD chunk's temporaries; afterwards, MSM's
 * workspace ({@link MutualScoring.Plan}: the whole minima store or one query block, one tile, one
 * averaging chunk); and on the Java heap the MSM scores kept for the final means. The peak is their
 * sum with the larger of the two phases. Not counted: the backbone (its weights and one batch) and
 * the runtime itself (the JVM and the native library), which a caller adds.
 *
 * @param images N
 * @param patches L = h·w
 * @param channels C
 * @param layers tapped layers
 * @param degrees aggregation degrees
 * @param tokenElementBytes bytes per token element (4 for float32, 2 for a half-precision backbone)
 * @param tokensResident whether the tokens are in memory (else spilled to a file)
 * @param lnamdChunk images per LNAMD chunk
 * @param msm MSM's plan
 * @param productElementBytes bytes per element of the product form
 */
public record MemoryPlan(long images, long patches, long channels, int layers, int degrees, int tokenElementBytes,
        boolean tokensResident, int lnamdChunk, MutualScoring.Plan msm, int productElementBytes) {

    /**
     * Token-sized arrays of one LNAMD chunk resident at once (the tokens read, the centred and
     * normalised maps, the pooled and unit features, the product rows, and a spilled store's read
     * buffer).
     */
    static final int LNAMD_COPIES = 6;
    /** LNAMD chunks get this share of the budget, as MSM's tile does. */
    static final int LNAMD_SHARE = 4;

    /**
     * The plan for scoring N images on a device.
     *
     * @param tokensResident whether the tokens stay in memory
     */
    public static MemoryPlan of(long images, long patches, long channels, int layers, MuscConfig config,
            int tokenElementBytes, boolean tokensResident, Device device) {
        long imageTokenBytes = (1 + patches) * channels * Float.BYTES;
        long chunk = config.memoryBudgetBytes() / LNAMD_SHARE / (imageTokenBytes * LNAMD_COPIES);
        MutualScoring.Plan msm = new MutualScoring(config.interval(), config.memoryBudgetBytes(), config.precision())
                .plan(images, patches, channels, device);
        return new MemoryPlan(images, patches, channels, layers, config.degrees().size(), tokenElementBytes,
                tokensResident, (int) Math.max(1, Math.min(images, chunk)), msm, config.precision().bytes());
    }

    /** Whether tokens of this size should be spilled: they exceed {@code tokenBudgetBytes}. */
    public static boolean spills(long images, long patches, long channels, int layers, int tokenElementBytes,
            long tokenBudgetBytes) {
        return images * layers * (1 + patches) * channels * tokenElementBytes > tokenBudgetBytes;
    }

    /** All layers' tokens (N, 1+L, C), whether resident or not. */
    public long tokenBytes() {
        return images * layers * (1 + patches) * channels * tokenElementBytes;
    }

    /** The MSM product form (N, L, C+2). */
    public long productFormBytes() {
        return images * patches * (channels + 2) * productElementBytes;
    }

    /** One LNAMD chunk's temporaries. */
    public long lnamdBytes() {
        return lnamdChunk * (1 + patches) * channels * Float.BYTES * LNAMD_COPIES;
    }

    /** Java heap: the MSM scores of every (degree, layer), the per-degree means and the patch map, float64. */
    public long resultBytes() {
        return (long) (degrees * layers + degrees + 1) * images * patches * Double.BYTES;
    }

    /** The peak of scoring (see the class comment). */
    public long peakBytes() {
        return (tokensResident ? tokenBytes() : 0) + productFormBytes() + Math.max(lnamdBytes(), msm.bytes())
                + resultBytes();
    }

    /** A multi-line account in MiB. */
    public String describe() {
        return String.format("N=%d L=%d C=%d layers=%d degrees=%d%n"
                + "  tokens %s: %.1f MiB%n"
                + "  MSM product form N*L*(C+2)*%d: %.1f MiB%n"
                + "  LNAMD chunk of %d images: %.1f MiB%n"
                + "  MSM %s (%d %s): %.1f MiB (tile %d query patches x %d images)%n"
                + "  scores on the heap: %.1f MiB%n"
                + "  peak of scoring: %.1f MiB",
                images, patches, channels, layers, degrees,
                tokensResident ? "resident" : "spilled to disk (not counted)", mib(tokenBytes()),
                productElementBytes, mib(productFormBytes()), lnamdChunk, mib(lnamdBytes()),
                msm.symmetric() ? "symmetric, whole N*N*L store" : "query blocks", msm.rowsPerBlock(),
                msm.symmetric() ? "rows per averaging chunk" : "query images per block", mib(msm.bytes()),
                msm.tile().queryPatches(), msm.tile().referenceImages(), mib(resultBytes()), mib(peakBytes()));
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }
}
