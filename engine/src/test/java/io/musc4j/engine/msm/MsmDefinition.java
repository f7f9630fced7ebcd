package io.musc4j.engine.msm;

import java.util.Arrays;
import java.util.Random;

/** The tests' independent ground truth for MSM: random unit features and MSM computed by its definition. */
final class MsmDefinition {

    private MsmDefinition() {
    }

    /** N images of L random unit vectors in C dimensions, (N·L·C) row-major. */
    static float[] unitFeatures(int n, int l, int c, long seed) {
        Random random = new Random(seed);
        float[] f = new float[n * l * c];
        for (int p = 0; p < n * l; p++) {
            double norm = 0;
            for (int k = 0; k < c; k++) {
                f[p * c + k] = (float) random.nextGaussian();
                norm += f[p * c + k] * f[p * c + k];
            }
            for (int k = 0; k < c; k++) {
                f[p * c + k] /= (float) Math.sqrt(norm);
            }
        }
        return f;
    }

    /**
     * Nearest-patch distances by definition: [i][j][p] = min_q ‖a[i,p] − b[j,q]‖ in float64, for na images
     * of {@code a} against nb of {@code b}, each of L patches of C channels, (N·L·C) row-major.
     */
    static double[][][] nearest(float[] a, int na, float[] b, int nb, int l, int c) {
        double[][][] d = new double[na][nb][l];
        for (int i = 0; i < na; i++) {
            for (int j = 0; j < nb; j++) {
                for (int p = 0; p < l; p++) {
                    double best = Double.POSITIVE_INFINITY;
                    for (int q = 0; q < l; q++) {
                        double s = 0;
                        for (int k = 0; k < c; k++) {
                            double diff = a[(i * l + p) * c + k] - b[(j * l + q) * c + k];
                            s += diff * diff;
                        }
                        best = Math.min(best, s);
                    }
                    d[i][j][p] = Math.sqrt(best);
                }
            }
        }
        return d;
    }

    /** MSM by definition: for each patch, the float64 distance to its nearest patch in every other image,
     *  sorted, averaged over the interval's ranks; (N·L) row-major. */
    static double[] msm(float[] f, int n, int l, int c, MsmInterval interval) {
        return msm(f, n, 1, l, c, -1, interval);
    }

    /**
     * MSM by definition on a gridH × gridW patch grid: as above, but with {@code window} ≥ 0 only the
     * patches of the other image within that many grid steps of the same position count (aligned MSM);
     * {@code window} −1: every patch (full MSM).
     */
    static double[] msm(float[] f, int n, int gridH, int gridW, int c, int window, MsmInterval interval) {
        MsmInterval.Ranks k = interval.ranks(n - 1);
        int l = gridH * gridW;
        int reach = window < 0 ? Math.max(gridH, gridW) : window;
        double[] out = new double[n * l];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < l; p++) {
                int y = p / gridW;
                int x = p % gridW;
                double[] d = new double[n - 1];
                int slot = 0;
                for (int j = 0; j < n; j++) {
                    if (j == i) {
                        continue;
                    }
                    double best = Double.POSITIVE_INFINITY;
                    for (int yy = Math.max(0, y - reach); yy <= Math.min(gridH - 1, y + reach); yy++) {
                        for (int xx = Math.max(0, x - reach); xx <= Math.min(gridW - 1, x + reach); xx++) {
                            int q = yy * gridW + xx;
                            double s = 0;
                            for (int ch = 0; ch < c; ch++) {
                                double diff = f[(i * l + p) * c + ch] - f[(j * l + q) * c + ch];
                                s += diff * diff;
                            }
                            best = Math.min(best, Math.sqrt(s));
                        }
                    }
                    d[slot++] = best;
                }
                Arrays.sort(d);
                out[i * l + p] = Arrays.stream(d, k.low(), k.high()).average().orElseThrow();
            }
        }
        return out;
    }
}
