package io.musc4j.engine.metrics;

/**
 * The scores of one class (anomalous or normal) as sort keys in ascending order, optionally with
 * the ground-truth region of each score alongside.
 */
final class SortedScores {

    private final long[] keys;
    private final int[] regions;
    private final int size;
    private final boolean doubleKeys;

    /** Sorts {@code keys[0..size)} (and {@code regions}, may be {@code null}) in place. */
    SortedScores(long[] keys, int[] regions, int size, boolean doubleKeys) {
        SortKeys.sort(keys, regions, size, doubleKeys ? 64 : 32);
        this.keys = keys;
        this.regions = regions;
        this.size = size;
        this.doubleKeys = doubleKeys;
    }

    int size() {
        return size;
    }

    long key(int i) {
        return keys[i];
    }

    /** Region index of score {@code i}; only when built with regions. */
    int region(int i) {
        return regions[i];
    }

    double value(int i) {
        return doubleKeys ? SortKeys.doubleValue(keys[i]) : SortKeys.floatValue(keys[i]);
    }

    /** Number of scores {@code <= t}. */
    int countAtMost(double t) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (value(mid) <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
