package io.musc4j.serve;

import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.inspect.Inspector;
import io.musc4j.engine.threshold.ThresholdRule;
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
 * @param threshold the threshold rule: fixed:X, or a label-free rule on the recent scores (mixture, mad, rate)
 * @param watch a hot folder to inspect, or null
 * @param packWeights whether the inspector keeps the backbone's weights packed for one part per pass
 *     ({@link Inspector.Builder#packWeights})
 */
public record StationSpec(String id, MuscConfig musc, int bankSize, int warmUp, ThresholdRule threshold, Path watch,
        boolean packWeights) {

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
        Inspector.Builder b = Inspector.builder(model).bankSize(bankSize).packWeights(packWeights);
        if (warmUp > 0) {
            b.warmUp(warmUp);
        }
        return threshold.kind() == ThresholdRule.Kind.FIXED ? b.threshold(threshold.value()) : b.rule(threshold);
    }
}
