package io.musc4j.engine.lnamd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LNAMD on a hand-checkable map: one channel pair, a 3×3 grid. */
class LnamdTest {

    @Test
    void zeroPaddedMeanCountsThePaddingAndNormalises() {
        // C = 2, grid 3×3. Channel 0 is 1 at the centre patch only, channel 1 is 1 everywhere.
        // LayerNorm over all 18 values: mean 10/18, biased variance (10/18)(8/18).
        float[] tokens = new float[10 * 2];
        for (int p = 1; p <= 9; p++) {
            tokens[p * 2 + 1] = 1;
        }
        tokens[5 * 2] = 1;
        double mean = 10.0 / 18;
        double sd = Math.sqrt(mean * (1 - mean) + 1e-5);
        double lo = (0 - mean) / sd;
        double hi = (1 - mean) / sd;
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> z = new Lnamd(3, 3).aggregate(m.create(tokens, new Shape(1, 10, 2)), List.of(1, 3));
            float[] r1 = z.get(0).toFloatArray();
            // r = 1, corner patch: (lo, hi) normalised
            assertEquals(lo / Math.hypot(lo, hi), r1[0], 1e-6);
            assertEquals(hi / Math.hypot(lo, hi), r1[1], 1e-6);
            float[] r3 = z.get(1).toFloatArray();
            // r = 3, corner patch (0,0): window holds 4 real patches (centre included) and 5 padding
            // zeros, divisor 9 -> channel 0: (hi + 3 lo)/9, channel 1: 4 hi/9
            double c0 = (hi + 3 * lo) / 9;
            double c1 = 4 * hi / 9;
            assertEquals(c0 / Math.hypot(c0, c1), r3[0], 1e-6);
            assertEquals(c1 / Math.hypot(c0, c1), r3[1], 1e-6);
        }
    }

    @Test
    void rejectsEvenDegreesAndWrongTokenCounts() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray tokens = m.zeros(new Shape(2, 10, 4));
            assertThrows(IllegalArgumentException.class, () -> new Lnamd(3, 3).aggregate(tokens, List.of(2)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Lnamd(4, 4).aggregate(tokens, List.of(1)));
            assertEquals("LNAMD: expected tokens (N, 1+16, C) for a 4x4 grid, got (2, 10, 4)", e.getMessage());
        }
    }
}
