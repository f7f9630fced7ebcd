package io.musc4j.datasets.output;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One image as the report shows it.
 *
 * @param image     the image path relative to the data root
 * @param label     the ground truth, 0 or 1, empty when unknown
 * @param score     the final image score (after RsCIN); higher means more anomalous
 * @param anomalous the verdict at the category's threshold
 * @param heatmap   the heatmap panel PNG, when one was written
 */
public record ReportImage(String image, OptionalInt label, double score, boolean anomalous, Optional<Path> heatmap) {
}
