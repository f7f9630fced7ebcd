package io.musc4j.engine.metrics;

/**
 * The scores of one class (anomalous or normal) as sort keys in ascending order, optionally with
 * the ground-truth region of each score alongside. Float keys of a class without regions are held
 * as {@code int}, which halves the memory of the normal pixels, by far the largest array.
 */
final class SortedScores {

    private final long[] keys;
    private final int[] floatKeys;
    private final int[] regions;
    private final int size;
    private final boolean doubleKeys;

    private SortedScores(long[] keys, int[] floatKeys, int[] regions, int size, boolean doubleKeys) {
        this.keys = keys;
        this.floatKeys = floatKeys;
        this.regions = regions;
        this.size = size;
        this.doubleKeys = doubleKeys;
    }

    /** Sorts {@code keys[0..size)} (and {@code regions}, may be {@code null}) in place. */
    static SortedScores sort(long[] keys, int[] regions, int size, boolean doubleKeys) {
        SortKeys.sort(keys, regions, size, doubleKeys ? 64 : 32);
        return new SortedScores(keys, null, regions, size, doubleKeys);
    }

    /** Sorts the float keys {@code floatKeys[0..size)} in place. */
    static SortedScores sortFloatKeys(int[] floatKeys, int size) {
        SortKeys.sort(floatKeys, size);
        return new SortedScores(null, floatKeys, null, size, false);
    }

    int size() {
        return size;
    }

    long key(int i) {
        return floatKeys != null ? floatKeys[i] : keys[i];
    }

    /** Region index of score {@code i}; only when built with regions. */
    int region(int i) {
        return regions[i];
    }

    double value(int i) {
        return doubleKeys ? SortKeys.doubleValue(key(i)) : SortKeys.floatValue(key(i));
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
