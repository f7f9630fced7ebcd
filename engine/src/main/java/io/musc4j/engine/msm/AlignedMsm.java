package io.musc4j.engine.msm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Position-constrained ("aligned") MSM, an option beyond the reference for aligned parts: patch p
 * of image i at grid position (y, x) is compared only with the patches of image j at positions
 * (y+dy, x+dx), |dy|, |dx| ≤ w (a (2w+1)² window clipped at the grid border), not with all L patches
 * of j. The nearest of those distances is d_j(p), and the score is MSM's interval average over the
 * other images ({@link MsmInterval}). The work is O(N²·L·(2w+1)²·C) instead of O(N²·L²·C); with
 * w ≥ max(h, w) − 1 every window covers the whole grid and the scores equal full MSM.
 *
 * <p>Computation: for each offset (dy, dx) the query patches and the reference patches shifted by
 * the offset are paired position by position, one batched product per offset
 * ((P, t, C)·(P, C, N) for the P positions whose shifted partner lies on the grid), giving
 * |a|² + |b|² − 2a·b; a running minimum over the offsets keeps the nearest. Query images are taken
 * in chunks of t sized to the byte budget, and each chunk is reduced to its interval average at once,
 * so nothing of size N·N·L is ever resident. The features are read a chunk of images at a time into
 * the two grid layouts the products use, the only copies held.
 */
public final class AlignedMsm implements PatchScorer {

    /** Bytes per (query image, reference image, position) of a chunk: running minimum, product,
     *  distance temporaries, and the interval average's top-k values and indices. */
    private static final long BYTES_PER_ENTRY = 4 * 5 + 4 + 8;

    private final int gridH;
    private final int gridW;
    private final int window;
    private final MsmInterval interval;
    private final long budgetBytes;

    /**
     * @param gridH patch rows h
     * @param gridW patch columns w
     * @param window half-width w ≥ 0 of the compared window
     * @param interval MSM interval average
     * @param budgetBytes workspace budget of one chunk of query images
     */
    public AlignedMsm(int gridH, int gridW, int window, MsmInterval interval, long budgetBytes) {
        if (gridH < 1 || gridW < 1 || window < 0 || budgetBytes < 1) {
            throw new IllegalArgumentException("aligned MSM: grid " + gridH + "x" + gridW + ", window " + window
                    + " and budget " + budgetBytes + " must be positive (window >= 0)");
        }
        this.gridH = gridH;
        this.gridW = gridW;
        this.window = window;
        this.interval = interval;
        this.budgetBytes = budgetBytes;
    }

    /**
     * Aligned MSM scores of one layer at one aggregation degree.
     *
     * @param z (N, L, C) features, L = h·w in row-major grid order, N ≥ 2
     * @return (N, L) float64 on z's manager
     */
    public NDArray score(NDArray z) {
        return score(FeatureChunks.of(z), Math.toIntExact(z.getShape().get(0)), z.getManager());
    }

    /**
     * Aligned MSM scores of features read {@code chunkImages} images at a time into the grid layouts
     * the offsets compare (two copies of the features: see {@link #plan}).
     *
     * @return (N, L) float64 on {@code manager}
     */
    public NDArray score(FeatureChunks z, int chunkImages, NDManager manager) {
        return scoreRows(z, chunkImages, 0, checked(z), manager);
    }

    @Override
    public NDArray score(Pass pass, FeatureChunks features, int chunkImages, NDManager manager) {
        return score(features, chunkImages, manager);
    }

    @Override
    public NDArray scoreBlock(Pass pass, FeatureChunks z, int chunkImages, long from, long to, NDManager manager) {
        long n = checked(z);
        if (from < 0 || to > n || from >= to) {
            throw new IndexOutOfBoundsException("aligned MSM: query images [" + from + ", " + to + ") of " + n);
        }
        return scoreRows(z, chunkImages, from, to, manager);
    }

    /** The features in two grid layouts (2·N·L·C float32) and their squared norms; query chunks of
     *  images sized to the budget. */
    @Override
    public ScoringPlan plan(long images, long patches, long channels, Device device) {
        return plan(images, patches, channels, budgetBytes);
    }

    /** {@link #plan(long, long, long, Device)} of a scorer with this budget (the plan needs no grid). */
    static ScoringPlan plan(long images, long patches, long channels, long budgetBytes) {
        long chunk = queryChunk(images, patches, budgetBytes);
        return new ScoringPlan(false, (int) chunk, null, chunk * BYTES_PER_ENTRY * patches * images,
                images * patches * (2 * channels + 1) * Float.BYTES);
    }

