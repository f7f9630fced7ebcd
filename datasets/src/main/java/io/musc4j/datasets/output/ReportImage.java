package io.musc4j.datasets.output;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One image as the report shows it.
 *
 * @param image   the image path relative to the data root
 * @param label   0 or 1, empty when unknown
 * @param score   the final image score (after RsCIN)
 * @param heatmap the overlay PNG, when one was written
 */
public record ReportImage(String image, OptionalInt label, double score, Optional<Path> heatmap) {
}
