package io.musc4j.serve;

import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.inspect.Inspector;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One station of the line, resolved and checked: its name, the MuSc configuration its model runs
 * with, and its inspector's options.
 *
 * @param id name in URLs and the state folder: letters, digits, '-', '_' and '.'
 * @param musc the model and scoring options (MuSc's own validation has run)
 * @param bankSize M, parts in the bank
 * @param warmUp W, parts before judging starts; 0 for the inspector's default min(M, 16)
 * @param threshold the threshold rule
 * @param watch a hot folder to inspect, or null
 */
public record StationSpec(String id, MuscConfig musc, int bankSize, int warmUp, Threshold threshold, Path watch) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public StationSpec {
        Objects.requireNonNull(musc, "musc");
        Objects.requireNonNull(threshold, "threshold");
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("station name '" + id + "' must be 1 to 64 letters, digits, '.', '-' or "
                    + "'_', starting with a letter or digit");
        }
        if (bankSize < 2) {
            throw new IllegalArgumentException("station " + id + ": bank size must be at least 2, got " + bankSize);
        }
        if (warmUp != 0 && (warmUp < 2 || warmUp > bankSize)) {
            throw new IllegalArgumentException("station " + id + ": warm-up must be between 2 and the bank size "
                    + bankSize + ", got " + warmUp);
        }
    }

    /** The inspector's builder on a loaded model. */
    Inspector.Builder inspector(MuSc model) {
        Inspector.Builder b = Inspector.builder(model).bankSize(bankSize);
        if (warmUp > 0) {
            b.warmUp(warmUp);
        }
        return threshold.fixed() ? b.threshold(threshold.value()) : b.madFactor(threshold.value());
    }

    /**
     * The inspector's threshold: {@code mad:K} (median + K·1.4826·MAD of the recent scores) or
     * {@code fixed:X}.
     */
    public record Threshold(boolean fixed, double value) {

        /** Parses {@code mad:K} or {@code fixed:X}. */
        public static Threshold parse(String text) {
            String t = text.trim().toLowerCase(java.util.Locale.ROOT);
            int colon = t.indexOf(':');
            String kind = colon < 0 ? t : t.substring(0, colon);
            if (colon < 0 || !(kind.equals("mad") || kind.equals("fixed"))) {
                throw new IllegalArgumentException("--threshold takes mad:K or fixed:X, got '" + text + "'");
            }
            double v;
            try {
                v = Double.parseDouble(t.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--threshold " + kind + ": takes a number, got '" + text + "'");
            }
            if (!Double.isFinite(v) || (kind.equals("mad") && v < 0)) {
                throw new IllegalArgumentException("--threshold " + kind + ": must be a finite number"
                        + (kind.equals("mad") ? " >= 0" : "") + ", got '" + text + "'");
            }
            return new Threshold(kind.equals("fixed"), v);
        }

        @Override
        public String toString() {
            return (fixed ? "fixed:" : "mad:") + value;
        }
    }
}
