package io.musc4j.engine.inspect;

import io.musc4j.engine.metrics.RegionLabeler;
import java.util.ArrayList;
import java.util.List;

/**
 * The anomalous regions of a map: the pixels strictly above a threshold, grouped into connected
 * components with 8-connectivity (pixels touching only at a corner are one region), each reported
 * as its bounding box, area and peak. Pure Java, no native memory.
 */
public final class AnomalyRegions {

    private AnomalyRegions() {
    }

    /**
     * Finds the regions of one map.
     *
     * @param map row-major map of {@code width × height} values
     * @param width columns
     * @param height rows
     * @param threshold a pixel belongs to a region if its value is above this (NaN values never do;
     *     a NaN threshold finds nothing)
     * @return the regions, in the order of their first pixel in row-major order
     */
    public static List<Region> find(float[] map, int width, int height, double threshold) {
        if (width < 1 || height < 1 || map.length != width * height) {
            throw new IllegalArgumentException("map of " + map.length + " values is not " + width + "x" + height);
        }
        byte[] mask = new byte[map.length];
        for (int p = 0; p < map.length; p++) {
            mask[p] = map[p] > threshold ? (byte) 1 : 0;
        }
        RegionLabeler labeler = new RegionLabeler(height, width);
        int count = labeler.label(mask);
        int[] x0 = new int[count];
        int[] y0 = new int[count];
        int[] x1 = new int[count];
        int[] y1 = new int[count];
        int[] area = new int[count];
        float[] peak = new float[count];
        java.util.Arrays.fill(x0, Integer.MAX_VALUE);
        java.util.Arrays.fill(y0, Integer.MAX_VALUE);
        java.util.Arrays.fill(peak, Float.NEGATIVE_INFINITY);
        // labels are numbered by the first pixel of each region in row-major order
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = labeler.regionAt(y * width + x) - 1;
                if (r < 0) {
                    continue;
                }
                x0[r] = Math.min(x0[r], x);
                y0[r] = Math.min(y0[r], y);
                x1[r] = Math.max(x1[r], x + 1);
                y1[r] = Math.max(y1[r], y + 1);
                area[r]++;
                peak[r] = Math.max(peak[r], map[y * width + x]);
            }
        }
        List<Region> out = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            out.add(new Region(new Region.Box(x0[r], y0[r], x1[r], y1[r]), area[r], peak[r]));
        }
        return List.copyOf(out);
    }
}
