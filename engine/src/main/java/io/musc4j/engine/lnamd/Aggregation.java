package io.musc4j.engine.lnamd;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.List;

/**
 * How patch tokens become the features MSM scores: {@link #LNAMD} (MuSc, the reference: one feature
 * set per degree, so one MSM pass per layer and degree) or {@link #SNAMD} (MuSc-V2: the degrees
 * fused into one feature set, so one MSM pass per layer).
 */
public enum Aggregation {
    /** MuSc's LNAMD ({@link Lnamd}), the default. */
    LNAMD,
    /** MuSc-V2's SNAMD ({@link Snamd}). */
    SNAMD;

    /**
     * The feature sets of one layer, in the order of {@link #scoredDegrees}.
     *
     * @param tokens (N, 1+h·w, C) tokens of one layer
     * @return (N, L, C) unit features, attached to the manager of {@code tokens}
     */
    public List<NDArray> aggregate(NDArray tokens, int gridH, int gridW, List<Integer> degrees) {
        return this == LNAMD ? new Lnamd(gridH, gridW).aggregate(tokens, degrees)
                : List.of(new Snamd(gridH, gridW).aggregate(tokens, degrees));
    }

    /** The degree each feature set is recorded under: every degree for LNAMD; for SNAMD its one
     *  fused set, recorded under the largest degree (its window). */
    public List<Integer> scoredDegrees(List<Integer> degrees) {
        return this == LNAMD ? degrees : List.of(Collections.max(degrees));
    }

    /** Parses {@code lnamd} or {@code snamd} (any case), with a one-line error otherwise. */
    public static Aggregation parse(String text) {
        for (Aggregation a : values()) {
            if (a.name().equalsIgnoreCase(text.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("aggregation must be lnamd or snamd, got '" + text + "'");
    }
}
