package io.musc4j.datasets.output;

import io.musc4j.common.image.RgbImage;
import io.musc4j.common.io.AtomicFiles;
import io.musc4j.datasets.image.ImageIo;
import io.musc4j.datasets.image.ImageReadException;
import io.musc4j.datasets.image.OpenCv;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * A self-contained {@code report.html} for one run: inline CSS, thumbnails embedded as base64 JPEG and
 * histograms as inline SVG, so the single file can be mailed or archived. It shows the metrics table
 * (when labels exist), the categories that could not be scored, a line in plain words on how the
 * scores and verdicts come about, then per category its two thresholds with their scales and the
 * verdict counts, a histogram of map_max coloured by verdict with the ground truth as markers below it
 * and the image threshold drawn on it, the heatmaps' colour scale, and the images sorted by map_max,
 * highest first, each with its heatmap panel (linked to the full picture; predicted regions and ground
 * truth outlined), map_max, score, verdict and, where it exists, its ground truth.
 */
public final class HtmlReport {

    private static final int BINS = 20;
    /** JET's colours at 0, 1/8, 3/8, 5/8, 7/8 and 1 of the range, as a CSS gradient. */
    private static final String JET_CSS = "linear-gradient(to right,#000080 0%,#0000ff 12.5%,#00ffff 37.5%,"
            + "#ffff00 62.5%,#ff0000 87.5%,#800000 100%)";

    private final String title;
    private final Map<String, Map<String, Double>> metrics;
    private final List<ReportCategory> categories;
    private final Map<String, String> failures;
    private final int maxImages;
    private final int thumbnail;
    private final List<String> notes;

    private HtmlReport(Builder b) {
        this.title = b.title;
        this.metrics = new LinkedHashMap<>(b.metrics);
        this.categories = List.copyOf(b.categories);
        this.failures = new LinkedHashMap<>(b.failures);
        this.maxImages = b.maxImages;
        this.thumbnail = b.thumbnail;
        this.notes = List.copyOf(b.notes);
    }

    /**
     * A builder with a generic title, no metrics, at most 100 images per category and 360 px wide
     * thumbnails.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a report. */
    public static final class Builder {
        private String title = "musc4j report";
        private Map<String, Map<String, Double>> metrics = Map.of();
        private final List<ReportCategory> categories = new ArrayList<>();
        private final Map<String, String> failures = new LinkedHashMap<>();
        private int maxImages = 100;
        private int thumbnail = 360;
        private List<String> notes = List.of();

        private Builder() {
        }

        /** The page title and heading. */
        public Builder title(String title) {
            this.title = title;
            return this;
        }

        /** Metrics as for {@link MetricsFiles}; empty when no labels exist. */
        public Builder metrics(Map<String, Map<String, Double>> metrics) {
            this.metrics = metrics;
            return this;
        }

        /** Adds a scored category. */
        public Builder category(ReportCategory category) {
            categories.add(category);
            return this;
        }

        /** Adds a category that could not be scored, with the reason (and its fix). */
        public Builder failure(String category, String reason) {
            failures.put(category, reason);
            return this;
        }

        /** How many images (the highest-scoring) each category shows. */
        public Builder maxImages(int images) {
            if (images < 0) {
                throw new IllegalArgumentException("maxImages must be >= 0, got " + images);
            }
            this.maxImages = images;
            return this;
        }

        /** Thumbnail width in pixels. */
        public Builder thumbnailWidth(int pixels) {
            if (pixels < 16) {
                throw new IllegalArgumentException("thumbnail width must be >= 16, got " + pixels);
            }
            this.thumbnail = pixels;
            return this;
        }

        /** Free-text lines shown at the end (e.g. the run's warnings). */
        public Builder notes(List<String> notes) {
            this.notes = notes;
            return this;
        }

        public HtmlReport build() {
            return new HtmlReport(this);
        }
    }

    /** In plain words, how the scores and verdicts come about (the report's first paragraph). */
    public static final String EXPLAINED = "How to read this: MuSc compares every image of a category with the others "
            + "of the same category, without training: a small patch that finds no close match in the other images "
            + "is unusual. The anomaly map shows this per pixel, and its maximum is the image's map_max. RsCIN then "
            + "smooths each image's map_max over its most similar images and rescales the category to 0–1: that is "
            + "the score, which ranks the images (and gives the metrics). The verdict compares map_max with the "
            + "category's threshold, found from the map maxima alone, without labels, by the threshold rule; the "
            + "pixel threshold, on the same scale, draws the regions.";

