package io.musc4j.datasets.output;

import io.musc4j.datasets.image.ImageIo;
import io.musc4j.datasets.image.ImageReadException;
import io.musc4j.datasets.image.OpenCv;
import io.musc4j.common.io.AtomicFiles;
import io.musc4j.common.image.RgbImage;
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
 * histograms as inline SVG, so the single file can be mailed or archived. It shows the metrics table,
 * then per category a score histogram (normal vs anomalous when labels are known) and a grid of the
 * most anomalous images with their overlays and scores.
 */
public final class HtmlReport {

    private static final int BINS = 20;

    private final String title;
    private final Map<String, Map<String, Double>> metrics;
    private final Map<String, List<ReportImage>> categories;
    private final int topK;
    private final int thumbnail;
    private final List<String> notes;

    private HtmlReport(Builder b) {
        this.title = b.title;
        this.metrics = new LinkedHashMap<>(b.metrics);
        this.categories = new LinkedHashMap<>(b.categories);
        this.topK = b.topK;
        this.thumbnail = b.thumbnail;
        this.notes = List.copyOf(b.notes);
    }

    /** A builder with a generic title, no metrics, the 12 most anomalous images per category and 192 px thumbnails. */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a report. */
    public static final class Builder {
        private String title = "musc4j report";
        private Map<String, Map<String, Double>> metrics = Map.of();
        private final Map<String, List<ReportImage>> categories = new LinkedHashMap<>();
        private int topK = 12;
        private int thumbnail = 192;
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

        /** Adds a category's images, in any order. */
        public Builder category(String name, List<ReportImage> images) {
            categories.put(name, List.copyOf(images));
            return this;
        }

        /** How many of the highest-scoring images each category shows. */
        public Builder topK(int topK) {
            if (topK < 0) {
                throw new IllegalArgumentException("topK must be >= 0, got " + topK);
            }
            this.topK = topK;
            return this;
        }

