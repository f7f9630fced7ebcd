package io.musc4j.engine.maps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class AlignCornersUpsamplerTest {

    @Test
    void cornersLandOnPatchesAndInteriorInterpolates() {
        // 2×2 grid [[0, 1], [2, 3]] to 3×3: src = dst·(2−1)/(3−1), so the middle row and column sit
        // halfway between the patches and the corners are the patches themselves.
        try (NDManager m = NDManager.newBaseManager()) {
            double[] out = new AlignCornersUpsampler(2, 2, 3)
                    .upsample(m.create(new double[] {0, 1, 2, 3}, new Shape(1, 4))).toDoubleArray();
            assertArrayEquals(new double[] {0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3}, out, 1e-15);
        }
    }

    @Test
    void nonSquareGridAndThirds() {
        // 1×3 grid [0, 3, 6] to 4×4: with h = 1 every output row samples row 0;
        // columns: src = x·2/3 -> 0, 2/3, 4/3, 2 -> values 0, 2, 4, 6
        try (NDManager m = NDManager.newBaseManager()) {
            double[] out = new AlignCornersUpsampler(1, 3, 4)
                    .upsample(m.create(new double[] {0, 3, 6}, new Shape(1, 3))).toDoubleArray();
            double[] row = {0, 2, 4, 6};
            double[] expected = new double[16];
            for (int y = 0; y < 4; y++) {
                System.arraycopy(row, 0, expected, y * 4, 4);
            }
            assertArrayEquals(expected, out, 1e-12);
        }
    }
}
