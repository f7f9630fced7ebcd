package io.musc4j.engine.msm;

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
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Properties of MSM and its kernel, checked against a direct float64 computation. */
class FullMsmTest {

    private static final int L = 16;
    private static final int C = 8;
    private static final long BIG = 1L << 30;

    /** N images of L random unit vectors in C dimensions, (N·L·C) row-major. */
    private static float[] features(int n, long seed) {
        Random random = new Random(seed);
        float[] f = new float[n * L * C];
        for (int p = 0; p < n * L; p++) {
            double norm = 0;
            for (int c = 0; c < C; c++) {
                f[p * C + c] = (float) random.nextGaussian();
                norm += f[p * C + c] * f[p * C + c];
            }
            for (int c = 0; c < C; c++) {
                f[p * C + c] /= (float) Math.sqrt(norm);
            }
        }
        return f;
    }

    /** MSM by definition: direct differences in float64, then sort and interval mean. */
    private static double[] direct(float[] f, int n, MsmInterval interval) {
        MsmInterval.Ranks k = interval.ranks(n - 1);
        double[] out = new double[n * L];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < L; p++) {
                double[] d = new double[n - 1];
                int slot = 0;
                for (int j = 0; j < n; j++) {
                    if (j == i) {
                        continue;
                    }
                    double best = Double.POSITIVE_INFINITY;
                    for (int q = 0; q < L; q++) {
                        double s = 0;
                        for (int c = 0; c < C; c++) {
                            double diff = f[(i * L + p) * C + c] - f[(j * L + q) * C + c];
                            s += diff * diff;
                        }
                        best = Math.min(best, Math.sqrt(s));
                    }
                    d[slot++] = best;
                }
                Arrays.sort(d);
                out[i * L + p] = Arrays.stream(d, k.low(), k.high()).average().orElseThrow();
            }
        }
        return out;
    }

    private static double[] msm(float[] f, int n, MsmInterval interval, long budget) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(f, new Shape(n, L, C));
            return new FullMsm(interval, budget, MsmPrecision.FP32).score(z).toDoubleArray();
        }
    }

    @Test
    void matchesDirectComputationForSeveralIntervals() {
        float[] f = features(11, 1);
        for (MsmInterval interval : new MsmInterval[] {MsmInterval.DEFAULT, new MsmInterval(0.2, 0.6),
            new MsmInterval(2, 5), new MsmInterval(0.3, 0)}) {
            assertTrue(maxAbs(direct(f, 11, interval), msm(f, 11, interval, BIG)) < 1e-6, interval.toString());
        }
    }

    @Test
    void duplicatedImageScoresZeroAtEveryPatch() {
        int n = 6; // 5 candidates: k = int(5 * 0.3) = 1, so a patch's score is its nearest image's distance
        float[] f = features(n, 2);
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
        float[] f = features(n, 3);
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
        float[] f = features(n, 4);
        NearestPatchMinima tiny = new NearestPatchMinima(1, MsmPrecision.FP32);
        // one query patch against one reference image per product
        assertEquals(new NearestPatchMinima.TilePlan(1, 1, 1, tiny.plan(L, C, Device.cpu()).bytes()), tiny.plan(L, C, Device.cpu()));
        assertTrue(new NearestPatchMinima(BIG, MsmPrecision.FP32).plan(L, C, Device.cpu()).referenceImages() >= n);
        assertTrue(maxAbs(msm(f, n, MsmInterval.DEFAULT, 1), msm(f, n, MsmInterval.DEFAULT, BIG)) < 1e-6);
    }

    @Test
    void crossMinimaOfQueriesAgainstABankEqualTheMutualOnes() {
        int n = 7;
        float[] f = features(n, 5);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(f, new Shape(n, L, C));
            NearestPatchMinima kernel = new NearestPatchMinima(BIG, MsmPrecision.FP32);
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
        float[] f = features(n, 9);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(f, new Shape(n, L, C));
            NearestPatchMinima kernel = new NearestPatchMinima(BIG, MsmPrecision.FP32);
            // a ring of 4 slots: images 2..8 written in turn, so slots 0..3 end up holding 6, 7, 8, 5
            NearestPatchMinima.ProductForm ring = NearestPatchMinima.ProductForm.empty(4, L, C, MsmPrecision.FP32, m);
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
                    () -> new NearestPatchMinima(BIG, MsmPrecision.FP16).cross(z.get("0:2"), ring));
            assertEquals("MSM: bank product form is float32, the kernel computes in float16", e.getMessage());
        }
    }

    @Test
    void fewImages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> msm(features(1, 6), 1, MsmInterval.DEFAULT, BIG));
        assertEquals("MSM needs at least 2 images to score each other, got 1", e.getMessage());
        float[] three = features(3, 7);
        double[] s = msm(three, 3, MsmInterval.DEFAULT, BIG);
        assertTrue(Arrays.stream(s).allMatch(Double::isFinite));
        // k = max(1, int(2 * 0.3)) = 1: the nearest image's distance
        assertTrue(maxAbs(direct(three, 3, MsmInterval.DEFAULT), s) < 1e-6);
    }

    @Test
    void halfPrecisionStaysClose() {
        int n = 6;
        float[] f = features(n, 8);
        try (NDManager m = NDManager.newBaseManager()) {
            double[] half = new FullMsm(MsmInterval.DEFAULT, BIG, MsmPrecision.FP16)
                    .score(m.create(f, new Shape(n, L, C))).toDoubleArray();
            assertTrue(maxAbs(direct(f, n, MsmInterval.DEFAULT), half) < 2e-2);
        }
    }

    @Test
    void queryBlocksGiveTheSameNumbersAsTheSymmetricStore() {
        int n = 11;
        float[] f = features(n, 9);
        FullMsm symmetric = new FullMsm(MsmInterval.DEFAULT, BIG, MsmPrecision.FP32);
        assertTrue(symmetric.plan(n, L, C, Device.cpu()).symmetric());
        // A query row holds n*L distances at 4 (store) + 24 (averaging) B = 4,928 B; the store would be
        // 11*11*16*4 = 7,744 B. Beside a one-pair tile, 10,500 B is 2.1 query rows but less than the
        // store plus one averaging row (7,744 + 4,224 B): query blocks of 2 images (2, 2, 2, 2, 2, 1).
        long onePairTile = new FullMsm(MsmInterval.DEFAULT, 1, MsmPrecision.FP32).plan(n, L, C, Device.cpu())
                .tile().bytes();
        long budget = 10_500 + onePairTile;
        ScoringPlan blocks = new FullMsm(MsmInterval.DEFAULT, budget, MsmPrecision.FP32).plan(n, L, C,
                Device.cpu());
        assertTrue(!blocks.symmetric() && blocks.rowsPerBlock() == 2, blocks.toString());
        assertTrue(blocks.bytes() <= budget);
        double[] expected = direct(f, n, MsmInterval.DEFAULT);
        for (long b : new long[] {1, budget, BIG}) {
            assertTrue(maxAbs(expected, msm(f, n, MsmInterval.DEFAULT, b)) < 1e-6, "budget " + b);
        }
        assertTrue(maxAbs(msm(f, n, MsmInterval.DEFAULT, BIG), msm(f, n, MsmInterval.DEFAULT, budget)) < 1e-6);
    }

    @Test
    void planKeepsTheStoreOnlyWhereItFitsAndOtherwiseGrowsLinearly() {
        FullMsm gib = new FullMsm(MsmInterval.DEFAULT, 1L << 30, MsmPrecision.FP32);
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
