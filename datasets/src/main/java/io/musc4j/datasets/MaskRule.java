package io.musc4j.datasets;

/**
 * Which pixels of a mask resized to S×S (Pillow bilinear, 8-bit) count as anomalous. Both rules are
 * the reference's own, one per loader; they matter only when the mask is really resized.
 */
public enum MaskRule {
    /**
     * Resized byte == 255 (MVTec AD, BTAD: ToTensor then an int cast truncates 254/255 to 0). Only
     * pixels whose whole filter window lies inside the mask survive, so masks shrink (SPEC §1).
     */
    FULL_WINDOW,
    /** Resized byte > 0 (VisA: {@code transform_mask(mask) > 0}). Masks grow by the filter's reach. */
    ANY_OVERLAP;

    /** Whether a resized 8-bit value (0..255) is anomalous. */
    public boolean anomalous(int resized) {
        return this == FULL_WINDOW ? resized == 255 : resized > 0;
    }
}
