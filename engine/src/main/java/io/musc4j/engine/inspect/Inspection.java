package io.musc4j.engine.inspect;

import io.musc4j.engine.maps.ImageMap;
import java.util.List;
import java.util.Objects;

/**
 * What the {@link Inspector} found for one part. Immutable: {@link #map()} returns a copy.
 *
 * @param sequence 1-based number of this part among all parts the inspector has seen
 * @param score image score: the maximum of the map (MuSc's score before RsCIN); NaN if the bank was
 *     empty
 * @param map S×S row-major pixel map (MSM against the bank, upsampled); all NaN if the bank was empty
 * @param mapSize side S of the map
 * @param verdict the judgement
 * @param threshold the threshold the part was judged against; NaN while warming up
 * @param regions where an anomalous part is anomalous, in the image's own pixels ({@link PartRegions}: the
 *     map read back to the image's size, its pixels above the threshold); empty for a normal part and
 *     while warming up
 * @param bankParts how many bank parts the part was scored against
 * @param imageWidth width of the original image
 * @param imageHeight height of the original image
 * @param timing where the time went
 */
public record Inspection(long sequence, double score, float[] map, int mapSize, Verdict verdict, double threshold,
        List<Region> regions, int bankParts, int imageWidth, int imageHeight, Timing timing) {

    public Inspection {
        if (map.length != mapSize * mapSize) {
            throw new IllegalArgumentException("map of " + map.length + " values is not " + mapSize + "x" + mapSize);
        }
        map = map.clone();
        regions = List.copyOf(regions);
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(timing, "timing");
    }

    /** A copy of the S×S pixel map. */
    @Override
    public float[] map() {
        return map.clone();
    }

    /** The map read back to the image's own size ({@link ImageMap#fromNetwork}), where the regions are. */
    public ImageMap imageMap() {
        return ImageMap.fromNetwork(map, mapSize, imageWidth, imageHeight);
    }

    /**
     * Wall time of the inspection call that produced this part, by stage. A call with several images
     * runs each stage once for all of them; {@link #images()} says how many shared it.
     *
     * @param backboneNanos preprocessing and the backbone pass
     * @param lnamdNanos LNAMD features of the tapped layers at every degree
     * @param bankScoringNanos MSM against the bank and the averaging into patch maps
     * @param mapNanos upsampling, image scores, verdicts and regions
     * @param admitNanos adding parts to the bank (and, once, scoring the bank mutually for the threshold)
     * @param images parts inspected by the call
     */
    public record Timing(long backboneNanos, long lnamdNanos, long bankScoringNanos, long mapNanos, long admitNanos,
            int images) {

        /** All stages together. */
        public long totalNanos() {
            return backboneNanos + lnamdNanos + bankScoringNanos + mapNanos + admitNanos;
        }
    }
}
