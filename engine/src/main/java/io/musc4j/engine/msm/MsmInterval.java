package io.musc4j.engine.msm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * The interval average of MSM: the score of a patch is the mean of its nearest-image distances
 * ranked [kLow, kHigh) in ascending order.
 *
 * <p>Bounds follow the reference's {@code topmin_min}/{@code topmin_max}: a bound below 1 is a
 * fraction of the number of candidate images n (k = int(n·bound), IEEE double product then
 * truncation), a bound of 1 or more is an absolute count; swapped bounds are put in order. The
 * default [0, 0.3] is the paper's "0–30 %" interval.
 *
 * <p><b>Small n.</b> Where the reference's interval is empty (kHigh = kLow, e.g. n ≤ 4 at the
 * default, where it returns NaN) this one widens it to one value: kHigh = kLow + 1, with both
 * clamped to n. So the score stays finite for any n ≥ 1.
 *
 * @param low lower bound (fraction < 1 or count ≥ 1), ≥ 0
 * @param high upper bound (fraction < 1 or count ≥ 1), ≥ 0
 */
public record MsmInterval(double low, double high) {

    /** The paper's default interval [0, 0.3]. */
    public static final MsmInterval DEFAULT = new MsmInterval(0, 0.3);

    public MsmInterval {
        if (!(low >= 0) || !(high >= 0) || Double.isInfinite(low) || Double.isInfinite(high)) {
            throw new IllegalArgumentException("MSM interval bounds must be finite and >= 0, got ["
                    + low + ", " + high + "]");
        }
    }

    /** Rank range [kLow, kHigh) for n candidate images, never empty for n ≥ 1. */
    public Ranks ranks(int candidates) {
        if (candidates < 1) {
            throw new IllegalArgumentException("MSM needs at least one other image, got " + candidates);
        }
        int a = rank(low, candidates);
        int b = rank(high, candidates);
        int kLow = Math.min(Math.min(a, b), candidates - 1);
        int kHigh = Math.min(Math.max(Math.max(a, b), kLow + 1), candidates);
        return new Ranks(kLow, kHigh);
    }

    /**
     * The interval average over axis 1 of nearest-image distances.
     *
     * @param minima (R, M, L) float32 distances; entries that are not candidates (an image against
     *     itself) must be +∞ so that they rank last
     * @param candidates number of finite candidates per (row, patch), at most M
     * @return (R, L) float64 on minima's manager
     */
    public NDArray average(NDArray minima, int candidates) {
        Ranks k = ranks(candidates);
        try (NDManager scope = minima.getManager().newSubManager()) {
            NDArray smallest = minima.get(scope, new NDIndex(":")).topK(k.high(), 1, false, true).get(0);
            NDArray mean = smallest.get(new NDIndex(":, {}:{}, :", k.low(), k.high()))
                    .mean(new int[] {1}).toType(DataType.FLOAT64, false);
            mean.attach(minima.getManager());
            return mean;
        }
    }

    private static int rank(double bound, int candidates) {
        return bound < 1 ? (int) (candidates * bound) : (int) bound;
    }

    /** A half-open rank range [low, high) with high > low. */
    public record Ranks(int low, int high) {
    }
}
