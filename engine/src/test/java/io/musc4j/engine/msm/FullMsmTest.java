package io.musc4j.engine.msm;

import io.musc4j.models.Precision;
import static io.musc4j.engine.ParityRun.maxAbs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Properties of MSM and its kernel, checked against a direct float64 computation. */
class FullMsmTest {

    private static final int L = 16;
    private static final int C = 8;
    private static final long BIG = 1L << 30;

    private static double[] msm(float[] f, int n, MsmInterval interval, long budget) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(f, new Shape(n, L, C));
            return new FullMsm(interval, budget, Precision.FP32).score(z).toDoubleArray();
        }
    }

    @Test
    void matchesDirectComputationForSeveralIntervals() {
        float[] f = MsmDefinition.unitFeatures(11, L, C, 1);
        for (MsmInterval interval : new MsmInterval[] {MsmInterval.DEFAULT, new MsmInterval(0.2, 0.6),
            new MsmInterval(2, 5), new MsmInterval(0.3, 0)}) {
            assertTrue(maxAbs(MsmDefinition.msm(f, 11, L, C, interval), msm(f, 11, interval, BIG)) < 1e-6,
                    interval.toString());
        }
    }

    @Test
    void duplicatedImageScoresZeroAtEveryPatch() {
        int n = 6; // 5 candidates: k = int(5 * 0.3) = 1, so a patch's score is its nearest image's distance
        float[] f = MsmDefinition.unitFeatures(n, L, C, 2);
        System.arraycopy(f, 0, f, 3 * L * C, L * C); // image 3 := image 0
        double[] s = msm(f, n, MsmInterval.DEFAULT, BIG);
        for (int p = 0; p < L; p++) {
            // float32 Gram form |a|²+|b|²−2a·b cancels to ~1e-7, whose square root is ~3e-4 (as in cdist)
            assertEquals(0, s[p], 1e-3, "copy 0, patch " + p);
            assertEquals(0, s[3 * L + p], 1e-3, "copy 3, patch " + p);
            assertTrue(s[L + p] > 0.1, "a unique image scores well above 0");
        }
    }

    @Test
    void permutingImagesPermutesScores() {
        int n = 9;
        float[] f = MsmDefinition.unitFeatures(n, L, C, 3);
        int[] perm = {4, 0, 8, 2, 6, 1, 7, 3, 5};
        float[] g = new float[f.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(f, perm[i] * L * C, g, i * L * C, L * C);
        }
        double[] a = msm(f, n, MsmInterval.DEFAULT, BIG);
        double[] b = msm(g, n, MsmInterval.DEFAULT, BIG);
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < L; p++) {
                assertEquals(a[perm[i] * L + p], b[i * L + p], 1e-6);
            }
        }
    }

    @Test
    void tinyBudgetGivesTheSameNumbersAsOneBigTile() {
        int n = 12;
        float[] f = MsmDefinition.unitFeatures(n, L, C, 4);
        NearestPatchMinima tiny = new NearestPatchMinima(1, Precision.FP32);
        // one query patch against one reference image per product
        assertEquals(new NearestPatchMinima.TilePlan(1, 1, 1, tiny.plan(L, C, Device.cpu()).bytes()), tiny.plan(L, C, Device.cpu()));
        assertTrue(new NearestPatchMinima(BIG, Precision.FP32).plan(L, C, Device.cpu()).referenceImages() >= n);
        assertTrue(maxAbs(msm(f, n, MsmInterval.DEFAULT, 1), msm(f, n, MsmInterval.DEFAULT, BIG)) < 1e-6);
    }

    @Test
    void crossMinimaOfQueriesAgainstABankEqualTheMutualOnes() {
        int n = 7;
        float[] f = MsmDefinition.unitFeatures(n, L, C, 5);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(f, new Shape(n, L, C));
            NearestPatchMinima kernel = new NearestPatchMinima(BIG, Precision.FP32);
            float[] mutual = kernel.mutual(z).get(new NDIndex("0:2, 2:, :")).toFloatArray();
            float[] cross = kernel.cross(z.get("0:2"), z.get("2:")).toFloatArray();
            for (int i = 0; i < mutual.length; i++) {
                assertEquals(mutual[i], cross[i], 1e-6);
            }
        }
    }

    @Test
    void aProductFormWrittenOneSlotAtATimeScoresExactlyLikeTheFeatures() {
        int n = 9;
        float[] f = MsmDefinition.unitFeatures(n, L, C, 9);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(f, new Shape(n, L, C));
            NearestPatchMinima kernel = new NearestPatchMinima(BIG, Precision.FP32);
            // a ring of 4 slots: images 2..8 written in turn, so slots 0..3 end up holding 6, 7, 8, 5
            NearestPatchMinima.ProductForm ring = NearestPatchMinima.ProductForm.empty(4, L, C, Precision.FP32, m);
            for (int image = 2; image < n; image++) {
                ring.set((image - 2) % 4, z.get(image + ":" + (image + 1)));
            }
            NDArray bank = NDArrays.concat(new NDList(z.get("6:9"), z.get("5:6")), 0);
            assertArrayEquals(bank.toFloatArray(), ring.features(4, m).toFloatArray());
            assertArrayEquals(kernel.cross(z.get("0:2"), bank).toFloatArray(),
                    kernel.cross(z.get("0:2"), ring).toFloatArray());
            // a bank head of 3 slots: images 6, 7, 8
            assertArrayEquals(kernel.cross(z.get("0:2"), z.get("6:9")).toFloatArray(),
                    kernel.cross(z.get("0:2"), ring.head(3, m)).toFloatArray());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new NearestPatchMinima(BIG, Precision.FP16).cross(z.get("0:2"), ring));
            assertEquals("MSM: bank product form is float32, the kernel computes in float16", e.getMessage());
        }
    }

    @Test
    void fewImages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> msm(MsmDefinition.unitFeatures(1, L, C, 6), 1, MsmInterval.DEFAULT, BIG));
        assertEquals("MSM needs at least 2 images to score each other, got 1", e.getMessage());
        float[] three = MsmDefinition.unitFeatures(3, L, C, 7);
        double[] s = msm(three, 3, MsmInterval.DEFAULT, BIG);
        assertTrue(Arrays.stream(s).allMatch(Double::isFinite));
        // k = max(1, int(2 * 0.3)) = 1: the nearest image's distance
        assertTrue(maxAbs(MsmDefinition.msm(three, 3, L, C, MsmInterval.DEFAULT), s) < 1e-6);
    }

    @Test
    void halfPrecisionStaysClose() {
        int n = 6;
        float[] f = MsmDefinition.unitFeatures(n, L, C, 8);
        try (NDManager m = NDManager.newBaseManager()) {
            double[] half = new FullMsm(MsmInterval.DEFAULT, BIG, Precision.FP16)
                    .score(m.create(f, new Shape(n, L, C))).toDoubleArray();
            assertTrue(maxAbs(MsmDefinition.msm(f, n, L, C, MsmInterval.DEFAULT), half) < 2e-2);
        }
    }

    @Test
    void queryBlocksGiveTheSameNumbersAsTheSymmetricStore() {
        int n = 11;
        float[] f = MsmDefinition.unitFeatures(n, L, C, 9);
        FullMsm symmetric = new FullMsm(MsmInterval.DEFAULT, BIG, Precision.FP32);
        assertTrue(symmetric.plan(n, L, C, Device.cpu()).symmetric());
        // A query row holds n*L distances at 4 (store) + 24 (averaging) B = 4,928 B; the store would be
        // 11*11*16*4 = 7,744 B. Beside a one-pair tile, 10,500 B is 2.1 query rows but less than the
        // store plus one averaging row (7,744 + 4,224 B): query blocks of 2 images (2, 2, 2, 2, 2, 1).
        long onePairTile = new FullMsm(MsmInterval.DEFAULT, 1, Precision.FP32).plan(n, L, C, Device.cpu())
                .tile().bytes();
        long budget = 10_500 + onePairTile;
        ScoringPlan blocks = new FullMsm(MsmInterval.DEFAULT, budget, Precision.FP32).plan(n, L, C,
                Device.cpu());
        assertTrue(!blocks.symmetric() && blocks.rowsPerBlock() == 2, blocks.toString());
        assertTrue(blocks.bytes() <= budget);
        double[] expected = MsmDefinition.msm(f, n, L, C, MsmInterval.DEFAULT);
        for (long b : new long[] {1, budget, BIG}) {
            assertTrue(maxAbs(expected, msm(f, n, MsmInterval.DEFAULT, b)) < 1e-6, "budget " + b);
        }
        assertTrue(maxAbs(msm(f, n, MsmInterval.DEFAULT, BIG), msm(f, n, MsmInterval.DEFAULT, budget)) < 1e-6);
    }

    @Test
    void planKeepsTheStoreOnlyWhereItFitsAndOtherwiseGrowsLinearly() {
        FullMsm gib = new FullMsm(MsmInterval.DEFAULT, 1L << 30, Precision.FP32);
        // N=200, L=256: store 200*200*256*4 = 40,960,000 B, well inside 1 GiB
        ScoringPlan small = gib.plan(200, 256, 768, Device.cpu());
        assertTrue(small.symmetric());
        assertTrue(small.bytes() >= 40_960_000L && small.bytes() <= 1L << 30);
        // N=1000, L=256: the store is 1,024,000,000 B, just inside 1 GiB with the tile and one averaging row
        ScoringPlan thousand = gib.plan(1000, 256, 768, Device.cpu());
        assertTrue(thousand.symmetric() && thousand.bytes() <= 1L << 30, thousand.toString());
        // N=2000: the store would be 4 GiB; a query row is N*L*(4+24) = 14,336,000 B: at most 74 rows fit
        ScoringPlan large = gib.plan(2000, 256, 768, Device.cpu());
        assertTrue(!large.symmetric());
        assertTrue(large.rowsPerBlock() > 70 && large.rowsPerBlock() <= 74, large.toString());
        assertTrue(large.bytes() <= 1L << 30);
        // more images, fewer rows per block: the workspace stays within the budget
        ScoringPlan huge = gib.plan(10_000, 256, 768, Device.cpu());
        assertTrue(huge.rowsPerBlock() <= 14 && huge.bytes() <= 1L << 30, huge.toString());
    }
}
