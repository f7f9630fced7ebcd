package io.musc4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.musc4j.datasets.image.ImageIo;
import io.musc4j.datasets.image.MaskPreprocessor;
import io.musc4j.datasets.output.HeatmapNorm;
import io.musc4j.datasets.output.Heatmaps;
import io.musc4j.datasets.output.HtmlReport;
import io.musc4j.datasets.output.MetricsFiles;
import io.musc4j.datasets.output.RawMaps;
import io.musc4j.datasets.output.ReportCategory;
import io.musc4j.datasets.output.ReportImage;
import io.musc4j.datasets.output.ResultPaths;
import io.musc4j.datasets.output.ScoreRow;
import io.musc4j.datasets.output.ScoresCsv;
import io.musc4j.common.io.Npy;
import io.musc4j.common.image.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The result writers on the brick fixture run: what they write reads back to what went in. */
class WritersTest {

    static final Path RUN = FixtureReadTest.RUNS.resolve("brick_dinov2-tiny_r135_k123");
    static final int S = 224;

    @TempDir
    Path out;

    private static Category brick() {
        return Datasets.categories(DatasetFormat.MVTEC, FixtureReadTest.PARITY.resolve("data"), List.of("brick"), new Warnings()).get(0);
    }

    private static float[] map(float[] all, int i) {
        return Arrays.copyOfRange(all, i * S * S, (i + 1) * S * S);
    }

