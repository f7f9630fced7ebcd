package io.musc4j.engine.lnamd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import io.musc4j.engine.msm.NeighbourhoodMaps;
import java.util.ArrayList;
import java.util.List;

/**
 * LNAMD (Local Neighbourhood Aggregation with Multiple Degrees, MuSc §3.2).
 *
 * <p>A ViT patch token sees one patch; anomalies come in many sizes. LNAMD therefore turns the patch
 * tokens of one tapped layer into features of r×r neighbourhoods for several aggregation degrees r:
 * <ol>
 *   <li>LayerNorm over the whole (C, h, w) map of each image (one mean and one biased variance for
 *       all C·h·w values, eps 1e-5, no affine parameters). This is what the reference computes, not
 *       a per-token LayerNorm;</li>
 *   <li>an r×r mean per channel with stride 1, zero padding of (r−1)/2 and divisor r² (padding
 *       zeros count);</li>
 *   <li>L2 normalisation of every patch vector.</li>
 * </ol>
 * The LayerNorm does not depend on r, so it is computed once per layer for all degrees.
 */
public final class Lnamd {

    private static final float LAYER_NORM_EPS = 1e-5f;
    private static final int[] PER_IMAGE = {1};
    private static final int[] LAST = {2};

    private final int gridH;
    private final int gridW;

    /**
     * @param gridH patch rows h
     * @param gridW patch columns w
     */
    public Lnamd(int gridH, int gridW) {
        if (gridH < 1 || gridW < 1) {
            throw new IllegalArgumentException("LNAMD: patch grid must be positive, got " + gridH + "x" + gridW);
        }
        this.gridH = gridH;
        this.gridW = gridW;
    }

    /**
     * Aggregates one tapped layer for every degree.
     *
     * @param tokens (N, 1+L, C) float32 tokens as the backbone gives them; token 0 (CLS or the
     *     DINOv2 zero row) is dropped
     * @param degrees odd aggregation degrees r ≥ 1
     * @return per degree, in the order given, the L2-normalised features (N, L, C) float32, attached
     *     to the manager of {@code tokens}
     */
    public List<NDArray> aggregate(NDArray tokens, List<Integer> degrees) {
        checked(tokens, degrees);
        Shape s = tokens.getShape();
        long n = s.get(0);
        long c = s.get(2);
        List<NDArray> out = new ArrayList<>(degrees.size());
        try (var scope = tokens.getManager().newSubManager()) {
            NDArray map = layerNormed(tokens, scope).reshape(n, gridH, gridW, c).transpose(0, 3, 1, 2);
            for (int r : degrees) {
                try (var degreeScope = scope.newSubManager()) {
                    NDArray m = map.get(degreeScope, new NDIndex(":"));
                    NDArray z = means(m, r);
                    NDArray unit = z.div(z.norm(LAST, true));
                    unit.attach(tokens.getManager());
                    out.add(unit);
                }
            }
        }
        return out;
    }

    /**
     * The same features in the form that scores every degree from one product ({@link NeighbourhoodMaps}):
     * the layer-normed map, whose degree-r feature is the unit vector of its r×r box sum, and per degree
     * the inverse norms of those sums (the r² divisor of the mean cancels in the unit vector), and the
     * squared norms of the unit features.
     *
     * @param tokens (N, 1+L, C) float32 tokens; token 0 is dropped
     * @param degrees odd aggregation degrees r ≥ 1
     * @return the (N, L, C) map, the (D, N, L) inverse norms and unit squares, attached to the manager of
     *     {@code tokens}
     */
    public NeighbourhoodMaps.Block neighbourhoods(NDArray tokens, List<Integer> degrees) {
        checked(tokens, degrees);
        Shape s = tokens.getShape();
        long n = s.get(0);
        long c = s.get(2);
        long patches = (long) gridH * gridW;
        try (var scope = tokens.getManager().newSubManager()) {
            NDArray normed = layerNormed(tokens, scope);
            NDArray grid = normed.reshape(n, gridH, gridW, c).transpose(0, 3, 1, 2);
            NDList inverse = new NDList(degrees.size());
            NDList squares = new NDList(degrees.size());
            for (int r : degrees) {
                NDArray means = means(grid, r);
                NDArray norms = means.norm(LAST, true);
                // ‖u‖² of the unit feature u = z / ‖z‖, as aggregate and the product form compute it
                squares.add(means.div(norms).square().sum(LAST));
                NDArray sumNorms = norms.reshape(n, patches).mul(r * r);
                // a division, not pow(−1): libtorch's vectorised pow is not correctly rounded, so its result
                // would depend on where an element falls in a block, and the scores on the block's size
                inverse.add(sumNorms.onesLike().div(sumNorms));
            }
            NeighbourhoodMaps.Block block = new NeighbourhoodMaps.Block(normed.reshape(n, patches, c),
                    NDArrays.stack(inverse), NDArrays.stack(squares));
            block.map().attach(tokens.getManager());
            block.inverseNorms().attach(tokens.getManager());
            block.unitSquares().attach(tokens.getManager());
            return block;
        }
    }

    private void checked(NDArray tokens, List<Integer> degrees) {
        checkTokens("LNAMD", tokens.getShape(), gridH, gridW);
        for (int r : degrees) {
            if (r < 1 || r % 2 == 0) {
                throw new IllegalArgumentException("LNAMD: aggregation degree must be odd and >= 1, got " + r);
            }
        }
    }

    /** Tokens (N, 1+h·w, C), or a one-line error naming the stage. */
    static void checkTokens(String stage, Shape s, int gridH, int gridW) {
        long patches = (long) gridH * gridW;
        if (s.dimension() != 3 || s.get(1) != patches + 1) {
            throw new IllegalArgumentException(stage + ": expected tokens (N, 1+" + patches + ", C) for a "
                    + gridH + "x" + gridW + " grid, got " + s);
        }
    }

    /** (N, L·C): one LayerNorm per image over its whole map, the tokens' order kept. */
    private NDArray layerNormed(NDArray tokens, NDManager scope) {
        Shape s = tokens.getShape();
        NDArray x = tokens.get(scope, new NDIndex(":, 1:, :")).reshape(s.get(0), (s.get(1) - 1) * s.get(2));
        NDArray centred = x.sub(x.mean(PER_IMAGE, true));
        NDArray variance = centred.square().mean(PER_IMAGE, true);
        return centred.div(variance.add(LAYER_NORM_EPS).sqrt());
    }

    /** The r×r means of an (N, C, h, w) map, zero padding counted, as (N, L, C). */
    private static NDArray means(NDArray map, int r) {
        NDArray pooled = r == 1 ? map : Pool.avgPool2d(map, new Shape(r, r), new Shape(1, 1),
                new Shape((r - 1) / 2, (r - 1) / 2), false, true);
        Shape s = map.getShape();
        return pooled.transpose(0, 2, 3, 1).reshape(s.get(0), s.get(2) * s.get(3), s.get(1));
    }
}
