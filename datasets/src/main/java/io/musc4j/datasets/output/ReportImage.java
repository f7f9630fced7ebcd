package io.musc4j.datasets.output;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One image as the report shows it.
 *
 * @param image     the image path relative to the data root
 * @param label     the ground truth, 0 or 1, empty when unknown
 * @param score     the final image score, after RsCIN (relative to the category); higher means more anomalous
 * @param mapMax    the anomaly map's maximum, before RsCIN: the scale of the thresholds
 * @param anomalous the verdict: map_max above the category's threshold
 * @param heatmap   the heatmap panel PNG, when one was written
 * @param weakRegion whether the region shown is the strongest above the image threshold, no pixel being
 *                  above the pixel threshold
 */
public record ReportImage(String image, OptionalInt label, double score, double mapMax, boolean anomalous,
                          Optional<Path> heatmap, boolean weakRegion) {
}
