package io.musc4j.engine.msm;

import io.musc4j.models.Precision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * The kernel's tile shapes: every shape (query images per product, reference images per tile,
 * patch blocks) gives the nearest-patch distances computed directly in float64.
 */
class NearestPatchMinimaTest {

    private static final int L = 16;
    private static final int C = 8;
    private static final long BIG = 1L << 30;
    /** float32 Gram-form distances of unit vectors agree with float64 differences to about 1e-7. */
    private static final double FP32 = 1e-6;

    /** D[i][j][p] = min_q ‖Z[i,p] − Z[j,q]‖ in float64 over images a (rows) and b (columns). */
    private static double[][][] direct(float[] a, int na, float[] b, int nb) {
        return MsmDefinition.nearest(a, na, b, nb, L, C);
    }

    /** Max |Δ| over entries, with +∞ required exactly where {@code infiniteDiagonal} and i = j (offset). */
    private static double maxAbs(double[][][] expected, float[] actual, long rowOffset, boolean infiniteDiagonal) {
        int nb = expected[0].length;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < nb; j++) {
                for (int p = 0; p < L; p++) {
                    float v = actual[(i * nb + j) * L + p];
                    if (infiniteDiagonal && i + rowOffset == j) {
                        assertEquals(Float.POSITIVE_INFINITY, v, "diagonal " + i);
                    } else {
                        worst = Math.max(worst, Math.abs(expected[i][j][p] - v));
                    }
                }
            }
        }
        return worst;
    }

    @Test
    void everyTileShapeGivesTheDirectMinima() {
        int n = 9;
        float[] f = MsmDefinition.unitFeatures(n, L, C, 11);
        double[][][] expected = direct(f, n, f, n);
        NearestPatchMinima kernel = new NearestPatchMinima(BIG, Precision.FP32);
        // (query images, reference images, query patches): one pair at a time, patch blocks of one
        // image, blocks that leave remainders, one product for everything
        int[][] shapes = {{1, 1, L}, {1, 1, 5}, {1, 4, 3}, {2, 3, L}, {3, 2, L}, {4, 4, L}, {5, 1, L}, {9, 9, L}};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(f, new Shape(n, L, C));
            NearestPatchMinima.ProductForm ops = NearestPatchMinima.ProductForm.of(FeatureChunks.of(z),
                    Precision.FP32, 4, m);
            for (int[] s : shapes) {
                NearestPatchMinima.TilePlan plan = new NearestPatchMinima.TilePlan(s[0], s[1], s[2], 0);
                double mutual = maxAbs(expected, kernel.mutual(ops, plan).toFloatArray(), 0, true);
                assertTrue(mutual < FP32, "mutual " + plan + ": " + mutual);
                // a query block [2, 7) against all images, from the query's side
                double[][][] block = java.util.Arrays.copyOfRange(expected, 2, 7);
                try (NDManager scope = m.newSubManager()) {
                    double queries = maxAbs(block, kernel.queries(ops, 2, 7, plan, scope).toFloatArray(), 2, true);
                    assertTrue(queries < FP32, "queries " + plan + ": " + queries);
                }
            }
        }
    }

    @Test
    void crossGivesTheDirectMinimaWithOneOrSeveralQueryImagesPerProduct() {
        int q = 5;
        int bank = 4;
        float[] fq = MsmDefinition.unitFeatures(q, L, C, 12);
        float[] fb = MsmDefinition.unitFeatures(bank, L, C, 13);
        double[][][] expected = direct(fq, q, fb, bank);
        // one query image's left operand is 3·16·10·4 = 1,920 B and a pair's product 16·16·4 = 1,024 B:
        // 1,920 + 4,096 B leave room for 4 pairs, split as 2 query images; beside their two left
        // operands 2,176 B remain, one reference image per tile
        NearestPatchMinima small = new NearestPatchMinima(1_920 + 4_096, Precision.FP32);
        NearestPatchMinima.TilePlan two = small.plan(L, C, BIG);
        assertEquals(2, two.queryImages());
        assertEquals(1, two.referenceImages());
        NearestPatchMinima big = new NearestPatchMinima(BIG, Precision.FP32);
        assertTrue(big.plan(L, C, BIG).queryImages() >= q);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray queries = m.create(fq, new Shape(q, L, C));
            NDArray refs = m.create(fb, new Shape(bank, L, C));
            for (NearestPatchMinima kernel : new NearestPatchMinima[] {small, big}) {
                double d = maxAbs(expected, kernel.cross(queries, refs).toFloatArray(), 0, false);
                assertTrue(d < FP32, "cross: " + d);
            }
        }
    }

    @Test
    void planSplitsTheCacheIntoAboutAsManyQueryAsReferenceImages() {
        NearestPatchMinima kernel = new NearestPatchMinima(BIG, Precision.FP32);
        // L=256: one pair's product is 256·256·4 B = 256 KiB
        NearestPatchMinima.TilePlan twoMiB = kernel.plan(256, 768, 2L << 20);
        assertEquals(new NearestPatchMinima.TilePlan(2, 4, 256, twoMiB.bytes()), twoMiB);
        NearestPatchMinima.TilePlan fourMiB = kernel.plan(256, 768, 4L << 20);
        assertEquals(new NearestPatchMinima.TilePlan(4, 4, 256, fourMiB.bytes()), fourMiB);
        NearestPatchMinima.TilePlan nine = kernel.plan(256, 768, 9L << 18);
        assertEquals(new NearestPatchMinima.TilePlan(3, 3, 256, nine.bytes()), nine);
        // less than a pair: 200 KiB hold 200 rows of 256 distances of one image against one image
        NearestPatchMinima.TilePlan part = kernel.plan(256, 768, 200L << 10);
        assertEquals(new NearestPatchMinima.TilePlan(1, 1, 200, part.bytes()), part);
        // the workspace counts the product, the left operands and the minima
        long left = 3L * 256 * 770 * 4;
        assertEquals(2 * left + 4 * 2 * (256L * 256 * 4 + (256 + 512) * 8), twoMiB.bytes());
    }
}
