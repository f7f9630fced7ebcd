package io.musc4j.engine.inspect;

import io.musc4j.engine.maps.ImageMap;
import java.util.List;

/**
 * Where a part is anomalous, in its image's own pixels: the one rule behind the regions of a batch run
 * (category.json, the heatmaps' outlines) and of the {@link Inspector}. The regions are the 8-connected
 * pixels of the map at the image's size above the pixel threshold. A normal part shows none unless
 * asked. An anomalous part (its network map's maximum above the image threshold) always shows one:
 * when no pixel is above the pixel threshold, its strongest region above the image threshold; when
 * reading the map back to the image's size has also lowered every pixel to the image threshold or
 * below (the network map's peak fell between image pixels), the pixels at the map's highest value.
 * Both fallbacks are marked {@link Found#belowPixelThreshold}.
 *
 * @param found  the regions shown, in the order of their first pixel (a fallback is one region)
 * @param cut    the value the shown pixels are above: the pixel threshold, or the fallback's
 */
public record PartRegions(List<Found> found, double cut) {

    public PartRegions {
        found = List.copyOf(found);
    }

    /**
     * One region of a part.
     *
     * @param region              its box and area in image pixels, and its highest value
     * @param belowPixelThreshold true when it is shown because the part is anomalous though no pixel is
     *                            above the pixel threshold
     */
    public record Found(Region region, boolean belowPixelThreshold) {
    }

    /**
     * The regions of one part.
     *
     * @param map            the part's map at its image's size
     * @param pixelThreshold the threshold on map values that draws the regions
     * @param imageThreshold the threshold on the network map's maximum that made the verdict
     * @param anomalous      the verdict
     * @param evenIfNormal   whether a normal part's regions above the pixel threshold are wanted too
     */
    public static PartRegions of(ImageMap map, double pixelThreshold, double imageThreshold, boolean anomalous,
                                 boolean evenIfNormal) {
        if (!anomalous && !evenIfNormal) {
            return new PartRegions(List.of(), pixelThreshold);
        }
        List<Found> above = find(map, pixelThreshold, false);
        if (!above.isEmpty() || !anomalous) {
            return new PartRegions(above, pixelThreshold);
        }
        // a value v is above Math.nextDown(max) exactly when v >= max: the peak's pixels
        double cut = Math.min(imageThreshold, Math.nextDown((double) map.max()));
        List<Found> strongest = find(map, cut, true).stream()
                .max((a, b) -> Float.compare(a.region().peak(), b.region().peak())).map(List::of).orElse(List.of());
        return new PartRegions(strongest, cut);
    }

    private static List<Found> find(ImageMap map, double threshold, boolean fallback) {
        return AnomalyRegions.find(map.values(), map.width(), map.height(), threshold).stream()
                .map(r -> new Found(r, fallback)).toList();
    }

    /** The regions without their flags. */
    public List<Region> regions() {
        return found.stream().map(Found::region).toList();
    }

    /**
     * The pixels of the regions shown, as a {@code width × height} 0/1 mask (what a heatmap outlines);
     * null when none is shown.
     */
    public byte[] outline(ImageMap map) {
        if (found.isEmpty()) {
            return null;
        }
        if (!found.get(0).belowPixelThreshold()) {
            return map.above(cut);
        }
        // the one fallback region: its box's pixels above the cut
        byte[] mask = new byte[map.values().length];
        Region.Box b = found.get(0).region().box();
        float[] v = map.values();
        for (int y = b.y0(); y < b.y1(); y++) {
            for (int x = b.x0(); x < b.x1(); x++) {
                int p = y * map.width() + x;
                mask[p] = v[p] > cut ? (byte) 1 : 0;
            }
        }
        return mask;
    }
}
