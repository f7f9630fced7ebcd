package io.musc4j.engine.msm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The nearest-neighbour kernel under MSM: for a patch p of image i and another image j, the
 * Euclidean distance from p to its nearest patch of j, {@code D[i][j][p] = min_q ‖Z[i,p] − Z[j,q]‖₂}.
 *
 * <p>Distances come from one matrix product per tile, as torch's {@code cdist} does: with
 * a' = [−2a, |a|², 1] and b' = [b, 1, |b|²], a'·b' = |a|² + |b|² − 2a·b. Minima are taken over the
 * squared distances on the device; only the minima are clamped at 0 and square-rooted (both are
 * monotone, so this equals the minimum of the distances).
 *
 * <p>A tile is one image against a chunk of reference images: an (L × chunk·L) product. The chunk
 * is the largest that keeps the tile's workspace within the byte budget (at least one image, so
 * the smallest possible tile is one L×L product), so the workspace does not grow with N and nothing
 * of size N·L·L ever exists. Resident besides the workspace: the features in product form
 * [b, 1, |b|²] (one copy of the features, in the product precision) and the result, (N, M, L)
 * float32, the only array that grows with N·M.
 *
 * <p>This kernel knows nothing of MSM's interval average ({@link MsmInterval}, {@link MutualScoring}):
 * {@link #mutual} serves MSM over one set of images (each unordered pair once: the row minima of a
 * tile give i against j, its column minima j against i); {@link #cross} serves scoring query images
 * against a bank of reference images.
 */
public final class NearestPatchMinima {

    /** Product size per tile on a CPU: about what stays in a core's L2 cache. */
    static final long CPU_PRODUCT_BYTES = 2L << 20;

    private final long budgetBytes;
    private final MsmPrecision precision;

    /**
     * @param budgetBytes the largest workspace one tile may use (see {@link #plan})
     * @param precision arithmetic of the products
     */
    public NearestPatchMinima(long budgetBytes, MsmPrecision precision) {
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("MSM memory budget must be positive, got " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
        this.precision = precision;
    }

    /** How a tile is sized for images of {@code patches} patches of {@code channels} channels. */
    public record TilePlan(int referenceImages, long bytes) {
    }

    /**
     * The tile size for the given feature shape on a device: the number of reference images per
     * product and the tile's workspace in bytes (the product, the left operand and the minima). On
     * a CPU the product is also kept near {@value #CPU_PRODUCT_BYTES} bytes, so that the two minimum
     * reductions read it from cache: larger products are no faster there.
     */
    public TilePlan plan(long patches, long channels, Device device) {
        int e = precision.bytes();
        // per reference image: its column block of the product and its row and column minima
        long perImage = patches * patches * e + 2 * patches * (e + 4);
        // the left operand [−2a, |a|², 1] and the parts it is built from
        long fixed = 3 * patches * (channels + 2) * e;
        long fit = Math.max(1, (budgetBytes - fixed) / perImage);
        if (!device.isGpu()) {
            fit = Math.min(fit, Math.max(1, CPU_PRODUCT_BYTES / (patches * patches * e)));
        }
        int chunk = (int) Math.min(Integer.MAX_VALUE, fit);
        return new TilePlan(chunk, fixed + chunk * perImage);
    }

    /**
     * Nearest-patch distances between all pairs of distinct images.
     *
     * @param z (N, L, C) float32 features
     * @return (N, N, L) float32 on z's manager; entry [i][j][p] for j ≠ i, +∞ where j = i
     */
    public NDArray mutual(NDArray z) {
        long n = z.getShape().get(0);
        long l = z.getShape().get(1);
        NDArray minima = z.getManager().full(new Shape(n, n, l), Float.POSITIVE_INFINITY, DataType.FLOAT32);
        int chunk = plan(l, z.getShape().get(2), z.getDevice()).referenceImages();
        try (NDManager scope = z.getManager().newSubManager()) {
            Operands ops = Operands.of(z, precision, chunk, scope);
            for (long i = 0; i + 1 < n; i++) {
                try (NDManager row = scope.newSubManager()) {
                    NDArray left = ops.left(i, row);
                    for (long j0 = i + 1; j0 < n; j0 += chunk) {
                        long j1 = Math.min(n, j0 + chunk);
                        try (NDManager tile = row.newSubManager()) {
                            NDArray d2 = ops.squaredDistances(left, j0, j1, tile);
                            minima.set(new NDIndex("{}, {}:{}, :", i, j0, j1), distances(d2.min(new int[] {2})).transpose());
                            minima.set(new NDIndex("{}:{}, {}, :", j0, j1, i), distances(d2.min(new int[] {0})));
                        }
                    }
                }
            }
        }
        return minima;
    }

    /**
     * Nearest-patch distances from every query image to every bank image.
     *
     * @param queries (Q, L, C) float32 features
     * @param bank (M, L', C) float32 features
     * @return (Q, M, L) float32 on the queries' manager
     */
    public NDArray cross(NDArray queries, NDArray bank) {
        long q = queries.getShape().get(0);
        long l = queries.getShape().get(1);
        long m = bank.getShape().get(0);
        if (queries.getShape().get(2) != bank.getShape().get(2)) {
            throw new IllegalArgumentException("MSM: query and bank channel counts differ: "
                    + queries.getShape() + " vs " + bank.getShape());
        }
        NDArray minima = queries.getManager().zeros(new Shape(q, m, l), DataType.FLOAT32);
        int chunk = plan(Math.max(l, bank.getShape().get(1)), bank.getShape().get(2), bank.getDevice()).referenceImages();
        try (NDManager scope = queries.getManager().newSubManager()) {
            Operands qs = Operands.of(queries, precision, chunk, scope);
            Operands bs = Operands.of(bank, precision, chunk, scope);
            for (long i = 0; i < q; i++) {
                try (NDManager row = scope.newSubManager()) {
                    NDArray left = qs.left(i, row);
                    for (long j0 = 0; j0 < m; j0 += chunk) {
                        long j1 = Math.min(m, j0 + chunk);
                        try (NDManager tile = row.newSubManager()) {
                            NDArray d2 = bs.squaredDistances(left, j0, j1, tile);
                            minima.set(new NDIndex("{}, {}:{}, :", i, j0, j1), distances(d2.min(new int[] {2})).transpose());
                        }
                    }
                }
            }
        }
        return minima;
    }

    private static NDArray distances(NDArray squaredMinima) {
        return squaredMinima.toType(DataType.FLOAT32, false).maximum(0f).sqrt();
    }

    /**
     * Features in product form b' = [b, 1, |b|²] (N, L, C+2) in the product precision, owned by one
     * scope: built once per call (one copy of the features, image chunk by image chunk so that no
     * full-size temporary exists), so that every tile's right operand is a contiguous view.
     */
    private record Operands(NDArray right, long patches, long width) {

        static Operands of(NDArray features, MsmPrecision precision, int chunk, NDManager scope) {
            Shape s = features.getShape();
            long n = s.get(0);
            NDArray right = scope.zeros(new Shape(n, s.get(1), s.get(2) + 2), precision.dataType());
            for (long j0 = 0; j0 < n; j0 += chunk) {
                try (NDManager part = scope.newSubManager()) {
                    NDIndex range = new NDIndex("{}:{}", j0, Math.min(n, j0 + chunk));
                    NDArray b = features.get(part, range).toType(precision.dataType(), false);
                    NDArray bn = b.square().sum(new int[] {2}, true);
                    right.set(range, NDArrays.concat(new NDList(b, bn.onesLike(), bn), -1));
                }
            }
            return new Operands(right, s.get(1), s.get(2) + 2);
        }

        /** [−2a, |a|², 1] of image i: (L, C+2), owned by {@code scope}. */
        NDArray left(long i, NDManager scope) {
            NDArray b = right.get(scope, i);
            long c = width - 2;
            return NDArrays.concat(new NDList(b.get(":, :{}", c).mul(-2), b.get(":, {}:", c + 1),
                    b.get(":, {}:{}", c, c + 1)), -1);
        }

        /** |a−b|² for every patch of the left operand against images [j0, j1): (L, j1−j0, L'). */
        NDArray squaredDistances(NDArray left, long j0, long j1, NDManager scope) {
            NDArray b = right.get(scope, new NDIndex("{}:{}", j0, j1)).reshape((j1 - j0) * patches, width);
            return left.matMul(b.transpose()).reshape(left.getShape().get(0), j1 - j0, patches);
        }
    }
}
