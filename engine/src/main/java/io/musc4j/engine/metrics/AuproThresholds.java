package io.musc4j.engine.metrics;

/**
 * The reference AUPRO's thresholds, {@code numpy.arange(lo, hi, (hi − lo)/200)} over the global
 * min and max score: length ceil((hi − lo)/step) (normally 200, sometimes 201), element 1 is
 * lo + step and element i ≥ 2 is lo + i·(element 1 − lo), as numpy fills it. Empty when
 * {@code hi <= lo} (numpy would fail on the zero step).
 */
final class AuproThresholds {

    private final double[] values;
    private final double lo;
    private final double step;

    private AuproThresholds(double[] values, double lo, double step) {
        this.values = values;
        this.lo = lo;
        this.step = step;
    }

    static AuproThresholds arange(double lo, double hi, int steps) {
        if (!(hi > lo)) {
            return new AuproThresholds(new double[0], lo, 0);
        }
        double step = (hi - lo) / steps;
        double[] t = new double[(int) Math.ceil((hi - lo) / step)];
        t[0] = lo;
        if (t.length > 1) {
            t[1] = lo + step;
            double delta = t[1] - lo;
            for (int i = 2; i < t.length; i++) {
                t[i] = lo + i * delta;
            }
        }
        return new AuproThresholds(t, lo, step);
    }

    int count() {
        return values.length;
    }

    double get(int i) {
        return values[i];
    }

    /**
     * The number of thresholds strictly below {@code s} (those where {@code s > t}): an arithmetic
     * guess, corrected by exact comparisons with the stored thresholds.
     */
    int below(double s) {
        int n = values.length;
        if (n == 0) {
            return 0;
        }
        double guess = Math.ceil((s - lo) / step);
        int b = guess <= 0 ? 0 : guess >= n ? n : (int) guess;
        while (b > 0 && !(values[b - 1] < s)) {
            b--;
        }
        while (b < n && values[b] < s) {
            b++;
        }
        return b;
    }
}
