package io.musc4j.cli;

import com.google.gson.JsonParseException;
import io.musc4j.datasets.Warnings;
import io.musc4j.datasets.output.ReportImage;
import io.musc4j.common.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a finished category leaves in {@code OUT/<category>/category.json}: its scores, metrics and
 * timings, and the configuration that produced them. Written last, atomically: its presence means the
 * category's files are complete, so {@code --resume} can reuse them.
 *
 * @param config the run configuration (JSON) the results belong to
 * @param metrics metric name → value, or null when the category is not labelled
 * @param skipped images that could not be read
 */
public record CategorySummary(String category, String config, List<Entry> images, Map<String, Double> metrics,
                       Map<String, Long> timingsMs, int skipped) {

    public static final String FILE = "category.json";

    /** One scored image. */
    public record Entry(String image, Integer label, double score, double scoreRscin, String heatmap) {
    }

    public Optional<Map<String, Double>> metricsIfAny() {
        return Optional.ofNullable(metrics);
    }

    List<ReportImage> reportImages(Path categoryOut) {
        return images.stream().map(e -> new ReportImage(e.image(),
                e.label() == null ? OptionalInt.empty() : OptionalInt.of(e.label()), e.scoreRscin(),
                Optional.ofNullable(e.heatmap()).map(categoryOut::resolve))).toList();
    }

    public void write(Path categoryOut) throws IOException {
        AtomicFiles.writeString(categoryOut.resolve(FILE), toJson() + "\n");
    }

    /** This summary as category.json holds it. */
    public String toJson() {
        return RunJob.gson().toJson(this);
    }

    /** A summary from its {@link #toJson} text. */
    public static CategorySummary fromJson(String json) {
        return RunJob.gson().fromJson(json, CategorySummary.class);
    }

    /**
     * The summary of a complete earlier run of this category with the same configuration; empty (with a
     * warning when something was there) otherwise.
     */
    public static Optional<CategorySummary> read(Path categoryOut, String config, Warnings warnings) {
        Path file = categoryOut.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            CategorySummary s = RunJob.gson().fromJson(Files.readString(file), CategorySummary.class);
            if (s == null || !config.equals(s.config())) {
                warnings.add(file + ": computed with another configuration; category recomputed");
                return Optional.empty();
            }
            return Optional.of(s);
        } catch (IOException | JsonParseException e) {
            warnings.add(file + ": unreadable (" + e.getMessage() + "); category recomputed");
            return Optional.empty();
        }
    }
}
