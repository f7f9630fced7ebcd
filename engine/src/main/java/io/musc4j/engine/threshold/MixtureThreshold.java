package io.musc4j.engine.threshold;

import io.musc4j.engine.inspect.RobustThreshold;
import java.util.Arrays;

/**
 * The {@code mixture:K} threshold: the normal parts' scores estimated from the set itself without
 * assuming that defects are rare.
 *
 * <p>The map maxima are positive distances whose spread grows with their size, so the rule works on
 * their logarithms. It fits one normal distribution and a mixture of two (EM from the Otsu split,
 * at most {@value #ITERATIONS} steps) and keeps the mixture when its Bayesian information criterion is
 * lower, i.e. when the scores really fall into two groups. Then the lower group is the normal parts,
 * whatever their share, and the threshold is {@code exp(μ + K·σ)} of that group. When one group
 * explains the scores as well (all parts alike: all normal, or a set too small to tell), the threshold
 * is {@code exp(median + K · 1.4826 · MAD)} of all log scores. Sets of fewer than {@value #MIN_PARTS}
 * scores, or with a score that is not positive, skip the mixture (and, for the latter, the logarithm).
 *
 * <p>Measured against the MAD rule, Otsu's split and the mixture on raw scores at defect shares of 2 to
 * 70 % ({@code musc bench thresholds}, docs/thresholds.md).
 */
public final class MixtureThreshold {

    /** Fewer scores than this cannot support a two-group fit (5 parameters). */
    static final int MIN_PARTS = 8;
    static final int ITERATIONS = 500;

    /**
     * What the rule found.
     *
     * @param threshold   the threshold on the scores' own scale
     * @param twoGroups   whether the scores were split into normal and anomalous groups
     * @param normalShare the normal group's share of the parts (1 for one group)
     */
    public record Fit(double threshold, boolean twoGroups, double normalShare) {
    }

    private MixtureThreshold() {
    }

    /** The threshold for {@code scores} (at least one, all finite) at K normal-group sigmas. */
    public static Fit of(double[] scores, double k) {
        boolean log = Arrays.stream(scores).allMatch(s -> s > 0);
        double[] y = new double[scores.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = log ? Math.log(scores[i]) : scores[i];
        }
        double[] two = scores.length >= MIN_PARTS ? twoGroups(y) : null;
        double t = two != null ? two[0] + k * two[1] : RobustThreshold.of(y, k);
        return new Fit(log ? Math.exp(t) : t, two != null, two != null ? two[2] : 1);
    }

    /** The lower group's mean, sigma and weight when two groups fit better than one; else null. */
    private static double[] twoGroups(double[] y) {
        int n = y.length;
        double mean = Arrays.stream(y).average().orElseThrow();
        double var = Arrays.stream(y).map(v -> (v - mean) * (v - mean)).sum() / n;
        if (!(var > 0)) {
            return null;
        }
        double floor = 1e-6 * var;
        double split = otsu(y);
        double[] w = new double[2];
        double[] mu = new double[2];
        double[] v = new double[2];
        for (double x : y) {
            int j = x <= split ? 0 : 1;
            w[j]++;
            mu[j] += x;
        }
        for (int j = 0; j < 2; j++) {
            mu[j] /= w[j];
        }
        for (double x : y) {
            int j = x <= split ? 0 : 1;
            v[j] += (x - mu[j]) * (x - mu[j]);
        }
        for (int j = 0; j < 2; j++) {
            v[j] = Math.max(v[j] / w[j], floor);
            w[j] /= n;
        }
        double[] r = new double[n];
        double ll = Double.NEGATIVE_INFINITY;
        for (int it = 0; it < ITERATIONS; it++) {
            // E step: r = P(lower group | y)
            double next = 0;
            for (int i = 0; i < n; i++) {
                double p0 = w[0] * density(y[i], mu[0], v[0]);
                double p1 = w[1] * density(y[i], mu[1], v[1]);
                double p = p0 + p1;
                r[i] = p > 0 ? p0 / p : (Math.abs(y[i] - mu[0]) <= Math.abs(y[i] - mu[1]) ? 1 : 0);
                next += Math.log(Math.max(p, Double.MIN_NORMAL));
            }
            // M step
            double n0 = 0;
            double s0 = 0;
            double s1 = 0;
            for (int i = 0; i < n; i++) {
                n0 += r[i];
                s0 += r[i] * y[i];
                s1 += (1 - r[i]) * y[i];
            }
            double n1 = n - n0;
            if (n0 < 1e-9 || n1 < 1e-9) {
                return null;
            }
            mu[0] = s0 / n0;
            mu[1] = s1 / n1;
            double q0 = 0;
            double q1 = 0;
            for (int i = 0; i < n; i++) {
                q0 += r[i] * (y[i] - mu[0]) * (y[i] - mu[0]);
                q1 += (1 - r[i]) * (y[i] - mu[1]) * (y[i] - mu[1]);
            }
            v[0] = Math.max(q0 / n0, floor);
            v[1] = Math.max(q1 / n1, floor);
            w[0] = n0 / n;
            w[1] = n1 / n;
            if (Math.abs(next - ll) < 1e-10 * Math.abs(next)) {
                break;
            }
            ll = next;
        }
        double ll2 = 0;
        for (double x : y) {
            ll2 += Math.log(Math.max(w[0] * density(x, mu[0], v[0]) + w[1] * density(x, mu[1], v[1]),
                    Double.MIN_NORMAL));
        }
        double ll1 = -0.5 * n * (Math.log(2 * Math.PI * var) + 1);
        double bic1 = -2 * ll1 + 2 * Math.log(n);
        double bic2 = -2 * ll2 + 5 * Math.log(n);
        if (bic2 >= bic1) {
            return null;
        }
        int lo = mu[0] <= mu[1] ? 0 : 1;
        return new double[] {mu[lo], Math.sqrt(v[lo]), w[lo]};
    }

    private static double density(double x, double mu, double var) {
        return Math.exp(-0.5 * (x - mu) * (x - mu) / var) / Math.sqrt(2 * Math.PI * var);
    }

    /** Otsu's split: the midpoint between sorted neighbours that maximises the between-class variance. */
    static double otsu(double[] y) {
        double[] s = y.clone();
        Arrays.sort(s);
        int n = s.length;
        double total = Arrays.stream(s).sum();
        double below = 0;
        double best = -1;
        double split = s[n - 1];
        for (int i = 1; i < n; i++) {
            below += s[i - 1];
            double m0 = below / i;
            double m1 = (total - below) / (n - i);
            double between = (double) i * (n - i) * (m0 - m1) * (m0 - m1);
            if (between > best && s[i] > s[i - 1]) {
                best = between;
                split = (s[i - 1] + s[i]) / 2;
            }
        }
        return split;
    }
}
