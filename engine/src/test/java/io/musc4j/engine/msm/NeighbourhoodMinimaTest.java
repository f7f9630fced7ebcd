package io.musc4j.engine.msm;

import io.musc4j.models.Precision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.musc4j.engine.lnamd.Lnamd;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every LNAMD degree of a layer scored from one product ({@link NeighbourhoodMinima} through
 * {@link FullMsm#scoreNeighbourhoods}) against MSM by its definition in float64 on the unit features
 * {@link Lnamd#aggregate} gives for each degree.
 */
class NeighbourhoodMinimaTest {

    private static final int N = 7;
    private static final int H = 6;
    private static final int W = 5; // not square: the box sums must take rows and columns apart
    private static final int C = 24;
    private static final List<Integer> DEGREES = List.of(1, 3, 5);
    private static final long BIG = 1L << 30;

    /** float32 rounding: the bound FullMsmTest holds the one-product-per-degree kernel to (here both
     *  kernels stay near 3e-7). */
    private static final double FP32 = 1e-6;

    private static NDArray tokens(NDManager m, int seed) {
        m.getEngine().setRandomSeed(seed);
        return m.randomNormal(new Shape(N, 1 + H * W, C));
    }

    private static NeighbourhoodMaps maps(NDArray tokens) {
        return NeighbourhoodMaps.of(new Lnamd(H, W).neighbourhoods(tokens, DEGREES), H, W, DEGREES);
    }

    @Test
    void everyDegreeFromOneProductIsMsmOfThatDegree() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray tokens = tokens(m, 11);
            List<NDArray> unit = new Lnamd(H, W).aggregate(tokens, DEGREES);
            FullMsm msm = new FullMsm(MsmInterval.DEFAULT, BIG, Precision.FP32);
            assertTrue(msm.scoresNeighbourhoods(N, H * W, C, DEGREES.size(), m.getDevice()));
            NDArray scores = msm.scoreNeighbourhoods(maps(tokens), 3, m);
            assertEquals(new Shape(DEGREES.size(), N, H * W), scores.getShape());
            for (int d = 0; d < DEGREES.size(); d++) {
                double[] expected = MsmDefinition.msm(unit.get(d).toFloatArray(), N, H, W, C, -1, MsmInterval.DEFAULT);
                double err = maxAbs(expected, scores.get(d).toDoubleArray());
                double perPass = maxAbs(expected, msm.score(unit.get(d)).toDoubleArray());
                System.out.printf("r=%d: one product for every degree %.2e, one per degree %.2e from float64%n",
                        DEGREES.get(d), err, perPass);
                assertTrue(err < FP32, "r=" + DEGREES.get(d) + ": " + err);
            }
        }
    }

    @Test
    void queryBlocksAndSmallTilesGiveTheSymmetricStoresNumbers() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray tokens = tokens(m, 12);
            double[] whole = new FullMsm(MsmInterval.DEFAULT, BIG, Precision.FP32)
                    .scoreNeighbourhoods(maps(tokens), N, m).toDoubleArray();
            // one byte: query blocks of one image, one reference image per tile, maps read one at a time
            FullMsm tiny = new FullMsm(MsmInterval.DEFAULT, 1, Precision.FP32);
            assertTrue(tiny.scoresNeighbourhoods(N, H * W, C, DEGREES.size(), m.getDevice()));
            double[] blocks = tiny.scoreNeighbourhoods(maps(tokens), 1, m).toDoubleArray();
            assertTrue(maxAbs(whole, blocks) < 1e-6, "query blocks: " + maxAbs(whole, blocks));
            // rows [2, 5) from the queries' side, as a worker computes them
            NDArray rows = new FullMsm(MsmInterval.DEFAULT, BIG, Precision.FP32)
                    .scoreNeighbourhoodsBlock(maps(tokens), N, 2, 5, m);
            assertEquals(new Shape(DEGREES.size(), 3, H * W), rows.getShape());
            for (int d = 0; d < DEGREES.size(); d++) {
                double[] part = rows.get(d).toDoubleArray();
                for (int i = 0; i < part.length; i++) {
                    assertEquals(whole[(d * N + 2) * H * W + i], part[i], 1e-6);
                }
            }
        }
    }

    /**
     * One product may span several tiles' references, whose passes then run a tile's references at a
     * time over their rows of it, the last product and the last run of a product possibly short. Every
     * split gives each degree's nearest-patch distances by definition: a bank's rows ({@code cross})
     * and a set's store of all pairs ({@code mutual}).
     */
    @Test
    void productsSpanningSeveralTilesGiveTheNearestDistances() {
        int n = 8;
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(14);
            NDArray tokens = m.randomNormal(new Shape(n, 1 + H * W, C));
            double[][][][] nearest = nearestByDefinition(new Lnamd(H, W).aggregate(tokens, DEGREES), n);
            NeighbourhoodMinima.Form query = NeighbourhoodMinima.Form.of(maps(tokens.get("0:1")), 1, m);
            NeighbourhoodMinima.Form bank = NeighbourhoodMinima.Form.of(maps(tokens.get("1:")), n - 1, m);
            NeighbourhoodMinima.Form all = NeighbourhoodMinima.Form.of(maps(tokens), n, m);
            // {query images per tile, references per tile, references per product}: products of 4 + 3
            // tiles of one; one product of runs 2, 2, 2, 1; products of 6 + 1; one tile per product
            int[][] splits = {{1, 1, 4}, {1, 2, 8}, {1, 3, 6}, {1, 2, 1}, {2, 1, 3}, {3, 2, 5}};
            for (int[] split : splits) {
                NearestPatchMinima.TilePlan plan = new NearestPatchMinima.TilePlan(split[0], split[1], H * W, 0);
                String what = split[0] + " x " + split[1] + " per tile, " + split[2] + " per product";
                if (split[0] == 1) {
                    // (D, Q = 1, M, L): image 0 against images 1..n-1
                    float[] rows = NeighbourhoodMinima.cross(query, bank, plan, split[2], m).toFloatArray();
                    double worst = 0;
                    for (int d = 0; d < DEGREES.size(); d++) {
                        for (int j = 1; j < n; j++) {
                            for (int p = 0; p < H * W; p++) {
                                worst = Math.max(worst, Math.abs(nearest[d][0][j][p]
                                        - rows[((d * (n - 1)) + j - 1) * H * W + p]));
                            }
                        }
                    }
                    assertTrue(worst < FP32, "cross, " + what + ": " + worst);
                }
                // (D, N, N, L), +inf on the diagonal
                float[] store = NeighbourhoodMinima.mutual(all, plan, split[2], m).toFloatArray();
                double worst = 0;
                for (int d = 0; d < DEGREES.size(); d++) {
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < n; j++) {
                            for (int p = 0; p < H * W; p++) {
                                float got = store[((d * n + i) * n + j) * H * W + p];
                                worst = i == j ? (got == Float.POSITIVE_INFINITY ? worst : Double.POSITIVE_INFINITY)
                                        : Math.max(worst, Math.abs(nearest[d][i][j][p] - got));
                            }
                        }
                    }
                }
                assertTrue(worst < FP32, "mutual, " + what + ": " + worst);
            }
        }
    }

    /** [degree][i][j][p]: float64 distance from patch p of image i to its nearest patch of image j. */
    private static double[][][][] nearestByDefinition(List<NDArray> unit, int n) {
        double[][][][] out = new double[unit.size()][][][];
        for (int d = 0; d < unit.size(); d++) {
            float[] u = unit.get(d).toFloatArray();
            out[d] = MsmDefinition.nearest(u, n, u, n, H * W, C);
        }
        return out;
    }

    @Test
    void halfPrecisionProductsAndSplitImagesAreScoredPassByPass() {
        assertFalse(new FullMsm(MsmInterval.DEFAULT, BIG, Precision.FP16).scoresNeighbourhoods(N, H * W, C,
                DEGREES.size(), Device.cpu()));
        assertTrue(NeighbourhoodMinima.fits(new NearestPatchMinima.TilePlan(1, 1, H * W, 0), H * W));
        assertFalse(NeighbourhoodMinima.fits(new NearestPatchMinima.TilePlan(1, 1, H * W - 1, 0), H * W));
        // a store of every degree that does not fit where one pass's does: pass by pass (each pair once)
        long images = 1000;
        long budget = 1L << 30; // 3 x 1000 x 1000 x 256 x 4 B of minima do not fit, 1 x ... does
        FullMsm msm = new FullMsm(MsmInterval.DEFAULT, budget, Precision.FP32);
        assertFalse(msm.scoresNeighbourhoods(images, 256, 768, 3, Device.cpu()));
        assertTrue(msm.scoresNeighbourhoods(images / 2, 256, 768, 3, Device.cpu()));
    }

    private static double maxAbs(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
