package io.musc4j.engine.lnamd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * SNAMD (Similarity Neighborhood Aggregation with Multi-Degrees, MuSc-V2, Li, Xue and Zhou 2025,
 * arXiv 2511.10047), the 2D branch, as the authors' code (github HUST-SLOW/MuSc-V2,
 * {@code models/modules/_SNAMD.py}, {@code _embed_2d}) computes it. An option beyond the reference
 * MuSc: one feature per layer instead of one per layer and degree, so MSM runs once per layer.
 *
 * <p>For each image, layer and grid position with token f_c (token 0 dropped, no LayerNorm — the
 * MuSc-V2 code normalises nothing before this step):
 * <ol>
 *   <li>every neighbour q within the largest degree's window R×R, the map zero-padded by (R−1)/2,
 *       gets the weight λ_q = exp(−‖f_q − f_c‖₂) (the Euclidean distance, not its square; a padded
 *       neighbour is the zero vector, so its weight is exp(−‖f_c‖) and it adds nothing to the sum);</li>
 *   <li>for each degree r, the similarity-weighted mean over the central r×r window:
 *       Σ λ_q f_q / Σ λ_q (r = 1 gives f_c);</li>
 *   <li>the plain mean of these over the degrees, then L2 normalisation.</li>
 * </ol>
 * The authors compute in half precision; this is float32. Because the weights decay with the raw
 * token distance, neighbours far from the centre in feature space (an anomaly's edge) barely dilute
 * it, unlike LNAMD's uniform mean.
 */
public final class Snamd {

    /** Images aggregated at once: bounds the per-degree sums to a few chunk-sized arrays. */
    private static final long CHUNK = 16;

    private final int gridH;
    private final int gridW;

    /**
     * @param gridH patch rows h
     * @param gridW patch columns w
     */
    public Snamd(int gridH, int gridW) {
        if (gridH < 1 || gridW < 1) {
            throw new IllegalArgumentException("SNAMD: patch grid must be positive, got " + gridH + "x" + gridW);
        }
        this.gridH = gridH;
        this.gridW = gridW;
    }

    /**
     * Aggregates one tapped layer over all degrees at once.
     *
     * @param tokens (N, 1+L, C) tokens as the backbone gives them; token 0 is dropped
     * @param degrees odd degrees r ≥ 1
     * @return (N, L, C) float32 unit vectors, attached to the manager of {@code tokens}
     */
    public NDArray aggregate(NDArray tokens, List<Integer> degrees) {
        Shape s = tokens.getShape();
        Lnamd.checkTokens("SNAMD", s, gridH, gridW);
        long patches = (long) gridH * gridW;
        if (degrees.isEmpty() || degrees.stream().anyMatch(r -> r < 1 || r % 2 == 0)) {
            throw new IllegalArgumentException("SNAMD: aggregation degrees must be odd and >= 1, got " + degrees);
        }
        long n = s.get(0);
        long c = s.get(2);
        NDArray out = tokens.getManager().zeros(new Shape(n, patches, c), DataType.FLOAT32);
        for (long i0 = 0; i0 < n; i0 += CHUNK) {
            long i1 = Math.min(n, i0 + CHUNK);
            try (NDManager scope = tokens.getManager().newSubManager()) {
                NDArray map = tokens.get(scope, new NDIndex("{}:{}, 1:, :", i0, i1)).toType(DataType.FLOAT32, false)
                        .reshape(i1 - i0, gridH, gridW, c);
                out.set(new NDIndex("{}:{}", i0, i1), aggregateChunk(map, degrees).reshape(i1 - i0, patches, c));
            }
        }
        return out;
    }

    /** (t, h, w, C) map → (t, h, w, C) unit SNAMD features, on the map's manager. */
    private NDArray aggregateChunk(NDArray map, List<Integer> degrees) {
        int reach = (Collections.max(degrees) - 1) / 2;
        // zero padding of the two grid axes (torch pad order: last axis first)
        NDArray padded = map.pad(new Shape(0, 0, reach, reach, reach, reach), 0);
        NDManager manager = map.getManager();
        Shape shape = map.getShape();
        List<NDArray> sums = new ArrayList<>();
        List<NDArray> weights = new ArrayList<>();
        for (int ignored : degrees) {
            sums.add(manager.zeros(shape, DataType.FLOAT32));
            weights.add(manager.zeros(new Shape(shape.get(0), gridH, gridW, 1), DataType.FLOAT32));
        }
        for (int dy = -reach; dy <= reach; dy++) {
            for (int dx = -reach; dx <= reach; dx++) {
                try (NDManager offset = manager.newSubManager()) {
                    NDArray neighbour = padded.get(offset, new NDIndex(":, {}:{}, {}:{}, :", reach + dy,
                            reach + dy + gridH, reach + dx, reach + dx + gridW));
                    NDArray lambda = neighbour.sub(map).norm(new int[] {3}, true).neg().exp();
                    NDArray weighted = neighbour.mul(lambda);
                    int ring = Math.max(Math.abs(dy), Math.abs(dx));
                    for (int k = 0; k < degrees.size(); k++) {
                        if (ring <= (degrees.get(k) - 1) / 2) {
                            sums.get(k).addi(weighted);
                            weights.get(k).addi(lambda);
                        }
                    }
                }
            }
        }
        NDArray mean = null;
        for (int k = 0; k < degrees.size(); k++) {
            NDArray perDegree = sums.get(k).div(weights.get(k));
            mean = mean == null ? perDegree : mean.add(perDegree);
        }
        mean = mean.div(degrees.size());
        return mean.div(mean.norm(new int[] {3}, true));
    }
}