    /** Writes the report atomically; thumbnails link to their pictures relative to {@code file}'s folder. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, render(file.toAbsolutePath().getParent()));
    }

    /** The whole page as text; thumbnails link to their pictures by absolute path. */
    public String render() {
        return render(null);
    }

    private String render(Path base) {
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;background:#fafafa}\n")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px}")
                .append("td{text-align:right}td:first-child{text-align:left}th{background:#eee}\n")
                .append("tr.mean td{font-weight:bold}\n")
                .append(".grid{display:flex;flex-wrap:wrap;gap:10px}.card{background:#fff;border:1px solid #ddd;")
                .append("border-left:6px solid #9c9;padding:4px;font-size:12px;width:").append(thumbnail)
                .append("px}.card.anomalous{border-left-color:#d22}.card img{display:block;width:100%}\n")
                .append(".name{overflow-wrap:anywhere}.verdict{font-weight:bold}.anomalous .verdict{color:#c00}")
                .append(".normal .verdict{color:#393}.gt{color:#555}.miss{color:#c00;font-weight:bold}\n")
                .append(".failed{background:#fee;border:1px solid #d99;padding:0.5em 1em}\n")
                .append(".scale{display:flex;align-items:center;gap:6px;font-size:12px;margin:0.5em 0}")
                .append(".bar{position:relative;width:320px;height:14px;background:").append(JET_CSS).append("}")
                .append(".tick{position:absolute;top:-3px;width:2px;height:20px;background:#000}\n")
                .append(".legend{font-size:12px;color:#444}.weak{color:#a60}\n")
                .append("</style></head><body>\n<h1>").append(esc(title)).append("</h1>\n<p class=\"explained\">")
                .append(esc(EXPLAINED)).append("</p>\n");
        if (!metrics.isEmpty()) {
            metricsTable(h);
        }
        if (!failures.isEmpty()) {
            h.append("<div class=\"failed\"><h2>Not scored</h2>\n<ul>\n");
            failures.forEach((name, why) -> h.append("<li><b>").append(esc(name)).append("</b>: ").append(esc(why))
                    .append("</li>\n"));
            h.append("</ul></div>\n");
        }
        categories.forEach(c -> category(h, c, base));
        if (!notes.isEmpty()) {
            h.append("<h2>Notes</h2>\n<ul>\n");
            notes.forEach(n -> h.append("<li>").append(esc(n)).append("</li>\n"));
            h.append("</ul>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    private void metricsTable(StringBuilder h) {
        h.append("<h2>Metrics (%)</h2>\n<p>Image metrics rank the score; F1-max picks the best threshold on it "
                + "with the labels. F1 at threshold is what the label-free verdicts (on map_max) achieved, so it can "
                + "exceed F1-max when map_max separates the parts better than the score.</p>\n<table><tr><th>Category</th>");
        MetricsFiles.HEADERS.forEach(m -> h.append("<th>").append(esc(m)).append("</th>"));
        h.append("</tr>\n");
        metrics.forEach((name, m) -> metricsRow(h, name, m, ""));
        metricsRow(h, "Mean", MetricsFiles.mean(metrics), " class=\"mean\"");
        h.append("<tr><td>Categories in the mean</td>");
        Map<String, Integer> over = MetricsFiles.meanOver(metrics);
        MetricsFiles.TABLE.forEach(k -> h.append("<td>").append(over.get(k)).append("</td>"));
        h.append("</tr>\n</table>\n<p>–: not defined (image metrics need normal and anomalous images, pixel metrics "
                + "masks with anomalous pixels); left out of the mean.</p>\n");
    }

    private static void metricsRow(StringBuilder h, String name, Map<String, Double> m, String cls) {
        h.append("<tr").append(cls).append("><td>").append(esc(name)).append("</td>");
        MetricsFiles.TABLE.forEach(k -> h.append("<td>").append(MetricsFiles.percent(m.get(k))).append("</td>"));
        h.append("</tr>\n");
    }

    private void category(StringBuilder h, ReportCategory c, Path base) {
        List<ReportImage> images = c.images();
        h.append("<h2>").append(esc(c.name().isEmpty() ? "(all images)" : c.name())).append("</h2>\n<p>")
                .append(images.size()).append(" images scored");
        if (c.skipped() > 0) {
            h.append(", ").append(c.skipped()).append(" unreadable skipped");
        }
        h.append(": <b>").append(c.anomalous()).append(" anomalous</b>, ").append(images.size() - c.anomalous())
                .append(" normal. Image threshold <b>").append(number(c.threshold()))
                .append("</b> on map_max, the anomaly map's maximum before RsCIN (").append(esc(c.rule()))
                .append("); a part is anomalous when its map_max is above it. Pixel threshold <b>")
                .append(number(c.pixelThreshold())).append("</b> on the anomaly map's values (the same scale)")
                .append(c.pixelThreshold() == c.threshold() ? ", equal to the image threshold: an anomalous part's "
                        + "regions are its pixels above it" : "; regions are the pixels above it").append('.');
        Double f1 = c.metrics().get("image_f1_at_threshold");
        if (f1 != null && !f1.isNaN()) {
            h.append(" Against the ground truth: precision ").append(fraction(c.metrics().get("image_precision_at_threshold")))
                    .append(", recall ").append(fraction(c.metrics().get("image_recall_at_threshold")))
                    .append(", F1 ").append(fraction(f1)).append(" (F1-max of the score with the labels: ")
                    .append(fraction(c.metrics().get("image_f1_max"))).append(").");
        }
        h.append("</p>\n").append(histogram(images, c.threshold()));
        colourScale(h, c);
        List<ReportImage> sorted = images.stream().sorted(Comparator.comparingDouble(ReportImage::mapMax).reversed())
                .limit(maxImages).toList();
        h.append("<h3>Images by map_max, highest first");
        if (sorted.size() < images.size()) {
            h.append(" (the ").append(sorted.size()).append(" highest of ").append(images.size())
                    .append("; every score is in scores.csv)");
        }
        h.append("</h3>\n<div class=\"grid\">\n");
        // decoding and shrinking the heatmaps is most of the report's time: on every core, in order
        String[] thumbnails = sorted.parallelStream().map(r -> r.heatmap().map(this::thumbnail).orElse(null))
                .toArray(String[]::new);
        for (int i = 0; i < sorted.size(); i++) {
            ReportImage r = sorted.get(i);
            h.append("<div class=\"card ").append(r.anomalous() ? "anomalous" : "normal").append("\">");
            if (thumbnails[i] != null) {
                Path full = r.heatmap().get().toAbsolutePath();
                String href = base != null ? href(base.relativize(full).toString().replace('\\', '/'))
                        : full.toUri().toString();
                h.append("<a href=\"").append(esc(href)).append("\" title=\"full picture\"><img alt=\"")
                        .append(esc(r.image())).append("\" src=\"").append(thumbnails[i]).append("\"></a>");
            }
            h.append("<div class=\"name\">").append(esc(r.image())).append("</div><div><span class=\"verdict\">")
                    .append(r.anomalous() ? "anomalous" : "normal").append("</span> map_max ")
                    .append(String.format(Locale.ROOT, "%.4g", r.mapMax()))
                    .append(ratioText(ScoreRow.ratio(r.mapMax(), c.threshold())))
                    .append(", score ").append(String.format(Locale.ROOT, "%.4f", r.score())).append("</div>");
            if (r.weakRegion()) {
                h.append("<div class=\"weak\">outlined: its strongest region above the image threshold; no pixel is "
                        + "above the pixel threshold</div>");
            }
            if (r.label().isPresent()) {
                boolean bad = r.label().getAsInt() == 1;
                h.append("<div class=\"gt\">ground truth: ").append(bad ? "anomalous" : "normal");
                if (bad != r.anomalous()) {
                    h.append(" <span class=\"miss\">").append(bad ? "(missed)" : "(false alarm)").append("</span>");
                }
                h.append("</div>");
            }
            h.append("</div>\n");
        }
        h.append("</div>\n");
    }

    /** The heatmaps' colours against map values, with the pixel threshold marked. */
    private static void colourScale(StringBuilder h, ReportCategory c) {
        if (c.images().stream().noneMatch(i -> i.heatmap().isPresent())) {
            return;
        }
        if (c.scale().isEmpty()) {
            h.append("<p>Heatmaps: left the image at its own size, right the anomaly map over it, an anomalous part's regions outlined "
                    + "in magenta, the ground truth in white where a mask exists; each heatmap has its own colour "
                    + "scale (its colour bar, \"pixel thr\" marking the pixel threshold).</p>\n");
            return;
        }
        HeatmapNorm n = c.scale().get();
        boolean truth = c.images().stream().anyMatch(i -> i.label().isPresent());
        h.append("<p>Heatmaps: left the image at its own size, right the anomaly map over it, an anomalous part's regions outlined "
                + "in magenta")
                .append(truth ? ", the ground truth outlined in white where a mask exists" : "")
                .append("; one colour scale for the whole category, so normal parts stay blue:</p>\n")
                .append("<div class=\"scale\"><span>").append(number(n.min())).append("</span><div class=\"bar\">");
        double t = c.pixelThreshold();
        if (n.max() > n.min() && t >= n.min() && t <= n.max()) {
            double at = 100 * (t - n.min()) / (n.max() - n.min());
            h.append(String.format(Locale.ROOT, "<div class=\"tick\" style=\"left:%.1f%%\" title=\"pixel threshold %s\">"
                    + "</div>", at, number(t)));
        }
        h.append("</div><span>").append(number(n.max())).append("</span><span>anomaly map value (map_max's scale); pixel threshold ")
                .append(number(t)).append("</span></div>\n");
    }

    /** A base64 JPEG data URI of the heatmap, or null when the file cannot be read. */
    private String thumbnail(Path heatmap) {
        RgbImage img;
        try {
            img = ImageIo.readRgb(heatmap);
        } catch (ImageReadException e) {
            return null;
        }
        OpenCv.load();
        Mat m = new Mat(img.height(), img.width(), CvType.CV_8UC3);
        m.put(0, 0, img.pixels());
        int w = Math.min(thumbnail, img.width());
        int hh = Math.max(1, Math.round((float) img.height() * w / img.width()));
        Imgproc.resize(m, m, new Size(w, hh), 0, 0, Imgproc.INTER_AREA);
        byte[] px = new byte[w * hh * 3];
        m.get(0, 0, px);
        m.release();
        return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(Heatmaps.encode(new RgbImage(w, hh, px), ".jpg"));
    }

    /**
     * Inline SVG histogram of map_max, the verdicts' scale: stacked bars coloured by verdict (green normal,
     * red anomalous), the image threshold as a vertical dashed line, and, where labels exist, the ground
     * truth as a second marker: one tick per image under the axis at its map_max (a red triangle for an
     * anomalous part, a hollow circle for a normal one). A legend says which is which.
     */
    static String histogram(List<ReportImage> images, double threshold) {
        if (images.isEmpty()) {
            return "";
        }
        double lo = images.stream().mapToDouble(ReportImage::mapMax).min().orElse(0);
        double hi = images.stream().mapToDouble(ReportImage::mapMax).max().orElse(1);
        if (Double.isFinite(threshold)) {
            lo = Math.min(lo, threshold);
            hi = Math.max(hi, threshold);
        }
        double width = hi > lo ? hi - lo : 1;
        int[][] counts = new int[2][BINS]; // verdict normal, anomalous
        for (ReportImage r : images) {
            counts[r.anomalous() ? 1 : 0][bin(r.mapMax(), lo, width)]++;
        }
        int max = 1;
        for (int b = 0; b < BINS; b++) {
            max = Math.max(max, counts[0][b] + counts[1][b]);
        }
        boolean labels = images.stream().anyMatch(r -> r.label().isPresent());
        int w = 480;
        int hgt = 160;
        int barW = w / BINS;
        int strip = labels ? 16 : 0;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w + 200).append("\" height=\"")
                .append(hgt + 44 + strip).append("\" font-size=\"11\"><g transform=\"translate(30,14)\">")
                .append("<line x1=\"0\" y1=\"").append(hgt).append("\" x2=\"").append(w).append("\" y2=\"").append(hgt)
                .append("\" stroke=\"#444\"/>");
        String[] colours = {"#2ca02c", "#d62728"};
        String[] names = {"verdict normal", "verdict anomalous"};
        for (int b = 0; b < BINS; b++) {
            int y = hgt;
            for (int v = 0; v < 2; v++) {
                int c = counts[v][b];
                if (c == 0) {
                    continue;
                }
                int bh = Math.round((float) c / max * hgt);
                y -= bh;
                s.append("<rect class=\"").append(v == 1 ? "anomalous" : "normal").append("\" x=\"").append(b * barW + 1)
                        .append("\" y=\"").append(y).append("\" width=\"").append(barW - 2).append("\" height=\"")
                        .append(bh).append("\" fill=\"").append(colours[v]).append("\" fill-opacity=\"0.7\"><title>")
                        .append(names[v]).append(": ").append(c).append("</title></rect>");
            }
        }
        if (labels) {
            for (ReportImage r : images) {
                if (r.label().isEmpty()) {
                    continue;
                }
                double x = (r.mapMax() - lo) / width * w;
                if (r.label().getAsInt() == 1) {
                    s.append(String.format(Locale.ROOT, "<path class=\"truth-anomalous\" d=\"M%.1f %d l-4 8 h8 z\" "
                            + "fill=\"#d62728\"/>", x, hgt + 4));
                } else {
                    s.append(String.format(Locale.ROOT, "<circle class=\"truth-normal\" cx=\"%.1f\" cy=\"%d\" r=\"3.5\" "
                            + "fill=\"none\" stroke=\"#2ca02c\"/>", x, hgt + 8));
                }
            }
        }
        if (Double.isFinite(threshold)) {
            double x = (threshold - lo) / width * w;
            s.append(String.format(Locale.ROOT, "<line class=\"threshold\" x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" "
                    + "stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"4,3\"><title>image threshold %s</title>"
                    + "</line><text x=\"%.1f\" y=\"-3\" text-anchor=\"middle\">image threshold %s</text>", x, x,
                    hgt + strip, number(threshold), x, number(threshold)));
        }
        int lx = w + 14;
        s.append("<rect x=\"").append(lx).append("\" y=\"4\" width=\"10\" height=\"10\" fill=\"").append(colours[0])
                .append("\"/><text x=\"").append(lx + 14).append("\" y=\"13\">bar: verdict normal</text>")
                .append("<rect x=\"").append(lx).append("\" y=\"20\" width=\"10\" height=\"10\" fill=\"")
                .append(colours[1]).append("\"/><text x=\"").append(lx + 14).append("\" y=\"29\">bar: verdict anomalous</text>");
        if (labels) {
            s.append("<path d=\"M").append(lx + 5).append(" 38 l-4 8 h8 z\" fill=\"#d62728\"/><text x=\"").append(lx + 14)
                    .append("\" y=\"46\">mark: truly anomalous</text><circle cx=\"").append(lx + 5)
                    .append("\" cy=\"58\" r=\"3.5\" fill=\"none\" stroke=\"#2ca02c\"/><text x=\"").append(lx + 14)
                    .append("\" y=\"62\">mark: truly normal</text>");
        }
        int base = hgt + strip;
        s.append("<text x=\"0\" y=\"").append(base + 14).append("\">").append(number(lo))
                .append("</text><text x=\"").append(w).append("\" y=\"").append(base + 14).append("\" text-anchor=\"end\">")
                .append(number(hi)).append("</text><text x=\"-4\" y=\"8\" text-anchor=\"end\">")
                .append(max).append("</text><text x=\"").append(w / 2).append("\" y=\"").append(base + 28)
                .append("\" text-anchor=\"middle\">map_max, the anomaly map's maximum (higher = more anomalous)</text>")
                .append("</g></svg>\n");
        return s.toString();
    }

    private static int bin(double v, double lo, double width) {
        return Math.max(0, Math.min(BINS - 1, (int) ((v - lo) / width * BINS)));
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    private static String fraction(Double v) {
        return v == null || v.isNaN() ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    /**
     * A relative path as a link: every byte outside URL's unreserved characters and '/' percent-encoded,
     * so that '#', '?', '%', ':' and spaces in category and image names stay part of the path (a '#'
     * would start a fragment, a '%41' read as 'A').
     */
    static String href(String relativePath) {
        StringBuilder b = new StringBuilder();
        for (byte x : relativePath.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~/".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String ratioText(double ratio) {
        return Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, " (%.2f × threshold)", ratio);
    }
}
