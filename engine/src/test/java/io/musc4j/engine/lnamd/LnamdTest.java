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

    // C = 2, grid 3×3. Channel 0 is 1 at the centre patch only, channel 1 is 1 everywhere.
    // LayerNorm over all 18 values: mean 10/18, biased variance (10/18)(8/18).
    private static final double MEAN = 10.0 / 18;
    private static final double SD = Math.sqrt(MEAN * (1 - MEAN) + 1e-5);
    private static final double LO = (0 - MEAN) / SD;
    private static final double HI = (1 - MEAN) / SD;

    /** The tokens (1, 1+9, 2) of that map; token 0 is the dropped class token. */
    private static NDArray tokens(NDManager m) {
        float[] tokens = new float[10 * 2];
        for (int p = 1; p <= 9; p++) {
            tokens[p * 2 + 1] = 1;
        }
        tokens[5 * 2] = 1;
        return m.create(tokens, new Shape(1, 10, 2));
    }

    @Test
    void zeroPaddedMeanCountsThePaddingAndNormalises() {
        double lo = LO;
        double hi = HI;
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> z = new Lnamd(3, 3).aggregate(tokens(m), List.of(1, 3));
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
    void neighbourhoodsAreTheLayerNormedMapAndTheInverseNormsOfItsBoxSums() {
        // the same hand-checked map: the layer-normed values, and for the corner patch at r = 3 the box
        // sum (hi + 3 lo, 4 hi) = 9 × the mean above, whose inverse norm is what the unit feature divides by
        double lo = LO;
        double hi = HI;
        try (NDManager m = NDManager.newBaseManager()) {
            var block = new Lnamd(3, 3).neighbourhoods(tokens(m), List.of(1, 3));
            assertEquals(new Shape(1, 9, 2), block.map().getShape());
            assertEquals(new Shape(2, 1, 9), block.inverseNorms().getShape());
            float[] map = block.map().toFloatArray();
            assertEquals(lo, map[0], 1e-6);
            assertEquals(hi, map[1], 1e-6);
            assertEquals(hi, map[4 * 2], 1e-6); // the centre patch, channel 0
            float[] inverse = block.inverseNorms().toFloatArray();
            assertEquals(1 / Math.hypot(lo, hi), inverse[0], 1e-6);
            assertEquals(1 / Math.hypot(hi + 3 * lo, 4 * hi), inverse[9], 1e-6);
            float[] squares = block.unitSquares().toFloatArray();
            for (float u : squares) {
                assertEquals(1, u, 1e-6);
            }
        }
    }

    @Test
    void neighbourhoodsOfABlockAreThoseOfEachImageBitForBit() {
        // the scores must not depend on how many images a block of the token store holds
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            NDArray tokens = m.randomNormal(new Shape(9, 1 + 14 * 14, 64));
            Lnamd lnamd = new Lnamd(14, 14);
            var whole = lnamd.neighbourhoods(tokens, List.of(1, 3, 5));
            for (int i = 0; i < 9; i++) {
                var one = lnamd.neighbourhoods(tokens.get("{}:{}", i, i + 1), List.of(1, 3, 5));
                assertEquals(0, whole.map().get("{}:{}", i, i + 1).sub(one.map()).abs().max().getFloat(), "map " + i);
                assertEquals(0, whole.inverseNorms().get(":, {}:{}", i, i + 1).sub(one.inverseNorms()).abs().max()
                        .getFloat(), "inverse norms " + i);
                assertEquals(0, whole.unitSquares().get(":, {}:{}", i, i + 1).sub(one.unitSquares()).abs().max()
                        .getFloat(), "unit squares " + i);
            }
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
