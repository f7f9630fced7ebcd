package io.musc4j.engine.lnamd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SNAMD on inputs small enough to work out by hand, and against a direct float64 loop. */
class SnamdTest {

    private static float[] snamd(float[] tokens, int n, int h, int w, int c, List<Integer> degrees) {
        try (NDManager m = NDManager.newBaseManager()) {
            return new Snamd(h, w).aggregate(m.create(tokens, new Shape(n, 1 + h * w, c)), degrees).toFloatArray();
        }
    }

    private static double[] unit(double... v) {
        double norm = Math.sqrt(v[0] * v[0] + v[1] * v[1]);
        return new double[] {v[0] / norm, v[1] / norm};
    }

    /**
     * One image, a 1×2 grid: A = (1, 0), B = (1, 1); degrees 1 and 3. In A's 3×3 window B is at
     * distance 1 and the 7 padded zeros at distance |A| = 1, all with weight 1/e; A itself has
     * weight 1. In B's window A is at distance 1 (1/e) and the zeros at |B| = √2 (e^−√2).
     */
    @Test
    void tinyGridByHand() {
        float[] tokens = {9, 9, 1, 0, 1, 1}; // token 0 is dropped
        float[] z = snamd(tokens, 1, 1, 2, 2, List.of(1, 3));
        double e1 = Math.exp(-1);
        double[] a3 = {(1 + e1) / (1 + 8 * e1), e1 / (1 + 8 * e1)};
        double[] a = unit((1 + a3[0]) / 2, (0 + a3[1]) / 2);
        double wb = 1 + e1 + 7 * Math.exp(-Math.sqrt(2));
        double[] b3 = {(1 + e1) / wb, 1 / wb};
        double[] b = unit((1 + b3[0]) / 2, (1 + b3[1]) / 2);
        double[] expected = {a[0], a[1], b[0], b[1]};
        for (int k = 0; k < 4; k++) {
            assertEquals(expected[k], z[k], 1e-6, "component " + k);
        }
    }

    /** With degree 1 alone the only neighbour is the patch itself: the unit token. */
    @Test
    void degreeOneIsTheUnitToken() {
        float[] tokens = {0, 0, 3, 4, -6, 8};
        float[] z = snamd(tokens, 1, 1, 2, 2, List.of(1));
        float[] expected = {0.6f, 0.8f, -0.6f, 0.8f};
        for (int k = 0; k < 4; k++) {
            assertEquals(expected[k], z[k], 1e-6);
        }
    }

    /** The definition as a loop over windows, padding handled by skipping cells off the grid. */
    private static double[] direct(float[] tokens, int n, int h, int w, int c, List<Integer> degrees) {
        double[] out = new double[n * h * w * c];
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int centre = (i * (1 + h * w) + 1 + y * w + x) * c;
                    double[] mean = new double[c];
                    for (int r : degrees) {
                        double[] sum = new double[c];
                        double weights = 0;
                        for (int yy = y - (r - 1) / 2; yy <= y + (r - 1) / 2; yy++) {
                            for (int xx = x - (r - 1) / 2; xx <= x + (r - 1) / 2; xx++) {
                                boolean inside = yy >= 0 && yy < h && xx >= 0 && xx < w;
                                int q = (i * (1 + h * w) + 1 + yy * w + xx) * c;
                                double d2 = 0;
                                for (int k = 0; k < c; k++) {
                                    double diff = (inside ? tokens[q + k] : 0) - tokens[centre + k];
                                    d2 += diff * diff;
                                }
                                double lambda = Math.exp(-Math.sqrt(d2));
                                weights += lambda;
                                for (int k = 0; k < c; k++) {
                                    sum[k] += inside ? lambda * tokens[q + k] : 0;
                                }
                            }
                        }
                        for (int k = 0; k < c; k++) {
                            mean[k] += sum[k] / weights / degrees.size();
                        }
                    }
                    double norm = 0;
                    for (double v : mean) {
                        norm += v * v;
                    }
                    for (int k = 0; k < c; k++) {
                        out[((i * h + y) * w + x) * c + k] = mean[k] / Math.sqrt(norm);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void matchesTheDefinitionOnRandomTokens() {
        int n = 3;
        int h = 3;
        int w = 4;
        int c = 5;
        Random random = new Random(7);
        float[] tokens = new float[n * (1 + h * w) * c];
        for (int k = 0; k < tokens.length; k++) {
            tokens[k] = (float) (0.4 * random.nextGaussian()); // small distances: weights far from 0 and 1
        }
        for (List<Integer> degrees : List.of(List.of(1, 3, 5), List.of(3), List.of(5, 1))) {
            double[] expected = direct(tokens, n, h, w, c, degrees);
            float[] actual = snamd(tokens, n, h, w, c, degrees);
            double err = 0;
            for (int k = 0; k < expected.length; k++) {
                err = Math.max(err, Math.abs(expected[k] - actual[k]));
            }
            System.out.printf("snamd %s vs float64 direct: max abs err %.3e%n", degrees, err);
            assertTrue(err < 1e-5, degrees + ": max abs error " + err);
        }
    }

    @Test
    void badInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> snamd(new float[2 * 5 * 2], 2, 2, 2, 2, List.of(1, 2)));
        assertEquals("SNAMD: aggregation degrees must be odd and >= 1, got [1, 2]", e.getMessage());
        assertEquals("aggregation must be lnamd or snamd, got 'mean'",
                assertThrows(IllegalArgumentException.class, () -> Aggregation.parse("mean")).getMessage());
        assertEquals(Aggregation.SNAMD, Aggregation.parse("snamd"));
    }
}
