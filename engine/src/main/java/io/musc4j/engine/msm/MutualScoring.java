package io.musc4j.engine.msm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * MSM (Mutual Scoring Mechanism, MuSc §3.3): the unlabeled test images score each other.
 *
 * <p>For patch p of image i and every other image j, take the distance from p to its nearest patch
 * of j ({@link NearestPatchMinima}). Normal patches find close matches in most images; an anomalous
 * patch finds close matches in few. So the score of p is the mean of the smallest of these N−1
 * distances, those ranked in the {@link MsmInterval} (by default the lowest 30 %).
 */
public final class MutualScoring {

    private final NearestPatchMinima kernel;
    private final MsmInterval interval;
    private final long budgetBytes;

    /**
     * @param budgetBytes workspace budget for one tile of the kernel and one row chunk of the
     *     interval average
     */
    public MutualScoring(MsmInterval interval, long budgetBytes, MsmPrecision precision) {
        this.kernel = new NearestPatchMinima(budgetBytes, precision);
        this.interval = interval;
        this.budgetBytes = budgetBytes;
    }

    /** The kernel, for planning and reuse. */
    public NearestPatchMinima kernel() {
        return kernel;
    }

    /**
     * MSM scores of one layer at one aggregation degree.
     *
     * @param z (N, L, C) L2-normalised LNAMD features, N ≥ 2
     * @return (N, L) float64 on z's manager
     */
    public NDArray score(NDArray z) {
        long n = z.getShape().get(0);
        if (n < 2) {
            throw new IllegalArgumentException("MSM needs at least 2 images to score each other, got " + n);
        }
        long l = z.getShape().get(1);
        // topK keeps values (float32) and indices (int64) of the kept ranks; the input row is resident.
        long bytesPerRow = n * l * (4 + 4 + 8);
        long rows = Math.max(1, Math.min(n, budgetBytes / bytesPerRow));
        try (NDManager scope = z.getManager().newSubManager()) {
            NDArray minima = kernel.mutual(z.get(scope, new NDIndex(":")));
            NDList parts = new NDList();
            for (long i0 = 0; i0 < n; i0 += rows) {
                parts.add(interval.average(minima.get(new NDIndex("{}:{}", i0, Math.min(n, i0 + rows))), (int) n - 1));
            }
            NDArray scores = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
            scores.attach(z.getManager());
            return scores;
        }
    }
}
