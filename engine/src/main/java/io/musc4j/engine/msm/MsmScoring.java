package io.musc4j.engine.msm;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

/**
 * Which patches MSM compares: all patches of the other images ({@link #FULL}, the reference), or
 * only those within a (2w+1)² window around the same grid position ({@link AlignedScoring}).
 *
 * @param window half-width w of the aligned window, or −1 for full MSM
 */
public record MsmScoring(int window) {

    /** Full MSM, the reference's: every patch against every patch. */
    public static final MsmScoring FULL = new MsmScoring(-1);

    /** The aligned window used when none is given. */
    public static final int DEFAULT_WINDOW = 1;

    public MsmScoring {
        if (window < -1) {
            throw new IllegalArgumentException("aligned window must be >= 0, got " + window);
        }
    }

    /** Position-constrained MSM with half-width w ≥ 0. */
    public static MsmScoring aligned(int window) {
        if (window < 0) {
            throw new IllegalArgumentException("aligned window must be >= 0, got " + window);
        }
        return new MsmScoring(window);
    }

    /**
     * Parses {@code full}, {@code aligned} (w = {@value #DEFAULT_WINDOW}) or {@code aligned:w}.
     *
     * @throws IllegalArgumentException with a one-line message naming the bad value
     */
    public static MsmScoring parse(String text) {
        String v = text.trim();
        if (v.equals("full")) {
            return FULL;
        }
        if (v.equals("aligned")) {
            return aligned(DEFAULT_WINDOW);
        }
        if (v.startsWith("aligned:")) {
            try {
                int w = Integer.parseInt(v.substring("aligned:".length()));
                if (w >= 0) {
                    return aligned(w);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("scoring must be full, aligned or aligned:W with an integer W >= 0, got '"
                + text + "'");
    }

    /** Whether this is the position-constrained variant. */
    public boolean isAligned() {
        return window >= 0;
    }

    /** The scorer of one (N, L, C) feature set, (N, L) float64 scores out. */
    public UnaryOperator<NDArray> scorer(int gridH, int gridW, MsmInterval interval, long budgetBytes,
            MsmPrecision precision) {
        if (isAligned()) {
            return new AlignedScoring(gridH, gridW, window, interval, budgetBytes)::score;
        }
        return new MutualScoring(interval, budgetBytes, precision)::score;
    }

    /** {@code full} or {@code aligned:w}, the form {@link #parse} reads. */
    @Override
    public String toString() {
        return isAligned() ? "aligned:" + window : "full";
    }
}
