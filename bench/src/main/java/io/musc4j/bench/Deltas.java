package io.musc4j.bench;

/**
 * Largest absolute differences between two runs of one stage. A NaN on either side, or a NaN or
 * infinite difference, counts as an infinite difference, so that it can never pass a tolerance.
 */
final class Deltas {

    private Deltas() {
    }

    static double maxAbs(float[] a, float[] b) {
        sameLength(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = worse(max, (double) a[i] - b[i], a[i] == b[i]);
        }
        return max;
    }

    static double maxAbs(double[] a, double[] b) {
        sameLength(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = worse(max, a[i] - b[i], a[i] == b[i]);
        }
        return max;
    }

    static double maxAbs(float[][] a, float[][] b) {
        sameLength(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, maxAbs(a[i], b[i]));
        }
        return max;
    }

    /** The largest |x|: the scale a difference is read against. */
    static double maxAbs(float[] a) {
        double max = 0;
        for (float x : a) {
            max = Math.max(max, Math.abs(x));
        }
        return max;
    }

    static double maxAbs(double[] a) {
        double max = 0;
        for (double x : a) {
            max = Math.max(max, Math.abs(x));
        }
        return max;
    }

    /** {@code max} and |d|; equal values (both +∞, as MSM's self-pairs are) differ by 0, anything not finite by +∞. */
    private static double worse(double max, double d, boolean equal) {
        if (equal) {
            return max;
        }
        return Double.isFinite(d) ? Math.max(max, Math.abs(d)) : Double.POSITIVE_INFINITY;
    }

    private static void sameLength(int a, int b) {
        if (a != b) {
            throw new IllegalStateException("compared stages differ in size: " + a + " vs " + b);
        }
    }
}
