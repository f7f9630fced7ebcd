package io.musc4j.engine.maps;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Bilinear upsampling of patch maps with {@code align_corners=True} semantics, in float64: output
 * pixel y samples source row y·(h−1)/(S−1), so the corner pixels land exactly on the corner patches.
 *
 * <p>DJL's interpolation ignores {@code align_corners}, so the separable interpolation is written
 * as two products with interpolation matrices: {@code out = Ry · M · Rxᵀ}, where row y of Ry holds
 * the two weights (1−λ, λ) of source rows ⌊src⌋ and ⌊src⌋+1.
 */
public final class AlignCornersUpsampler {

    private final int gridH;
    private final int gridW;
    private final int size;
    private final double[] rows;
    private final double[] columns;

    /**
     * @param gridH patch rows h
     * @param gridW patch columns w
     * @param size output side S (the network input size)
     */
    public AlignCornersUpsampler(int gridH, int gridW, int size) {
        if (gridH < 1 || gridW < 1 || size < 1) {
            throw new IllegalArgumentException("upsampling: grid and size must be positive, got "
                    + gridH + "x" + gridW + " -> " + size);
        }
        this.gridH = gridH;
        this.gridW = gridW;
        this.size = size;
        this.rows = weights(gridH, size);
        this.columns = weights(gridW, size);
    }

    /** (S × n) row-major interpolation matrix from n source samples to S outputs. */
    private static double[] weights(int n, int s) {
        double[] m = new double[s * n];
        double scale = s > 1 ? (double) (n - 1) / (s - 1) : 0;
        for (int y = 0; y < s; y++) {
            double src = scale * y;
            int i0 = Math.min((int) src, n - 1);
            int i1 = Math.min(i0 + 1, n - 1);
            double lambda = src - i0;
            m[y * n + i0] += 1 - lambda;
            m[y * n + i1] += lambda;
        }
        return m;
    }

    /**
     * Upsamples maps.
     *
     * @param maps (N, h·w) or (N, h, w), any float type
     * @return (N, S, S) float64 on the maps' manager
     */
    public NDArray upsample(NDArray maps) {
        long n = maps.getShape().get(0);
        try (NDManager scope = maps.getManager().newSubManager()) {
            NDArray m = maps.toType(DataType.FLOAT64, true).reshape(n, gridH, gridW);
            m.attach(scope);
            NDArray ry = scope.create(rows, new Shape(size, gridH));
            NDArray rxT = scope.create(columns, new Shape(size, gridW)).transpose();
            NDArray out = ry.matMul(m).matMul(rxT);
            out.attach(maps.getManager());
            return out;
        }
    }

    /** Output side S. */
    public int size() {
        return size;
    }

    /** Patch rows h. */
    public int gridH() {
        return gridH;
    }

    /** Patch columns w. */
    public int gridW() {
        return gridW;
    }
}
