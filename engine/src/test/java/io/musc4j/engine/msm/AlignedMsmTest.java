package io.musc4j.engine.msm;

import io.musc4j.models.Precision;
import static io.musc4j.engine.ParityRun.maxAbs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Aligned MSM against a direct float64 computation of its definition, and its syntax. */
class AlignedMsmTest {

    private static final int H = 4;
    private static final int W = 5;
    private static final int C = 6;

    private static float[] features(int n, long seed) {
        Random random = new Random(seed);
        float[] f = new float[n * H * W * C];
        for (int k = 0; k < f.length; k++) {
            f[k] = (float) random.nextGaussian();
        }
        return f;
    }

    /** By definition ({@link MsmDefinition}): per patch, the nearest in-window patch of each other image. */
    private static double[] direct(float[] f, int n, int window, MsmInterval interval) {
        return MsmDefinition.msm(f, n, H, W, C, window, interval);
    }

    private static double[] aligned(float[] f, int n, int window, MsmInterval interval, long budget) {
        try (NDManager m = NDManager.newBaseManager()) {
            return new AlignedMsm(H, W, window, interval, budget).score(m.create(f, new Shape(n, H * W, C)))
                    .toDoubleArray();
        }
    }

    @Test
    void sameGridPositionOnlyMatchesDirectComputation() {
        float[] f = features(7, 1);
        double err = maxAbs(direct(f, 7, 0, MsmInterval.DEFAULT), aligned(f, 7, 0, MsmInterval.DEFAULT, 1L << 30));
        System.out.printf("aligned w=0 vs float64 direct: max abs err %.3e%n", err);
        assertTrue(err < 1e-5, "max abs error " + err);
    }

    @Test
    void windowsClippedAtTheBorderMatchDirectComputationInAnyChunking() {
        float[] f = features(9, 2);
        MsmInterval interval = new MsmInterval(0.2, 0.6);
        for (int window : new int[] {1, 2}) {
            double[] expected = direct(f, 9, window, interval);
            // budget 1: one query image per chunk
            for (long budget : new long[] {1, 1L << 30}) {
                double err = maxAbs(expected, aligned(f, 9, window, interval, budget));
                assertTrue(err < 1e-5, "w=" + window + " budget " + budget + ": max abs error " + err);
            }
        }
    }

    @Test
    void wholeGridWindowEqualsMutualScoring() {
        float[] f = features(6, 3);
        try (NDManager m = NDManager.newBaseManager()) {
            double[] full = new FullMsm(MsmInterval.DEFAULT, 1L << 30, Precision.FP32)
                    .score(m.create(f, new Shape(6, H * W, C))).toDoubleArray();
            assertTrue(maxAbs(full, aligned(f, 6, Math.max(H, W) - 1, MsmInterval.DEFAULT, 1L << 30)) < 1e-5);
        }
    }

    @Test
    void badInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new AlignedMsm(3, 3, 1, MsmInterval.DEFAULT, 1L << 20).score(m.zeros(new Shape(4, 10, 2))));
            assertEquals("aligned MSM: 10 patches do not form the 3x3 grid", e.getMessage());
        }
    }

    @Test
    void parsesTheScoringSyntax() {
        assertEquals(ScoringKernel.FULL, ScoringKernel.parse("full"));
        assertEquals(1, ScoringKernel.parse("aligned").window());
        assertEquals(2, ScoringKernel.parse("aligned:2").window());
        assertEquals(0, ScoringKernel.parse("aligned:0").window());
        assertEquals("aligned:2", ScoringKernel.parse("aligned:2").toString());
        for (String bad : new String[] {"aligned:-1", "aligned:x", "aligned:", "Full", "nearest"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoringKernel.parse(bad));
            assertEquals("scoring must be full, aligned or aligned:W with an integer W >= 0, got '" + bad + "'",
                    e.getMessage());
        }
    }
}
