package io.musc4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The parity check's differences on hand-computed cases. */
class DeltasTest {

    @Test
    void theLargestAbsoluteDifferenceWhicheverSideIsLarger() {
        assertEquals(0.5, Deltas.maxAbs(new double[] {1, 2, 3}, new double[] {1.25, 1.5, 3}));
        assertEquals(0.25f, Deltas.maxAbs(new float[] {-1f, 0f}, new float[] {-0.75f, 0f}), 0);
        assertEquals(2.0, Deltas.maxAbs(new float[][] {{1f}, {0f, 2f}}, new float[][] {{1f}, {0f, 0f}}));
    }

    @Test
    void equalInfinitiesAgreeButNanAndOneSidedInfinityNeverPass() {
        double inf = Double.POSITIVE_INFINITY;
        assertEquals(0.0, Deltas.maxAbs(new double[] {inf, 1}, new double[] {inf, 1}));
        assertEquals(inf, Deltas.maxAbs(new double[] {inf}, new double[] {1}));
        assertEquals(inf, Deltas.maxAbs(new double[] {Double.NaN}, new double[] {Double.NaN}));
        assertEquals(inf, Deltas.maxAbs(new float[] {0f, Float.NaN}, new float[] {0f, 1f}));
    }

    @Test
    void stagesOfDifferentSizesAreAnError() {
        assertThrows(IllegalStateException.class, () -> Deltas.maxAbs(new double[2], new double[3]));
    }

    @Test
    void theScaleIsTheLargestMagnitude() {
        assertEquals(3.0, Deltas.maxAbs(new double[] {1, -3, 2}));
        assertEquals(0.5, Deltas.maxAbs(new float[] {0.5f, -0.25f}));
    }
}
