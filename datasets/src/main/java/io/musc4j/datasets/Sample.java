package io.musc4j.datasets;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One test image of a category.
 *
 * @param image        the image file
 * @param relativePath the image path relative to the data root, with '/' separators (as written to
 *                     {@code scores.csv})
 * @param defectType   the defect folder ({@code good} for normal images in the benchmark layouts; for a
 *                     plain folder, the parent folder relative to the root, "" at the root); result
 *                     files go under {@code maps/<defectType>/<stem>.npy}
 * @param stem         the file name without extension
 * @param label        0 = normal, 1 = anomalous, empty when unknown
 * @param mask         the ground-truth mask file, when there is one (normal images have none)
 */
public record Sample(Path image, String relativePath, String defectType, String stem,
                     OptionalInt label, Optional<Path> mask) {

    /** True when the label is known to be anomalous. */
    public boolean anomalous() {
        return label.isPresent() && label.getAsInt() == 1;
    }
}
