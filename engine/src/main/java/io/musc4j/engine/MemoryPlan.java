package io.musc4j.engine;

import ai.djl.Device;
import io.musc4j.engine.lnamd.Aggregator;
import io.musc4j.engine.msm.CpuCaches;
import io.musc4j.engine.msm.ScoringPlan;

/**
 * The memory accounting of scoring one image set: which arrays are resident at once, how large, and
 * the strategy chosen from it. {@link MuscPipeline} sizes its blocks with it; benchmarks print it.
 *
 * <p>Scoring runs pass by pass (a layer at one feature set, see {@link io.musc4j.engine.msm.Pass}), or a
 * layer at a time where the scorer takes a layer's sets as one map (then the minima store holds every
 * set). For one pass the resident arrays are: the tokens of all layers if they are {@link #tokensResident()
 * resident} (else they are in a file); the features in the form the patch scorer compares (for full
 * MSM the product form (N, L, C+2) in the product precision), filled by the aggregation one chunk of
 * images at a time; while filling, one aggregation chunk's temporaries; afterwards, the scorer's
 * workspace ({@link ScoringPlan}: for full MSM the whole minima store or one query block, one tile, one
 * averaging chunk); and on the Java heap the MSM scores kept for the final means. The peak is their
 * sum with the larger of the two phases. Not counted: the backbone (its weights and one batch) and
 * the runtime itself (the JVM and the native library), which a caller adds.
 *
 * @param images N
 * @param patches L = h·w
 * @param channels C
 * @param layers tapped layers
 * @param degrees feature sets per layer (LNAMD: the degrees; SNAMD: 1)
 * @param tokenElementBytes bytes per token element (4 for float32, 2 for a half-precision backbone)
 * @param tokensResident whether the tokens are in memory (else spilled to a file)
 * @param lnamdChunk images per aggregation chunk (LNAMD or SNAMD)
 * @param aggregationCopies token-sized arrays one image keeps resident while aggregated
 * @param msm the patch scorer's plan
 */
public record MemoryPlan(long images, long patches, long channels, int layers, int degrees, int tokenElementBytes,
        boolean tokensResident, int lnamdChunk, int aggregationCopies, ScoringPlan msm) {

    /** Aggregation chunks get this share of the budget, as MSM's tile does. */
    static final int LNAMD_SHARE = 4;

    /**
     * On a CPU, one token-sized array of an aggregation chunk need not exceed this: an elementwise op over
     * 8 MiB takes some hundreds of µs against a few µs of call overhead, so a larger chunk gains nothing
     * and only touches more memory. It also bounds the chunk where the last-level cache reads implausibly
     * large: a virtual machine may report its host's whole L3 as one cache (508 MiB on a Zen 5 VM, where
     * all 40 ViT-B images then ran as one chunk: 200–300 MB more fresh memory per run).
     */
    static final long LNAMD_OP_BYTES = 8L << 20;

    /**
     * The plan for scoring N images on a device under a configuration's aggregation, patch scoring
     * and budget.
     *
     * @param tokensResident whether the tokens stay in memory
     */
    public static MemoryPlan of(long images, long patches, long channels, int layers, MuscConfig config,
            int tokenElementBytes, boolean tokensResident, Device device) {
        Aggregator aggregation = config.aggregation().over(config.degrees());
        ScoringPlan msm = config.scoring().plan(images, patches, channels,
                aggregation.givesNeighbourhoods() ? aggregation.featureSets().size() : 1, config.interval(),
                config.memoryBudgetBytes(), config.precision().products(), device);
        return of(images, patches, channels, layers, aggregation, msm, config.memoryBudgetBytes(), tokenElementBytes,
                tokensResident, device);
    }

    /**
     * The plan for a given aggregation stage and patch scorer's plan. On a CPU an aggregation chunk's
     * temporaries also stay within the last-level cache ({@link #cpuChunk}): larger chunks run from memory,
     * and the first pass over each layer touches their pages afresh (40 ViT-B images at once took 3–4× as
     * long as chunks of 4–8 on a 32 MiB L3, `bench speed`'s LNAMD).
     */
    static MemoryPlan of(long images, long patches, long channels, int layers, Aggregator aggregation,
            ScoringPlan msm, long budgetBytes, int tokenElementBytes, boolean tokensResident, Device device) {
        long perImage = (1 + patches) * channels * Float.BYTES * aggregation.tokenCopies();
        long chunk = budgetBytes / LNAMD_SHARE / perImage;
        if (!device.isGpu()) {
            chunk = Math.min(chunk, cpuChunk((1 + patches) * channels * Float.BYTES, aggregation.tokenCopies(),
                    CpuCaches.detect(), Runtime.getRuntime().availableProcessors()));
        }
        return new MemoryPlan(images, patches, channels, layers, aggregation.featureSets().size(), tokenElementBytes,
                tokensResident, (int) Math.max(1, Math.min(images, chunk)), aggregation.tokenCopies(), msm);
    }

    /**
     * Images per aggregation chunk on a CPU: as many as keep the chunk's temporaries ({@code copies} arrays
     * of {@code imageBytes} per image) within the last-level cache, or the computing cores' L2 where no
     * L3 is known, and no more than keep one array within {@link #LNAMD_OP_BYTES}; at least 1.
     */
    static long cpuChunk(long imageBytes, int copies, CpuCaches caches, int cores) {
        long cache = caches.l3Bytes() > 0 ? caches.l3Bytes() : caches.l2Of(cores);
        return Math.max(1, Math.min(cache / (imageBytes * copies), LNAMD_OP_BYTES / imageBytes));
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

    /** The features held while a pass is scored, in the scorer's form (for full MSM the product form
     *  (N, L, C+2)). */
    public long productFormBytes() {
        return msm.referenceBytes();
    }

    /** One aggregation chunk's temporaries. */
    public long lnamdBytes() {
        return lnamdChunk * (1 + patches) * channels * Float.BYTES * aggregationCopies;
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
                + "  features held for MSM: %.1f MiB%n"
                + "  aggregation chunk of %d images: %.1f MiB%n"
                + "  MSM %s (%d %s): %.1f MiB%s%n"
                + "  scores on the heap: %.1f MiB%n"
                + "  peak of scoring: %.1f MiB",
                images, patches, channels, layers, degrees,
                tokensResident ? "resident" : "spilled to disk (not counted)", mib(tokenBytes()),
                mib(productFormBytes()), lnamdChunk, mib(lnamdBytes()),
                msm.symmetric() ? "symmetric, whole N*N*L store" : "query blocks", msm.rowsPerBlock(),
                msm.symmetric() ? "rows per averaging chunk" : "query images per block", mib(msm.bytes()),
                msm.tile() == null ? "" : String.format(" (tile %d query patches x %d images)",
                        msm.tile().queryPatches(), msm.tile().referenceImages()),
                mib(resultBytes()), mib(peakBytes()));
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }
}
