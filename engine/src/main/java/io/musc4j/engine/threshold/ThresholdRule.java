package io.musc4j.engine.threshold;

import io.musc4j.engine.inspect.RobustThreshold;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a threshold is chosen without labels, from a set's own scores: a category's map maxima in a batch
 * run, the {@code Inspector}'s window of recent parts on a line. The scores are {@code map_max}, the
 * anomaly map's maximum before RsCIN, an absolute scale on which the spread of normal parts means
 * something (RsCIN's scores are min–max normalised per category).
 * <ul>
 *   <li>{@code mixture:K} (the default, K = 3): the normal parts' group found by a two-group mixture on
 *       the log scores, {@code exp(μ + K·σ)} of that group, whatever the defects' share; the MAD rule on
 *       the log scores when the scores form one group ({@link MixtureThreshold}).</li>
 *   <li>{@code mad:K}: {@code median + K · 1.4826 · MAD} ({@link RobustThreshold}). The scaled MAD
 *       estimates the spread of the normal parts' scores and ignores a minority of defects, but fails
 *       when defects are half of the set or more; K reads as "sigmas above the typical part".</li>
 *   <li>{@code fixed:X}: the value X itself.</li>
 *   <li>{@code rate:P}, 0 &lt; P &lt; 1, an expected anomaly rate: the m = round(P·N) highest scores lie
 *       above the threshold (m at most N − 1), which is the (m+1)-th highest score; ties at it stay
 *       below.</li>
 * </ul>
 * A score strictly above the threshold is anomalous.
 *
 * @param kind  the rule
 * @param value K, X or P
 */
public record ThresholdRule(Kind kind, double value) {

    /** The rules. */
    public enum Kind { MIXTURE, MAD, FIXED, RATE }

    /** {@code mixture:3}. */
    public static final ThresholdRule DEFAULT = new ThresholdRule(Kind.MIXTURE, 3);

    public ThresholdRule {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("threshold value must be a finite number, got " + value);
        }
        if ((kind == Kind.MAD || kind == Kind.MIXTURE) && value < 0) {
            throw new IllegalArgumentException(canonicalName(kind) + ":K needs K >= 0, got " + text(value));
        }
        if (kind == Kind.RATE && !(value > 0 && value < 1)) {
            throw new IllegalArgumentException("rate:P needs 0 < P < 1 (a fraction, e.g. rate:0.05), got " + text(value));
        }
    }

    /**
     * Parses {@code mixture[:K]}, {@code mad[:K]}, {@code fixed:X} or {@code rate:P}.
     *
     * @throws IllegalArgumentException with a one-line message naming the accepted forms
     */
    public static ThresholdRule parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int colon = t.indexOf(':');
        String name = colon < 0 ? t : t.substring(0, colon);
        String number = colon < 0 ? "" : t.substring(colon + 1).trim();
        Kind kind = switch (name) {
            case "mixture" -> Kind.MIXTURE;
            case "mad" -> Kind.MAD;
            case "fixed" -> Kind.FIXED;
            case "rate" -> Kind.RATE;
            default -> throw new IllegalArgumentException(usage(text));
        };
        if (number.isEmpty()) {
            if (kind == Kind.MAD || kind == Kind.MIXTURE) {
                return new ThresholdRule(kind, 3);
            }
            throw new IllegalArgumentException(usage(text));
        }
        try {
            return new ThresholdRule(kind, Double.parseDouble(number));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(usage(text));
        }
    }

    private static String usage(String text) {
        return "expected mixture[:K], mad[:K], fixed:X or rate:P, got '" + text + "'";
    }

    /** The threshold for {@code scores} (at least one, all finite). */
    public double apply(double[] scores) {
        return fit(scores).value();
    }

    /**
     * A threshold and how it was found.
     *
     * @param value the threshold
     * @param how   how the rule found it, in words (for the report and category.json)
     */
    public record Threshold(double value, String how) {
    }

    /** The threshold for {@code scores} (at least one, all finite), with how it was found. */
    public Threshold fit(double[] scores) {
        if (scores.length == 0) {
            throw new IllegalArgumentException("a threshold needs at least one score");
        }
        if (kind == Kind.MIXTURE) {
            MixtureThreshold.Fit f = MixtureThreshold.of(scores, value);
            String how = f.twoGroups()
                    ? String.format(java.util.Locale.ROOT, "two groups; the normal group holds %.0f %% of the parts",
                            100 * f.normalShare())
                    : "one group (the parts look alike); median + " + text(value) + " × 1.4826 × MAD of the log scores";
            return new Threshold(f.threshold(), how);
        }
        return new Threshold(switch (kind) {
            case MIXTURE -> throw new IllegalStateException();
            case MAD -> RobustThreshold.of(scores, value);
            case FIXED -> value;
            case RATE -> {
                double[] sorted = scores.clone();
                Arrays.sort(sorted);
                int n = sorted.length;
                int above = (int) Math.min(n - 1, Math.round(value * n));
                yield sorted[n - 1 - above];
            }
        }, describe());
    }

    /** The rule as the option is written, e.g. {@code mad:3}; parses back to an equal rule. */
    public String canonical() {
        return canonicalName(kind) + ":" + text(value);
    }

    private static String canonicalName(Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** The rule in words, for the report. */
    public String describe() {
        return switch (kind) {
            case MIXTURE -> "mixture:" + text(value) + ", the normal parts' group of a two-group mixture on the log "
                    + "map maxima, mean + " + text(value) + " sigmas";
            case MAD -> "mad:" + text(value) + ", median + " + text(value) + " × 1.4826 × MAD of the map maxima";
            case FIXED -> "fixed:" + text(value);
            case RATE -> "rate:" + text(value) + ", the highest " + text(100 * value) + " % of the map maxima anomalous";
        };
    }

    @Override
    public String toString() {
        return canonical();
    }

    private static String text(double v) {
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
