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
import io.musc4j.datasets.output.ReportImage;
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
            rows.add(new ScoreRow(s.relativePath(), i == 17 ? OptionalInt.empty() : s.label(), pre[i], post[i]));
        }
        rows.add(new ScoreRow("odd,name \"x\".png", OptionalInt.of(0), 1.5, 2.5));
        Path csv = out.resolve("brick/scores.csv");
        ScoresCsv.write(csv, rows);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("image,label,score,score_rscin", lines.get(0));
        assertEquals(20, lines.size());
        String[] first = lines.get(1).split(",");
        assertEquals("brick/test/color/000.png", first[0]);
        assertEquals("1", first[1]);
        assertEquals(pre[0], Double.parseDouble(first[2]));
        assertEquals(post[0], Double.parseDouble(first[3]));
        assertTrue(lines.get(18).startsWith("brick/test/scratch/002.png,,"), lines.get(18));
        assertEquals("\"odd,name \"\"x\"\".png\",0,1.5,2.5", lines.get(19));
        assertNoTemporaries(out);
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(csv)));
    }

    @Test
    void rawMapsRoundTripAsFloat32UnderTheirDefectType() throws Exception {
        Category c = brick();
        float[] maps = Npy.read(RUN.resolve("pixel_maps.npy")).toFloats();
        Sample s = c.samples().get(16);
        Path file = RawMaps.write(out, s, map(maps, 16), S);
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
        Path file = Heatmaps.write(out, s, img, m, S, HeatmapNorm.of(m), mask);
        assertEquals(out.resolve("heatmaps/scratch/000.png"), file);
        RgbImage png = ImageIo.readRgb(file);
        assertEquals(S, png.width());

        // Without a mask: the maximum of the map is JET's top colour, RGB (128,0,0), averaged with the image.
        RgbImage plain = Heatmaps.overlay(img, m, S, HeatmapNorm.of(m), null);
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
        int first = 0;
        while (mask[first] == 0) {
            first++;
        }
        for (int ch = 0; ch < 3; ch++) {
            assertEquals(255, png.pixels()[3 * first + ch] & 0xFF);
        }
        // Whole-category normalisation: a map equal to the category minimum everywhere is JET's bottom, RGB (0,0,128).
        float[] flat = new float[S * S];
        RgbImage low = Heatmaps.overlay(img, flat, S, new HeatmapNorm(0f, 1f), null);
        assertEquals(0.5 * 128 + 0.5 * (img.pixels()[2] & 0xFF), low.pixels()[2] & 0xFF, 0.5 + 1e-9);
        assertEquals(new HeatmapNorm(-1f, 3f), HeatmapNorm.of(List.of(new float[] {0f, 3f}, new float[] {-1f, 2f})));
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
        assertEquals(5, md.size());
        assertEquals("| brick | 97.22 | 94.84 | 92.31 | 98.57 | 58.75 | 59.37 | 84.29 | – |", md.get(2));
        assertEquals("| plain | 50.00 | 25.00 | – | – | – | – | – | – |", md.get(3));
        assertTrue(md.get(4).startsWith("| **Mean** | 73.61 | 59.92 | 92.31 | 98.57 |"), md.get(4));
        assertNoTemporaries(out);
    }

    @Test
    void reportEmbedsTheTopImagesInScoreOrderAndAHistogram() throws Exception {
        Category c = brick();
        float[] maps = Npy.read(RUN.resolve("pixel_maps.npy")).toFloats();
        double[] post = Npy.read(RUN.resolve("score_rscin.npy")).toDoubles();
        List<ReportImage> images = new ArrayList<>();
        for (int i = 0; i < c.samples().size(); i++) {
            Sample s = c.samples().get(i);
            Path hm = Heatmaps.write(out.resolve("brick"), s, ImageIo.readRgb(s.image()), map(maps, i), S,
                    HeatmapNorm.of(map(maps, i)), MaskPreprocessor.load(s.mask(), S, MaskRule.FULL_WINDOW));
            images.add(new ReportImage(s.relativePath(), s.label(), post[i], Optional.of(hm)));
        }
        Path file = out.resolve("report.html");
        HtmlReport.builder().title("brick <run>").metrics(Map.of("brick", Map.of("image_auroc", 0.9722222222222222)))
                .category("brick", images).topK(5).notes(List.of("1 warning: x.png & y")).build().write(file);
        String html = Files.readString(file);
        assertTrue(html.contains("<title>brick &lt;run&gt;</title>"));
        assertTrue(html.contains("<td>97.22</td>"));
        assertTrue(html.contains("1 warning: x.png &amp; y"));
        assertEquals(5, count(html, "src=\"data:image/jpeg;base64,"));
        assertFalse(html.contains("src=\"/") || html.contains("src=\"heatmaps"), "self-contained");
        List<String> shown = new ArrayList<>();
        Matcher m = Pattern.compile("<div class=\"name\">([^<]+)</div>").matcher(html);
        while (m.find()) {
            shown.add(m.group(1));
        }
        List<String> expected = images.stream().sorted((a, b) -> Double.compare(b.score(), a.score())).limit(5)
                .map(ReportImage::image).toList();
        assertEquals(expected, shown);
        assertEquals(1, count(html, "<svg"));
        assertTrue(html.contains(">normal</text>") && html.contains(">anomalous</text>"));
        // 18 images in the histogram: the bar counts (in the tooltips) add up to 18.
        Matcher bars = Pattern.compile("<title>(normal|anomalous): (\\d+)</title>").matcher(html);
        int total = 0;
        while (bars.find()) {
            total += Integer.parseInt(bars.group(2));
        }
        assertEquals(18, total);
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