    private static long queryChunk(long n, long l, long budgetBytes) {
        return Math.max(1, Math.min(n, budgetBytes / (BYTES_PER_ENTRY * l * n)));
    }

    private long checked(FeatureChunks z) {
        long n = z.images();
        if (n < 2) {
            throw new IllegalArgumentException("MSM needs at least 2 images to score each other, got " + n);
        }
        if (z.patches() != (long) gridH * gridW) {
            throw new IllegalArgumentException("aligned MSM: " + z.patches() + " patches do not form the " + gridH
                    + "x" + gridW + " grid");
        }
        return n;
    }

    private NDArray scoreRows(FeatureChunks z, int chunkImages, long from, long to, NDManager manager) {
        long n = z.images();
        long l = z.patches();
        long c = z.channels();
        long chunk = queryChunk(n, l, budgetBytes);
        try (NDManager scope = manager.newSubManager()) {
            // (h, w, N, C): one position's patches of all images are contiguous
            NDArray grid = scope.zeros(new Shape(l, n, c), DataType.FLOAT32);
            for (long j0 = 0; j0 < n; j0 += chunkImages) {
                long j1 = Math.min(n, j0 + chunkImages);
                try (NDManager part = scope.newSubManager()) {
                    grid.set(new NDIndex(":, {}:{}, :", j0, j1),
                            z.read(j0, j1, part).toType(DataType.FLOAT32, false).transpose(1, 0, 2));
                }
            }
            grid = grid.reshape(gridH, gridW, n, c);
            NDArray squares = grid.square().sum(new int[] {3});
            // (h, w, C, N): the right operand of every offset's product without a per-offset transpose
            // (flattening the transposed view forces the contiguous copy)
            NDArray columns = grid.transpose(0, 1, 3, 2).reshape(gridH * (long) gridW * c, n)
                    .reshape(gridH, gridW, c, n);
            NDList parts = new NDList();
            for (long i0 = from; i0 < to; i0 += chunk) {
                long i1 = Math.min(to, i0 + chunk);
                try (NDManager part = scope.newSubManager()) {
                    NDArray mean = interval.average(nearest(grid, columns, squares, i0, i1, part), (int) n - 1);
                    mean.attach(scope);
                    parts.add(mean);
                }
            }
            NDArray scores = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
            scores.attach(manager);
            return scores;
        }
    }

    /** Distances (t, N, L) from query images [i0, i1) to their nearest in-window patch of every image,
     *  +∞ for an image against itself. */
    private NDArray nearest(NDArray grid, NDArray columns, NDArray squares, long i0, long i1, NDManager part) {
        long t = i1 - i0;
        long n = grid.getShape().get(2);
        long c = grid.getShape().get(3);
        NDArray queries = grid.get(part, new NDIndex(":, :, {}:{}", i0, i1));
        NDArray querySquares = squares.get(part, new NDIndex(":, :, {}:{}", i0, i1));
        NDArray best = part.full(new Shape(gridH, gridW, t, n), Float.POSITIVE_INFINITY, DataType.FLOAT32);
        for (int dy = -window; dy <= window; dy++) {
            int y0 = Math.max(0, -dy);
            int y1 = Math.min(gridH, gridH - dy);
            for (int dx = -window; dx <= window; dx++) {
                int x0 = Math.max(0, -dx);
                int x1 = Math.min(gridW, gridW - dx);
                if (y1 <= y0 || x1 <= x0) {
                    continue;
                }
                long positions = (long) (y1 - y0) * (x1 - x0);
                NDIndex here = new NDIndex("{}:{}, {}:{}", y0, y1, x0, x1);
                NDIndex there = new NDIndex("{}:{}, {}:{}", y0 + dy, y1 + dy, x0 + dx, x1 + dx);
                try (NDManager offset = part.newSubManager()) {
                    NDArray a = queries.get(offset, here).reshape(positions, t, c);
                    NDArray b = columns.get(offset, there).reshape(positions, c, n);
                    NDArray d2 = a.batchMatMul(b).mul(-2)
                            .add(querySquares.get(offset, here).reshape(positions, t, 1))
                            .add(squares.get(offset, there).reshape(positions, 1, n));
                    best.set(here, best.get(offset, here).minimum(d2.reshape(y1 - y0, x1 - x0, t, n)));
                }
            }
        }
        float[] self = new float[(int) (t * n)];
        for (long k = 0; k < t; k++) {
            self[(int) (k * n + i0 + k)] = Float.POSITIVE_INFINITY;
        }
        return best.reshape(gridH * (long) gridW, t, n).transpose(1, 2, 0).maximum(0f).sqrt()
                .add(part.create(self, new Shape(t, n, 1)));
    }
}