        /** Thumbnail edge in pixels. */
        public Builder thumbnailSize(int pixels) {
            if (pixels < 16) {
                throw new IllegalArgumentException("thumbnail size must be >= 16, got " + pixels);
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

    /** Writes the report atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, render());
    }

    /** The whole page as text. */
    public String render() {
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;background:#fafafa}\n")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px}")
                .append("td{text-align:right}td:first-child{text-align:left}th{background:#eee}\n")
                .append("tr.mean td{font-weight:bold}\n")
                .append(".grid{display:flex;flex-wrap:wrap;gap:10px}.card{background:#fff;border:1px solid #ddd;padding:4px;")
                .append("font-size:12px;width:").append(thumbnail).append("px}.card img{display:block;width:100%}\n")
                .append(".name{overflow-wrap:anywhere}.bad{color:#c00}.good{color:#06c}\n")
                .append("</style></head><body>\n<h1>").append(esc(title)).append("</h1>\n");
        if (!metrics.isEmpty()) {
            metricsTable(h);
        }
        for (Map.Entry<String, List<ReportImage>> e : categories.entrySet()) {
            category(h, e.getKey(), e.getValue());
        }
        if (!notes.isEmpty()) {
            h.append("<h2>Notes</h2>\n<ul>\n");
            notes.forEach(n -> h.append("<li>").append(esc(n)).append("</li>\n"));
            h.append("</ul>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    private void metricsTable(StringBuilder h) {
        h.append("<h2>Metrics (%)</h2>\n<table><tr><th>Category</th>");
        MetricsFiles.HEADERS.forEach(m -> h.append("<th>").append(esc(m)).append("</th>"));
        h.append("</tr>\n");
        metrics.forEach((name, m) -> metricsRow(h, name, m, ""));
        metricsRow(h, "Mean", MetricsFiles.mean(metrics), " class=\"mean\"");
        h.append("</table>\n");
    }

    private static void metricsRow(StringBuilder h, String name, Map<String, Double> m, String cls) {
        h.append("<tr").append(cls).append("><td>").append(esc(name)).append("</td>");
        MetricsFiles.METRICS.forEach(k -> h.append("<td>").append(MetricsFiles.percent(m.get(k))).append("</td>"));
        h.append("</tr>\n");
    }

    private void category(StringBuilder h, String name, List<ReportImage> images) {
        h.append("<h2>").append(esc(name.isEmpty() ? "(all images)" : name)).append("</h2>\n<p>")
                .append(images.size()).append(" images</p>\n");
        h.append(histogram(images));
        List<ReportImage> top = images.stream().sorted(Comparator.comparingDouble(ReportImage::score).reversed())
                .limit(topK).toList();
        h.append("<h3>Most anomalous</h3>\n<div class=\"grid\">\n");
        for (ReportImage r : top) {
            h.append("<div class=\"card\">");
            r.heatmap().map(this::thumbnail).ifPresent(src -> h.append("<img alt=\"\" src=\"").append(src).append("\">"));
            h.append("<div class=\"name\">").append(esc(r.image())).append("</div><div>score ")
                    .append(String.format(Locale.ROOT, "%.4f", r.score()));
            if (r.label().isPresent()) {
                boolean bad = r.label().getAsInt() == 1;
                h.append(" <span class=\"").append(bad ? "bad\">anomalous" : "good\">normal").append("</span>");
            }
            h.append("</div></div>\n");
        }
        h.append("</div>\n");
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

    /** Inline SVG histogram of the scores; normal and anomalous overlaid when labels are known. */
    static String histogram(List<ReportImage> images) {
        if (images.isEmpty()) {
            return "";
        }
        double lo = images.stream().mapToDouble(ReportImage::score).min().orElse(0);
        double hi = images.stream().mapToDouble(ReportImage::score).max().orElse(1);
        double width = hi > lo ? hi - lo : 1;
        int[][] counts = new int[3][BINS]; // normal, anomalous, unknown
        for (ReportImage r : images) {
            int bin = Math.min(BINS - 1, (int) ((r.score() - lo) / width * BINS));
            int series = r.label().isPresent() ? r.label().getAsInt() == 1 ? 1 : 0 : 2;
            counts[series][bin]++;
        }
        int max = 1;
        for (int[] s : counts) {
            for (int c : s) {
                max = Math.max(max, c);
            }
        }
        int w = 480;
        int hgt = 160;
        int barW = w / BINS;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w + 60).append("\" height=\"").append(hgt + 40)
                .append("\" font-size=\"11\"><g transform=\"translate(30,10)\">")
                .append("<line x1=\"0\" y1=\"").append(hgt).append("\" x2=\"").append(w).append("\" y2=\"").append(hgt)
                .append("\" stroke=\"#444\"/>");
        String[] colours = {"#1f77b4", "#d62728", "#7f7f7f"};
        String[] names = {"normal", "anomalous", "unlabelled"};
        List<String> legend = new ArrayList<>();
        for (int series = 0; series < 3; series++) {
            boolean any = false;
            for (int b = 0; b < BINS; b++) {
                int c = counts[series][b];
                if (c == 0) {
                    continue;
                }
                any = true;
                int bh = Math.round((float) c / max * hgt);
                s.append("<rect x=\"").append(b * barW + 1).append("\" y=\"").append(hgt - bh).append("\" width=\"")
                        .append(barW - 2).append("\" height=\"").append(bh).append("\" fill=\"").append(colours[series])
                        .append("\" fill-opacity=\"0.55\"><title>").append(names[series]).append(": ").append(c)
                        .append("</title></rect>");
            }
            if (any) {
                legend.add(names[series]);
                s.append("<text x=\"").append(w - 90).append("\" y=\"").append(12 + 14 * (legend.size() - 1))
                        .append("\" fill=\"").append(colours[series]).append("\">").append(names[series]).append("</text>");
            }
        }
        s.append("<text x=\"0\" y=\"").append(hgt + 14).append("\">").append(String.format(Locale.ROOT, "%.4f", lo))
                .append("</text><text x=\"").append(w).append("\" y=\"").append(hgt + 14).append("\" text-anchor=\"end\">")
                .append(String.format(Locale.ROOT, "%.4f", hi)).append("</text><text x=\"-4\" y=\"8\" text-anchor=\"end\">")
                .append(max).append("</text><text x=\"").append(w / 2).append("\" y=\"").append(hgt + 28)
                .append("\" text-anchor=\"middle\">image score</text></g></svg>\n");
        return s.toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
