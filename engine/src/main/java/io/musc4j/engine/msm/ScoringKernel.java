package io.musc4j.engine.msm;

import io.musc4j.models.Precision;
import ai.djl.Device;

/**
 * The choice of MSM kernel, an option of a run: all patches of the other images ({@link #FULL},
 * {@link FullMsm}, the reference), or only those within a (2w+1)² window around the same grid position
 * ({@link AlignedMsm}). {@link #scorer} makes the {@link PatchScorer}.
 *
 * @param window half-width w of the aligned window, or −1 for full MSM
 */
public record ScoringKernel(int window) {

    /** Full MSM, the reference's: every patch against every patch. */
    public static final ScoringKernel FULL = new ScoringKernel(-1);

    /** The aligned window used when none is given. */
    public static final int DEFAULT_WINDOW = 1;

    public ScoringKernel {
        if (window < -1) {
            throw new IllegalArgumentException("aligned window must be >= 0, got " + window);
        }
    }

    /** Position-constrained MSM with half-width w ≥ 0. */
    public static ScoringKernel aligned(int window) {
        if (window < 0) {
            throw new IllegalArgumentException("aligned window must be >= 0, got " + window);
        }
        return new ScoringKernel(window);
    }

    /**
     * Parses {@code full}, {@code aligned} (w = {@value #DEFAULT_WINDOW}) or {@code aligned:w}.
     *
     * @throws IllegalArgumentException with a one-line message naming the bad value
     */
    public static ScoringKernel parse(String text) {
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

    /**
     * The patch scorer of this kernel for a patch grid.
     *
     * @param budgetBytes the scorer's workspace budget
     * @param precision arithmetic of full MSM's products (aligned MSM computes in float32)
     */
    public PatchScorer scorer(int gridH, int gridW, MsmInterval interval, long budgetBytes, Precision precision) {
        if (isAligned()) {
            return new AlignedMsm(gridH, gridW, window, interval, budgetBytes);
        }
        return new FullMsm(interval, budgetBytes, precision);
    }

    /**
     * The plan of this kernel's scorer for N images of L patches with C channels (no grid needed).
     *
     * @param degrees feature sets a layer gives as one map (LNAMD's degrees), or 1: full MSM then plans
     *     scoring them all at once where it can ({@link PatchScorer#scoresNeighbourhoods})
     */
    public ScoringPlan plan(long images, long patches, long channels, int degrees, MsmInterval interval,
            long budgetBytes, Precision precision, Device device) {
        if (isAligned()) {
            return AlignedMsm.plan(images, patches, channels, budgetBytes);
        }
        FullMsm full = new FullMsm(interval, budgetBytes, precision);
        return degrees > 1 ? full.planNeighbourhoods(images, patches, channels, degrees, device)
                : full.plan(images, patches, channels, device);
    }

    /** {@code full} or {@code aligned:w}, the form {@link #parse} reads. */
    @Override
    public String toString() {
        return isAligned() ? "aligned:" + window : "full";
    }
}
