package io.musc4j.serve;

import io.musc4j.engine.inspect.Inspection;
import io.musc4j.engine.inspect.Region;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer for one inspected part, as the API, the hot folder's result files and the station's
 * record carry it (JSON names in snake_case; a score or threshold that does not exist yet is null).
 *
 * @param station the station's name
 * @param sequence 1-based number of the part at its station, contiguous over restarts
 * @param verdict WARMING_UP, NORMAL or ANOMALOUS
 * @param score the anomaly map's maximum; null for the first part (nothing to compare it with)
 * @param threshold the threshold the part was judged against; null while warming up, and for a part tiled
 *     by position whose tiles were judged against thresholds of their own (each in {@code tiles})
 * @param coordinates what the region boxes are in: {@code image}, the image's own pixels (as in a batch
 *     run's category.json)
 * @param regions connected regions above the threshold, in the image's own pixels
 * @param heatmap the heatmap's URL path, or null where there is no map (the first part)
 * @param image the image's size
 * @param bankParts parts the part was compared with
 * @param timings milliseconds by stage: queue, decode, backbone, features, scoring, map, admit, save, total
 * @param source the hot folder file the part came from, or null
 * @param received when the part arrived (ISO-8601, UTC)
 * @param tiles a tiled station's tiles, in tile order (row by row): where each lies in the image and how it
 *     was judged; null for an untiled station
 */
public record PartResult(String station, long sequence, String verdict, Double score, Double threshold,
        String coordinates, List<Box> regions, String heatmap, Size image, int bankParts, Map<String, Double> timings, String source,
        String received, List<Tile> tiles) {

    /** The coordinate system of the region boxes: the image's own pixels, (0, 0) its top-left corner. */
    static final String IMAGE_PIXELS = "image";

    /**
     * A region in image pixels: the bounding box [x, x + width) × [y, y + height), its area in image
     * pixels, and the highest value in it of the map read back to the image's size.
     */
    public record Box(int x, int y, int width, int height, long area, double peak) {
    }

    /** Width and height in pixels. */
    public record Size(int width, int height) {
    }

    /**
     * One tile of a tiled part: its rectangle [x, x + width) × [y, y + height) in image pixels, its map's
     * maximum, the threshold of its bank (null while warming up) and its verdict. A part is ANOMALOUS
     * when one of its tiles is.
     */
    public record Tile(int x, int y, int width, int height, Double score, Double threshold, String verdict) {
    }

    /** The same answer with other timings. */
    PartResult withTimings(Map<String, Double> ms) {
        return new PartResult(station, sequence, verdict, score, threshold, coordinates, regions, heatmap, image,
                bankParts, ms, source, received, tiles);
    }

    static PartResult of(String station, StationInspector.Inspected part, boolean hasHeatmap,
            Map<String, Double> timings, String source, Instant received) {
        List<Box> boxes = new ArrayList<>();
        for (Region r : part.regions()) {
            Region.Box b = r.box();
            boxes.add(new Box(b.x0(), b.y0(), b.width(), b.height(), r.area(), r.peak()));
        }
        return new PartResult(station, part.sequence(), part.verdict().name(), finite(part.score()),
                finite(part.threshold()), IMAGE_PIXELS, boxes,
                hasHeatmap ? "/v1/stations/" + station + "/parts/" + part.sequence() + "/heatmap.png" : null,
                new Size(part.width(), part.height()), part.bankParts(), timings, source, received.toString(),
                part.tiles().isEmpty() ? null : List.copyOf(part.tiles()));
    }

    /** A score or threshold as JSON carries it: null where there is none (NaN). */
    static Double finite(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /** Milliseconds of each stage, in the order the docs list them. */
    static Map<String, Double> timings(long queueNanos, long decodeNanos, Inspection.Timing t, long saveNanos,
            long totalNanos) {
        Map<String, Double> ms = new LinkedHashMap<>();
        ms.put("queue", millis(queueNanos));
        ms.put("decode", millis(decodeNanos));
        ms.put("backbone", millis(t.backboneNanos()));
        ms.put("features", millis(t.lnamdNanos()));
        ms.put("scoring", millis(t.bankScoringNanos()));
        ms.put("map", millis(t.mapNanos()));
        ms.put("admit", millis(t.admitNanos()));
        ms.put("save", millis(saveNanos));
        ms.put("total", millis(totalNanos));
        return ms;
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }
}
