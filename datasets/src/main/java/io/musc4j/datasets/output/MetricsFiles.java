package io.musc4j.datasets.output;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.musc4j.common.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a run's metrics: {@code metrics.json} (fractions, per category and their mean) and
 * {@code metrics.md} (percent with two decimals, as in the paper's tables).
 *
 * <p>Input is an ordered map category → (metric name → value). A metric a category lacks (no masks,
 * so no pixel metrics; no anomalous or no normal image, so no image metrics) or a NaN is written as
 * {@code null} / "–" and left out of the mean; the mean of a metric is the plain average over the
 * categories that have it, and how many those are is written beside it. Category names are escaped
 * as Markdown text.
 */
public final class MetricsFiles {

    /**
     * The metric names in table order: the paper's, with the F1 at the category's label-free threshold
     * beside the F1-max (which picks the best threshold with the labels, an oracle a zero-shot user lacks).
     */
    public static final List<String> TABLE = List.of("image_auroc", "image_ap", "image_f1_max",
            "image_f1_at_threshold", "pixel_auroc", "pixel_ap", "pixel_f1_max", "pixel_aupro", "pixel_aupro_exact");

    /** Every metric written to {@code metrics.json}: {@link #TABLE}, then precision and recall at the threshold. */
    public static final List<String> METRICS = java.util.stream.Stream.concat(TABLE.stream(),
            java.util.stream.Stream.of("image_precision_at_threshold", "image_recall_at_threshold")).toList();

    /** Column headers for {@link #TABLE}, as in the paper's tables. */
    static final List<String> HEADERS = List.of("Image AUROC", "Image AP", "Image F1-max", "Image F1 at threshold",
            "Pixel AUROC", "Pixel AP", "Pixel F1-max", "AUPRO", "AUPRO (exact)");

    private MetricsFiles() {
    }

    /** The mean over categories of each metric in {@link #METRICS} (NaN where no category has it). */
    public static Map<String, Double> mean(Map<String, Map<String, Double>> categories) {
        Map<String, Double> mean = new LinkedHashMap<>();
        for (String metric : METRICS) {
            double sum = 0;
            int n = 0;
            for (Map<String, Double> c : categories.values()) {
                Double v = c.get(metric);
                if (v != null && !v.isNaN()) {
                    sum += v;
                    n++;
                }
            }
            mean.put(metric, n == 0 ? Double.NaN : sum / n);
        }
        return mean;
    }

    /** How many categories each metric's mean is taken over: those that have a value for it. */
    public static Map<String, Integer> meanOver(Map<String, Map<String, Double>> categories) {
        Map<String, Integer> over = new LinkedHashMap<>();
        for (String metric : METRICS) {
            over.put(metric, (int) categories.values().stream().map(c -> c.get(metric))
                    .filter(v -> v != null && !v.isNaN()).count());
        }
        return over;
    }

    /**
     * Writes {@code {"categories": {...}, "mean": {...}, "mean_over": {...}}}: {@code mean_over} says
     * over how many categories each mean is taken.
     */
    public static void writeJson(Path file, Map<String, Map<String, Double>> categories) throws IOException {
        JsonObject cats = new JsonObject();
        categories.forEach((name, m) -> cats.add(name, row(m)));
        JsonObject root = new JsonObject();
        root.add("categories", cats);
        root.add("mean", row(mean(categories)));
        JsonObject over = new JsonObject();
        meanOver(categories).forEach(over::addProperty);
        root.add("mean_over", over);
        AtomicFiles.writeString(file, new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(root) + "\n");
    }

    /** Writes the Markdown table: one row per category, then the mean. */
    public static void writeMarkdown(Path file, Map<String, Map<String, Double>> categories) throws IOException {
        AtomicFiles.writeString(file, markdown(categories));
    }

    /** The Markdown table as text. */
    public static String markdown(Map<String, Map<String, Double>> categories) {
        StringBuilder sb = new StringBuilder("| Category | ").append(String.join(" | ", HEADERS)).append(" |\n|---|");
        sb.append("---:|".repeat(HEADERS.size())).append('\n');
        categories.forEach((name, m) -> appendRow(sb, markdownText(name), m));
        appendRow(sb, "**Mean**", mean(categories));
        Map<String, Integer> over = meanOver(categories);
        sb.append("| *Categories in the mean* |");
        TABLE.forEach(metric -> sb.append(' ').append(over.get(metric)).append(" |"));
        sb.append("\n\n– : not defined (image metrics need normal and anomalous images, pixel metrics masks with "
                + "anomalous pixels); left out of the mean.\n");
        return sb.toString();
    }

    /** A value as percent with two decimals, or "–" when missing. */
    static String percent(Double v) {
        return v == null || v.isNaN() ? "–" : String.format(Locale.ROOT, "%.2f", 100 * v);
    }

    /**
     * {@code name} as literal Markdown text: every ASCII punctuation character Markdown could read as
     * syntax or HTML ({@code <}, {@code |}, {@code *}, {@code [}...) is backslash-escaped, line breaks
     * become spaces.
     */
    static String markdownText(String name) {
        StringBuilder sb = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (c == '\n' || c == '\r') {
                sb.append(' ');
            } else if ("\\`*_{}[]()<>#!|~&".indexOf(c) >= 0) {
                sb.append('\\').append(c);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, String name, Map<String, Double> m) {
        sb.append("| ").append(name).append(" |");
        for (String metric : TABLE) {
            sb.append(' ').append(percent(m.get(metric))).append(" |");
        }
        sb.append('\n');
    }

    private static JsonObject row(Map<String, Double> m) {
        JsonObject o = new JsonObject();
        for (String metric : METRICS) {
            Double v = m.get(metric);
            o.add(metric, v == null || v.isNaN() ? JsonNull.INSTANCE : new JsonPrimitive(v));
        }
        return o;
    }
}
