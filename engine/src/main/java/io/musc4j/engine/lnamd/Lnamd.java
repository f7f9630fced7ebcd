package io.musc4j.engine.lnamd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
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
        Shape s = tokens.getShape();
        long patches = (long) gridH * gridW;
        if (s.dimension() != 3 || s.get(1) != patches + 1) {
            throw new IllegalArgumentException("LNAMD: expected tokens (N, 1+" + patches + ", C) for a "
                    + gridH + "x" + gridW + " grid, got " + s);
        }
        for (int r : degrees) {
            if (r < 1 || r % 2 == 0) {
                throw new IllegalArgumentException("LNAMD: aggregation degree must be odd and >= 1, got " + r);
            }
        }
        long n = s.get(0);
        long c = s.get(2);
        List<NDArray> out = new ArrayList<>(degrees.size());
        try (var scope = tokens.getManager().newSubManager()) {
            // (N, L·C): one LayerNorm per image over its whole map
            NDArray x = tokens.get(scope, new NDIndex(":, 1:, :")).reshape(n, patches * c);
            NDArray centred = x.sub(x.mean(PER_IMAGE, true));
            NDArray variance = centred.square().mean(PER_IMAGE, true);
            NDArray normed = centred.div(variance.add(LAYER_NORM_EPS).sqrt());
            NDArray map = normed.reshape(n, gridH, gridW, c).transpose(0, 3, 1, 2);
            for (int r : degrees) {
                try (var degreeScope = scope.newSubManager()) {
                    NDArray m = map.get(degreeScope, new NDIndex(":"));
                    NDArray pooled = r == 1 ? m
                            : Pool.avgPool2d(m, new Shape(r, r), new Shape(1, 1),
                                    new Shape((r - 1) / 2, (r - 1) / 2), false, true);
                    NDArray z = pooled.transpose(0, 2, 3, 1).reshape(n, patches, c);
                    NDArray unit = z.div(z.norm(new int[] {2}, true));
                    unit.attach(tokens.getManager());
                    out.add(unit);
                }
            }
        }
        return out;
    }
}
