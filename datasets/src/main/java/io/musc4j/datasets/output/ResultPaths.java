package io.musc4j.datasets.output;

import io.musc4j.datasets.Sample;
import java.nio.file.Path;

/**
 * Where the per-image results of a category go, below its output folder:
 * {@code maps/<type>/<stem>.npy} and {@code heatmaps/<type>/<stem>.png}, where {@code <type>} is the
 * sample's defect folder (for a plain folder, its sub-folder path; images at the root go directly
 * under {@code maps/}).
 */
public final class ResultPaths {

    private ResultPaths() {
    }

    /** {@code categoryOut/maps/<type>/<stem>.npy}. */
    public static Path map(Path categoryOut, Sample sample) {
        return under(categoryOut.resolve("maps"), sample, ".npy");
    }

    /** {@code categoryOut/heatmaps/<type>/<stem>.png}. */
    public static Path heatmap(Path categoryOut, Sample sample) {
        return under(categoryOut.resolve("heatmaps"), sample, ".png");
    }

    private static Path under(Path base, Sample sample, String extension) {
        Path dir = sample.defectType().isEmpty() ? base : base.resolve(sample.defectType());
        return dir.resolve(sample.stem() + extension);
    }
}
