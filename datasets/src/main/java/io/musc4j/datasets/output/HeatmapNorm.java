package io.musc4j.datasets.output;

import java.util.Collection;

/**
 * The value range a heatmap's colours span. The reference offers both: {@code single_norm} stretches
 * each map over its own min..max (every image shows its most suspicious spot in red, even a normal
 * one), {@code whole_norm} uses the min..max of all maps of the category (colours are comparable
 * across images, so normal images stay blue).
 *
 * @param min the value drawn dark blue
 * @param max the value drawn dark red
 */
public record HeatmapNorm(float min, float max) {

    /** The range of one map (single_norm). */
    public static HeatmapNorm of(float[] map) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return new HeatmapNorm(lo, hi);
    }

    /** The range over all maps of a category (whole_norm). */
    public static HeatmapNorm of(Collection<float[]> maps) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float[] m : maps) {
            HeatmapNorm r = of(m);
            lo = Math.min(lo, r.min);
            hi = Math.max(hi, r.max);
        }
        return new HeatmapNorm(lo, hi);
    }

    /** {@code v} scaled to 0..255 and truncated, as the reference's {@code astype(uint8)} (0 for an empty range). */
    int toByte(float v) {
        if (!(max > min)) {
            return 0;
        }
        float t = (v - min) / (max - min);
        return (int) (Math.max(0f, Math.min(1f, t)) * 255f);
    }
}