    @Test
    void scoresCsvHoldsEveryImageWithItsLabelAndScores() throws Exception {
        Category c = brick();
        double[] pre = Npy.read(RUN.resolve("score_pre_rscin.npy")).toDoubles();
        double[] post = Npy.read(RUN.resolve("score_rscin.npy")).toDoubles();
        List<ScoreRow> rows = new ArrayList<>();
        for (int i = 0; i < c.samples().size(); i++) {
            Sample s = c.samples().get(i);
            rows.add(new ScoreRow(s.relativePath(), i == 17 ? OptionalInt.empty() : s.label(), post[i], pre[i], 0.5,
                    "fixed:0.5", pre[i] > 0.5));
        }
        rows.add(new ScoreRow("odd,name \"x\".png", OptionalInt.of(0), 1.5, 2.5, 3.25, "mixture:3", false));
        Path csv = out.resolve("brick/scores.csv");
        ScoresCsv.write(csv, rows);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("image,label,score,map_max,threshold,ratio,rule,verdict", lines.get(0));
        assertEquals(20, lines.size());
        for (int i = 0; i < c.samples().size(); i++) {
            String[] f = lines.get(i + 1).split(",");
            assertEquals(c.samples().get(i).relativePath(), f[0]);
            assertEquals(post[i], Double.parseDouble(f[2]), "score: the final score, after RsCIN");
            assertEquals(pre[i], Double.parseDouble(f[3]), "map_max: before RsCIN");
            assertEquals(0.5, Double.parseDouble(f[4]));
            assertEquals(pre[i] / 0.5, Double.parseDouble(f[5]), 5e-5, "ratio = map_max / threshold");
            assertEquals("fixed:0.5", f[6]);
            assertEquals(pre[i] > 0.5 ? "anomalous" : "normal", f[7]);
        }
        assertEquals("1", lines.get(1).split(",")[1]);
        assertTrue(lines.get(18).startsWith("brick/test/scratch/002.png,,"), lines.get(18));
        assertEquals("\"odd,name \"\"x\"\".png\",0,1.5,2.5,3.25,0.7692,mixture:3,normal", lines.get(19));
        assertNoTemporaries(out);
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(csv)));
    }

    @Test
    void rawMapsRoundTripAsFloat32UnderTheirDefectType() throws Exception {
        Category c = brick();
        float[] maps = Npy.read(RUN.resolve("pixel_maps.npy")).toFloats();
        Path file = ResultPaths.map(out, ResultPaths.keys(c.samples()).get(16));
        RawMaps.write(file, map(maps, 16), S, S);
        assertEquals(out.resolve("maps/scratch/001.npy"), file);
        Npy.Array back = Npy.read(file);
        assertEquals("<f4", back.dtype());
        assertArrayEquals(new long[] {S, S}, back.shape());
        assertArrayEquals(map(maps, 16), back.toFloats());
    }

    @Test
    void heatmapBlendsJetOverTheImageAndOutlinesTheMask() throws Exception {
        Category c = brick();
        float[] maps = Npy.read(RUN.resolve("pixel_maps.npy")).toFloats();
        int i = 15; // scratch/000
        Sample s = c.samples().get(i);
        RgbImage img = ImageIo.readRgb(s.image());
        float[] m = map(maps, i);
        byte[] mask = MaskPreprocessor.load(s.mask(), S, MaskRule.FULL_WINDOW);

        // Without a mask: the maximum of the map is JET's top colour, RGB (128,0,0), averaged with the image.
        RgbImage plain = Heatmaps.overlay(img, m, S, S, HeatmapNorm.of(m), null);
        int argmax = 0;
        for (int p = 1; p < m.length; p++) {
            if (m[p] > m[argmax]) {
                argmax = p;
            }
        }
        int[] jetTop = {128, 0, 0};
        for (int ch = 0; ch < 3; ch++) {
            double expected = 0.5 * jetTop[ch] + 0.5 * (img.pixels()[3 * argmax + ch] & 0xFF);
            assertEquals(expected, plain.pixels()[3 * argmax + ch] & 0xFF, 0.5 + 1e-9, "channel " + ch);
        }
        // With the mask: the first mask pixel in raster order lies on the region's outline and is white.
        RgbImage outlined = Heatmaps.overlay(img, m, S, S, HeatmapNorm.of(m), mask);
        int first = 0;
        while (mask[first] == 0) {
            first++;
        }
        for (int ch = 0; ch < 3; ch++) {
            assertEquals(255, outlined.pixels()[3 * first + ch] & 0xFF);
        }
        // Whole-category normalisation: a map equal to the category minimum everywhere is JET's bottom, RGB (0,0,128).
        float[] flat = new float[S * S];
        RgbImage low = Heatmaps.overlay(img, flat, S, S, new HeatmapNorm(0f, 1f), null);
        assertEquals(0.5 * 128 + 0.5 * (img.pixels()[2] & 0xFF), low.pixels()[2] & 0xFF, 0.5 + 1e-9);
        assertEquals(new HeatmapNorm(-1f, 3f), HeatmapNorm.of(List.of(new float[] {0f, 3f}, new float[] {-1f, 2f})));
    }

    @Test
    void tileOutlinesAreBlackOnTheOverlayAndNothingElseChanges() throws Exception {
        Category c = brick();
        float[] maps = Npy.read(RUN.resolve("pixel_maps.npy")).toFloats();
        RgbImage img = ImageIo.readRgb(c.samples().get(15).image());
        float[] m = map(maps, 15);
        HeatmapNorm norm = HeatmapNorm.of(m);
        int h = S / 2;
        // a 2x2 grid without overlap: outlines on rows and columns 0, h-1, h and S-1 of the overlay
        int[][] tiles = {{0, 0, h, h}, {h, 0, S, h}, {0, h, h, S}, {h, h, S, S}};
        RgbImage plain = Heatmaps.panel(img, m, S, S, norm, null, null, Double.NaN);
        RgbImage gridded = Heatmaps.panel(img, m, S, S, norm, null, null, Double.NaN, tiles);
        int w = plain.width();
        java.util.Set<Integer> edges = java.util.Set.of(0, h - 1, h, S - 1);
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < w; x++) {
                boolean onOverlay = x >= S + 4 && x < 2 * S + 4;
                boolean edge = onOverlay && (edges.contains(x - S - 4) || edges.contains(y));
                for (int ch = 0; ch < 3; ch++) {
                    int at = 3 * (y * w + x) + ch;
                    assertEquals(edge ? 0 : plain.pixels()[at] & 0xFF, gridded.pixels()[at] & 0xFF,
                            "(" + x + ", " + y + ") channel " + ch);
                }
            }
        }
    }

    @Test
    void heatmapPanelShowsThePlainPartBesideTheOverlayAndAColourBar() throws Exception {
        Category c = brick();
        float[] maps = Npy.read(RUN.resolve("pixel_maps.npy")).toFloats();
        int i = 15;
        Sample s = c.samples().get(i);
        RgbImage img = ImageIo.readRgb(s.image());
        float[] m = map(maps, i);
        byte[] mask = MaskPreprocessor.load(s.mask(), S, MaskRule.FULL_WINDOW);
        HeatmapNorm norm = new HeatmapNorm(0f, 2 * HeatmapNorm.of(m).max());
        double threshold = norm.max() / 4;
        Path file = ResultPaths.heatmap(out, ResultPaths.keys(c.samples()).get(i));
        Heatmaps.write(file, img, m, S, S, norm, mask, null, threshold);
        assertEquals(out.resolve("heatmaps/scratch/000.png"), file);
        RgbImage png = ImageIo.readRgb(file);
        assertEquals(S, png.height());
        int w = png.width();
        assertTrue(w > 2 * S + 10, "input, overlay and colour bar side by side: " + w);
        RgbImage overlay = Heatmaps.overlay(img, m, S, S, norm, mask);
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < S; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    // the input is already S×S, so the left part is its pixels exactly; the right, the overlay
                    assertEquals(img.pixels()[3 * (y * S + x) + ch], png.pixels()[3 * (y * w + x) + ch]);
                    assertEquals(overlay.pixels()[3 * (y * S + x) + ch], png.pixels()[3 * (y * w + S + 4 + x) + ch]);
                }
            }
        }
        // The bar (10 px, 4 px right of the overlay) runs from JET's top, RGB (128,0,0), down to its bottom (0,0,128).
        int barX = 2 * S + 8 + 5;
        assertArrayEquals(new int[] {128, 0, 0}, rgb(png, barX, 0), "top of the bar");
        assertArrayEquals(new int[] {0, 0, 128}, rgb(png, barX, S - 1), "bottom of the bar");
        // The threshold, a quarter up the range, is a dark tick across the bar 3/4 of the way down.
        int tickY = (int) Math.round(0.75 * (S - 1));
        assertArrayEquals(new int[] {40, 40, 40}, rgb(png, barX, tickY), "threshold tick");
        assertFalse(Arrays.equals(new int[] {40, 40, 40}, rgb(png, barX, tickY - 3)), "tick only at the threshold");
    }

    private static int[] rgb(RgbImage img, int x, int y) {
        int p = 3 * (y * img.width() + x);
        return new int[] {img.pixels()[p] & 0xFF, img.pixels()[p + 1] & 0xFF, img.pixels()[p + 2] & 0xFF};
    }

    @Test
    void imagesSharingAStemGetDistinctOutputNames() {
        Path root = Path.of("/data");
        List<Sample> samples = List.of(sample(root, "good/000.png"), sample(root, "good/000.jpg"),
                sample(root, "good/001.png"), sample(root, "bad/000.png"), sample(root, "top.png"),
                sample(root, "good/000.JPG.png"), sample(root, "good/Top.png"), sample(root, "good/top.png"));
        List<String> keys = ResultPaths.keys(samples);
        assertEquals(List.of("good/000.png", "good/000.jpg", "good/001", "bad/000", "top", "good/000.JPG~2", "good/Top",
                "good/top~2"), keys);
        assertEquals(Path.of("/o/heatmaps/good/000.jpg.png"), ResultPaths.heatmap(Path.of("/o"), keys.get(1)));
        assertEquals(Path.of("/o/masks/top.png"), ResultPaths.mask(Path.of("/o"), keys.get(4)));
    }

    private static Sample sample(Path root, String relative) {
        Path file = root.resolve(relative);
        String type = relative.contains("/") ? relative.substring(0, relative.lastIndexOf('/')) : "";
        String name = file.getFileName().toString();
        return new Sample(file, relative, type, name.substring(0, name.lastIndexOf('.')), OptionalInt.empty(),
                Optional.empty());
    }

    @Test
    void metricsJsonAndMarkdownCarryCategoriesAndTheirMean() throws Exception {
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        JsonObject ref = JsonParser.parseString(Files.readString(RUN.resolve("metrics.json"))).getAsJsonObject();
        Map<String, Double> brick = new LinkedHashMap<>();
        ref.entrySet().forEach(e -> brick.put(e.getKey(), e.getValue().getAsDouble()));
        metrics.put("brick", brick);
        metrics.put("plain", Map.of("image_auroc", 0.5, "image_ap", 0.25, "pixel_auroc", Double.NaN));
        MetricsFiles.writeJson(out.resolve("metrics.json"), metrics);
        MetricsFiles.writeMarkdown(out.resolve("metrics.md"), metrics);

        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("metrics.json"))).getAsJsonObject();
        JsonObject cats = json.getAsJsonObject("categories");
        assertEquals(List.of("brick", "plain"), new ArrayList<>(cats.keySet()));
        assertEquals(0.9722222222222222, cats.getAsJsonObject("brick").get("image_auroc").getAsDouble());
        assertTrue(cats.getAsJsonObject("brick").get("pixel_aupro_exact").isJsonNull());
        assertTrue(cats.getAsJsonObject("plain").get("pixel_auroc").isJsonNull());
        JsonObject mean = json.getAsJsonObject("mean");
        assertEquals((0.9722222222222222 + 0.5) / 2, mean.get("image_auroc").getAsDouble(), 1e-15);
        assertEquals((0.9484126984126984 + 0.25) / 2, mean.get("image_ap").getAsDouble(), 1e-15);
        assertEquals(0.9856545794794661, mean.get("pixel_auroc").getAsDouble(), 1e-15);
        assertTrue(mean.get("pixel_aupro_exact").isJsonNull());

        List<String> md = Files.readAllLines(out.resolve("metrics.md"));
        assertEquals(8, md.size());
        assertTrue(md.get(0).startsWith("| Category | Image AUROC | Image AP | Image F1-max | Image F1 at threshold |"),
                md.get(0));
        assertEquals("| brick | 97.22 | 94.84 | 92.31 | – | 98.57 | 58.75 | 59.37 | 84.29 | – |", md.get(2));
        assertEquals("| plain | 50.00 | 25.00 | – | – | – | – | – | – | – |", md.get(3));
        assertTrue(md.get(4).startsWith("| **Mean** | 73.61 | 59.92 | 92.31 | – | 98.57 |"), md.get(4));
        assertEquals("| *Categories in the mean* | 2 | 2 | 1 | 0 | 1 | 1 | 1 | 1 | 0 |", md.get(5));
        assertNoTemporaries(out);
    }

    @Test
    void reportShowsVerdictsInScoreOrderTheThresholdAndGroundTruthWhereKnown() throws Exception {
        Category c = brick();
        float[] maps = Npy.read(RUN.resolve("pixel_maps.npy")).toFloats();
        double[] post = Npy.read(RUN.resolve("score_rscin.npy")).toDoubles();
        double[] pre = Npy.read(RUN.resolve("score_pre_rscin.npy")).toDoubles();
        List<String> keys = ResultPaths.keys(c.samples());
        double threshold = 0.25;
        List<ReportImage> images = new ArrayList<>();
        for (int i = 0; i < c.samples().size(); i++) {
            Sample s = c.samples().get(i);
            Path hm = ResultPaths.heatmap(out.resolve("brick"), keys.get(i));
            Heatmaps.write(hm, ImageIo.readRgb(s.image()), map(maps, i), S, S, HeatmapNorm.of(map(maps, i)),
                    MaskPreprocessor.load(s.mask(), S, MaskRule.FULL_WINDOW), null, Double.NaN);
            images.add(new ReportImage(s.relativePath(), s.label(), post[i], pre[i], pre[i] > threshold, Optional.of(hm),
                    false));
        }
        long flagged = images.stream().filter(ReportImage::anomalous).count();
        Map<String, Double> metrics = Map.of("image_auroc", 0.9722222222222222, "image_f1_max", 0.9230769230769231,
                "image_f1_at_threshold", 0.8, "image_precision_at_threshold", 1.0, "image_recall_at_threshold", 2 / 3.0);
        Path file = out.resolve("report.html");
        HtmlReport.builder().title("brick <run>").metrics(Map.of("brick", metrics))
                .category(new ReportCategory("brick", images, 1, threshold, "fixed:0.25", 0.3, Optional.empty(), metrics))
                .failure("cable", "only 1 image: MuSc needs at least 2")
                .maxImages(5).notes(List.of("1 warning: x.png & y")).build().write(file);
        String html = Files.readString(file);
        assertTrue(html.contains("<title>brick &lt;run&gt;</title>"));
        assertTrue(html.contains("<td>97.22</td>") && html.contains("<td>80.00</td>"), "F1 at threshold in the table");
        assertTrue(html.contains("1 warning: x.png &amp; y"));
        assertTrue(html.contains("<b>cable</b>: only 1 image"), "failed categories are named with the reason");
        assertTrue(html.contains("18 images scored, 1 unreadable skipped: <b>" + flagged + " anomalous</b>, "
                + (18 - flagged) + " normal. Image threshold <b>0.2500</b> on map_max, the anomaly map's maximum before "
                + "RsCIN (fixed:0.25); a part is anomalous when its map_max is above it. Pixel threshold <b>0.3000</b> "
                + "on the anomaly map's values (the same scale)"), "both thresholds with their scales, verdict counts");
        assertTrue(html.contains(HtmlReport.EXPLAINED.substring(0, 60)), "MuSc, RsCIN and the rule in plain words");
        assertTrue(html.contains("precision 1.00, recall 0.67, F1 0.80 (F1-max of the score with the labels: 0.92)"), html);
        assertEquals(5, count(html, "src=\"data:image/jpeg;base64,"));
        assertTrue(html.contains("the 5 highest of 18"), "says that more images exist");
        assertFalse(html.contains("src=\"/") || html.contains("src=\"heatmaps"), "self-contained");
        assertEquals(5, count(html, "<a href=\"brick/heatmaps/"), "each thumbnail links to its full picture");
        List<String> shown = new ArrayList<>();
        List<String> verdicts = new ArrayList<>();
        Matcher m = Pattern.compile("<div class=\"card (\\w+)\">.*?<div class=\"name\">([^<]+)</div>").matcher(html);
        while (m.find()) {
            verdicts.add(m.group(1));
            shown.add(m.group(2));
        }
        List<ReportImage> top = images.stream().sorted((a, b) -> Double.compare(b.mapMax(), a.mapMax())).limit(5).toList();
        assertEquals(top.stream().map(ReportImage::image).toList(), shown);
        assertEquals(top.stream().map(r -> r.anomalous() ? "anomalous" : "normal").toList(), verdicts);
        assertEquals(5, count(html, "<div class=\"gt\">ground truth: "), "every shown image is labelled");
        assertEquals(1, count(html, "<svg"));
        assertTrue(html.contains(">bar: verdict normal</text>") && html.contains(">bar: verdict anomalous</text>"));
        assertTrue(html.contains(">mark: truly anomalous</text>") && html.contains(">mark: truly normal</text>"),
                "the ground truth is a second marker, with a legend");
        assertEquals(6, count(html, "<path class=\"truth-anomalous\""));
        assertEquals(12, count(html, "<circle class=\"truth-normal\""));
        assertTrue(html.contains("<title>image threshold 0.2500</title>"), "threshold on the histogram");
        assertTrue(html.contains("each heatmap has its own colour scale"), "per-image scales are said to be so");
        // 18 images in the histogram: the bars are the verdicts, their counts (in the tooltips) add up
        Matcher bars = Pattern.compile("<title>verdict (normal|anomalous): (\\d+)</title>").matcher(html);
        int[] total = new int[2];
        while (bars.find()) {
            total[bars.group(1).equals("anomalous") ? 1 : 0] += Integer.parseInt(bars.group(2));
        }
        assertEquals(flagged, total[1]);
        assertEquals(18 - flagged, total[0]);
    }

    @Test
    void unlabelledReportHasVerdictsAndAColourScaleButNoGroundTruth() throws Exception {
        HeatmapNorm scale = new HeatmapNorm(1f, 3f);
        List<ReportImage> images = new ArrayList<>();
        String[] names = {"a.png", "b.png", "c.png"};
        double[] scores = {0.2, 0.9, 0.4};
        for (int i = 0; i < 3; i++) {
            float[] map = new float[16 * 16];
            Arrays.fill(map, 1f + i);
            Path hm = out.resolve("heatmaps").resolve(names[i]);
            Heatmaps.write(hm, new RgbImage(16, 16, new byte[16 * 16 * 3]), map, 16, 16, scale, null, null, 1.5);
            images.add(new ReportImage(names[i], OptionalInt.empty(), scores[i] / 10, scores[i], scores[i] > 0.6,
                    Optional.of(hm), false));
        }
        String html = HtmlReport.builder().category(new ReportCategory("parts", images, 0, 0.6, "mad:3", 1.5,
                Optional.of(scale), Map.of())).build().render();
        assertEquals(3, count(html, "src=\"data:image/jpeg;base64,"));
        assertFalse(html.contains("Metrics (%)"), "no metrics without labels");
        assertFalse(html.contains("ground truth:"), "no ground truth where none exists");
        assertFalse(html.contains("mark: truly"), "no ground-truth markers without labels");
        assertTrue(html.contains(">bar: verdict anomalous</text>"));
        assertTrue(html.indexOf("<div class=\"name\">b.png") < html.indexOf("<div class=\"name\">c.png")
                && html.indexOf("<div class=\"name\">c.png") < html.indexOf("<div class=\"name\">a.png"), "by map_max");
        assertEquals(1, count(html, "<div class=\"card anomalous\">"));
        assertTrue(html.contains("<b>1 anomalous</b>, 2 normal"));
        // the colour bar spans 1..3 and marks the pixel threshold 1.5 a quarter along
        assertTrue(html.contains("<span>1.000</span><div class=\"bar\"><div class=\"tick\" style=\"left:25.0%\""), html);
        assertTrue(html.contains("<span>3.000</span>"));
    }

    @Test
    void aReportLinksNamesWithReservedCharactersToTheirFiles() throws Exception {
        // a category and an image whose names a URL would read otherwise: '#' a fragment, '?' a query,
        // '%41' an 'A', ':' before the first '/' a scheme
        Path hm = out.resolve("lot #1: 50%").resolve("heatmaps").resolve("part%41?.png");
        Heatmaps.write(hm, new RgbImage(16, 16, new byte[16 * 16 * 3]), new float[16 * 16], 16, 16,
                new HeatmapNorm(0f, 1f), null, null, 0.5);
        List<ReportImage> images = List.of(new ReportImage("part%41?.png", OptionalInt.empty(), 0.5, 0.5, false,
                Optional.of(hm), false));
        Path file = out.resolve("report.html");
        HtmlReport.builder().category(new ReportCategory("lot #1: 50%", images, 0, 0.6, "mad:3", 0.5,
                Optional.empty(), Map.of())).build().write(file);
        Matcher m = Pattern.compile("<a href=\"([^\"]+)\"").matcher(Files.readString(file));
        assertTrue(m.find());
        // by hand: space %20, '#' %23, ':' %3A, '%' %25, '?' %3F
        assertEquals("lot%20%231%3A%2050%25/heatmaps/part%2541%3F.png", m.group(1));
        // and a browser resolves it, relative to the report, to the picture
        java.net.URI link = file.toUri().resolve(m.group(1));
        assertEquals(hm.toAbsolutePath(), Path.of(link));
    }

    private static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
            n++;
        }
        return n;
    }

    private static void assertNoTemporaries(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
    }
}
