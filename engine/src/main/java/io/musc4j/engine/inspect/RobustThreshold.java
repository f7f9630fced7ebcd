package io.musc4j.engine.inspect;

import java.util.Arrays;

/**
 * The adaptive threshold of the {@link Inspector}: {@code median + k · MAD} of a set of image
 * scores, where MAD is the median absolute deviation from the median <b>scaled by 1.4826</b>, so
 * that for normally distributed scores it estimates the standard deviation and k reads as "k
 * sigmas". The median of an even count is the mean of the two middle values. Median and MAD ignore
 * a minority of outliers (a few defective parts in the window barely move the threshold), which a
 * mean and a standard deviation would not.
 */
public final class RobustThreshold {

    /** Makes the MAD a consistent estimator of σ for a normal distribution: 1/Φ⁻¹(3/4). */
    public static final double MAD_TO_SIGMA = 1.4826;

    private RobustThreshold() {
    }

    /**
     * @param scores at least one finite score
     * @param k multiple of the scaled MAD above the median, ≥ 0
     */
    public static double of(double[] scores, double k) {
        if (scores.length == 0) {
            throw new IllegalArgumentException("the threshold needs at least one score");
        }
        double median = median(scores.clone());
        double[] deviations = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            deviations[i] = Math.abs(scores[i] - median);
        }
        return median + k * MAD_TO_SIGMA * median(deviations);
    }

    private static double median(double[] values) {
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
