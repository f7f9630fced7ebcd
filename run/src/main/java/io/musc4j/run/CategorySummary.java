package io.musc4j.run;

import com.google.gson.JsonParseException;
import com.google.gson.annotations.JsonAdapter;
import com.google.gson.annotations.SerializedName;
import io.musc4j.batch.InputFingerprint;
import io.musc4j.common.io.AtomicFiles;
import io.musc4j.datasets.Warnings;
import io.musc4j.datasets.output.HeatmapNorm;
import io.musc4j.datasets.output.ReportCategory;
import io.musc4j.datasets.output.ReportImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a finished category leaves in {@code OUT/<category>/category.json}: its scores, verdicts,
 * metrics and timings, the configuration and the input files that produced them. Written last, and
 * the category's folder is moved into place only then: its presence means the category's files are
 * complete, so {@code --resume} can reuse them while configuration and inputs are unchanged.
 *
 * @param config       the run configuration (JSON) the results belong to
 * @param inputs       the image and mask files they were computed from
 * @param decision     the label-free thresholds and verdict counts
 * @param metrics      metric name → value (NaN where undefined, written as null), or null when the category
 *                     is not labelled
 * @param skipped      images that could not be read
 * @param heatmapScale the heatmaps' common colour range, null when each has its own or none was drawn
 */
public record CategorySummary(String category, String config, InputFingerprint inputs, Decision decision,
                              List<Entry> images, @JsonAdapter(UndefinedAsNull.class) Map<String, Double> metrics,
                              Map<String, Long> timingsMs,
                              int skipped, HeatmapNorm heatmapScale) {

    public static final String FILE = "category.json";

    /** The coordinate system of every region box: the image's own pixels, (0, 0) its top-left corner. */
    public static final String IMAGE_PIXELS = "image";

    /**
     * The label-free decision; the names are those of docs/thresholds.md ("Names").
     *
     * @param rule           the image threshold rule, e.g. {@code mixture:3}
     * @param threshold      the threshold on map_max
     * @param ruleInWords    the rule explained, for the report
     * @param how            how the rule found the threshold in this category
     * @param pixelRule      the pixel threshold rule, applied to the maps' maxima ({@code image}: the image
     *                       threshold itself)
     * @param pixelThreshold the threshold on map values (the scale of map_max)
     * @param anomalous      images whose map_max is above the threshold
     * @param normal         the others
     */
    public record Decision(String rule, double threshold, @SerializedName("rule_in_words") String ruleInWords,
                           String how, @SerializedName("pixel_rule") String pixelRule,
                           @SerializedName("pixel_threshold") double pixelThreshold, int anomalous, int normal) {
    }

    /**
     * One scored image; the names are those of scores.csv.
     *
     * @param score   the final score, after RsCIN (relative to the category, 0 to 1)
     * @param mapMax  the map's maximum, before RsCIN, on which the verdict is decided
     * @param ratio   map_max / threshold: above 1 anomalous
     * @param verdict {@code anomalous} or {@code normal}
     * @param heatmap the heatmap panel, relative to the category folder (null when none was drawn)
     * @param mask    the binary mask at the image's own size, relative to the category folder (with
     *                --save-masks)
     * @param width   the image's own width in pixels
     * @param height  the image's own height in pixels
     * @param coordinates what the region boxes are in: {@value #IMAGE_PIXELS}, the image's own pixels
     * @param regions where the part is anomalous: an anomalous part's regions, a normal part's only with
     *                --save-masks
     */
    public record Entry(String image, Integer label, double score, @SerializedName("map_max") double mapMax,
                        double ratio, String verdict, String heatmap, String mask, int width, int height,
                        String coordinates, List<Box> regions) {

        public boolean anomalous() {
            return "anomalous".equals(verdict);
        }
    }

    /**
     * A region: box [x0, x1) × [y0, y1) in the image's own pixels, its area in those pixels and its
     * highest value in the map read back to the image's size;
     * {@code belowPixelThreshold} when it is an anomalous part's strongest region above the image
     * threshold, shown because no pixel of its map is above the pixel threshold.
     */
    public record Box(int x0, int y0, int x1, int y1, int area, float peak,
                      @SerializedName("below_pixel_threshold") boolean belowPixelThreshold) {
    }

    public Optional<Map<String, Double>> metricsIfAny() {
        return Optional.ofNullable(metrics);
    }

    public long anomalous() {
        return decision.anomalous();
    }

    ReportCategory reportCategory(Path categoryOut) {
        List<ReportImage> shown = images.stream().map(e -> new ReportImage(e.image(),
                e.label() == null ? OptionalInt.empty() : OptionalInt.of(e.label()), e.score(), e.mapMax(),
                e.anomalous(), Optional.ofNullable(e.heatmap()).map(categoryOut::resolve),
                e.regions() != null && e.regions().stream().anyMatch(Box::belowPixelThreshold))).toList();
        return new ReportCategory(category, shown, skipped, decision.threshold(),
                decision.ruleInWords() + "; " + decision.how(), decision.pixelThreshold(),
                Optional.ofNullable(heatmapScale), metrics == null ? Map.of() : metrics);
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
     * The summary of a complete earlier run of this category with the same configuration and the same
     * input files; empty otherwise, with a warning saying why when something was there.
     */
    public static Optional<CategorySummary> read(Path categoryOut, String config, InputFingerprint inputs,
                                                 Warnings warnings) {
        Path file = categoryOut.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            CategorySummary s = fromJson(Files.readString(file));
            if (s == null || !config.equals(s.config())) {
                warnings.add(file + ": computed with another configuration; category recomputed");
                return Optional.empty();
            }
            Optional<String> change = s.inputs() == null ? Optional.of("computed before input files were recorded")
                    : inputs.changeSince(s.inputs());
            if (change.isPresent()) {
                warnings.add(file + ": " + change.get() + "; category recomputed");
                return Optional.empty();
            }
            if (s.decision() == null || s.images() == null) {
                warnings.add(file + ": incomplete; category recomputed");
                return Optional.empty();
            }
            return Optional.of(s);
        } catch (IOException | JsonParseException e) {
            warnings.add(file + ": unreadable (" + e.getMessage() + "); category recomputed");
            return Optional.empty();
        }
    }
}
