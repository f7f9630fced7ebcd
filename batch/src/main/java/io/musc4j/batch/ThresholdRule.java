package io.musc4j.batch;

import io.musc4j.engine.inspect.RobustThreshold;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a category's threshold is chosen without labels, from the set's own scores:
 * <ul>
 *   <li>{@code mad:K} (the default, K = 3): {@code median + K · 1.4826 · MAD} ({@link RobustThreshold}, as
 *       the {@code Inspector} does). The scaled MAD estimates the spread of the normal parts' scores and
 *       ignores a minority of defects; K reads as "sigmas above the typical part".</li>
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
    public enum Kind { MAD, FIXED, RATE }

    /** {@code mad:3}. */
    public static final ThresholdRule DEFAULT = new ThresholdRule(Kind.MAD, 3);

    public ThresholdRule {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("threshold value must be a finite number, got " + value);
        }
        if (kind == Kind.MAD && value < 0) {
            throw new IllegalArgumentException("mad:K needs K >= 0, got " + text(value));
        }
        if (kind == Kind.RATE && !(value > 0 && value < 1)) {
            throw new IllegalArgumentException("rate:P needs 0 < P < 1 (a fraction, e.g. rate:0.05), got " + text(value));
        }
    }

    /**
     * Parses {@code mad}, {@code mad:K}, {@code fixed:X} or {@code rate:P}.
     *
     * @throws IllegalArgumentException with a one-line message naming the accepted forms
     */
    public static ThresholdRule parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int colon = t.indexOf(':');
        String name = colon < 0 ? t : t.substring(0, colon);
        String number = colon < 0 ? "" : t.substring(colon + 1).trim();
        Kind kind = switch (name) {
            case "mad" -> Kind.MAD;
            case "fixed" -> Kind.FIXED;
            case "rate" -> Kind.RATE;
            default -> throw new IllegalArgumentException(usage(text));
        };
        if (number.isEmpty()) {
            if (kind == Kind.MAD) {
                return DEFAULT;
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
        return "expected mad[:K], fixed:X or rate:P, got '" + text + "'";
    }

    /** The threshold for {@code scores} (at least one, all finite). */
    public double apply(double[] scores) {
        if (scores.length == 0) {
            throw new IllegalArgumentException("a threshold needs at least one score");
        }
        return switch (kind) {
            case MAD -> RobustThreshold.of(scores, value);
            case FIXED -> value;
            case RATE -> {
                double[] sorted = scores.clone();
                Arrays.sort(sorted);
                int n = sorted.length;
                int above = (int) Math.min(n - 1, Math.round(value * n));
                yield sorted[n - 1 - above];
            }
        };
    }

    /** The rule as the option is written, e.g. {@code mad:3}; parses back to an equal rule. */
    public String canonical() {
        return kind.name().toLowerCase(Locale.ROOT) + ":" + text(value);
    }

    /** The rule in words, for the report. */
    public String describe() {
        return switch (kind) {
            case MAD -> "mad:" + text(value) + ", median + " + text(value) + " × 1.4826 × MAD of the category's scores";
            case FIXED -> "fixed:" + text(value);
            case RATE -> "rate:" + text(value) + ", the highest " + text(100 * value) + " % of the category's scores "
                    + "anomalous";
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
