package io.musc4j.datasets.output;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A scored category as the report shows it.
 *
 * @param name           the category name
 * @param images         its images, in any order
 * @param skipped        images that could not be read
 * @param threshold      the image threshold on map_max; images whose map_max is above it are anomalous
 * @param rule           how the threshold was chosen, in words
 * @param pixelThreshold the threshold on map values, the scale of map_max (the tick on the colour bar)
 * @param scale          the heatmaps' common colour range, empty when each heatmap has its own (or none
 *                       was drawn)
 * @param metrics        metric name → value (see {@link MetricsFiles#METRICS}), empty without labels
 */
public record ReportCategory(String name, List<ReportImage> images, int skipped, double threshold, String rule,
                             double pixelThreshold, Optional<HeatmapNorm> scale, Map<String, Double> metrics) {

    public ReportCategory {
        images = List.copyOf(images);
        metrics = Map.copyOf(metrics);
    }

    /** Images judged anomalous. */
    public long anomalous() {
        return images.stream().filter(ReportImage::anomalous).count();
    }
}
