package io.musc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production case: one folder of unlabelled images, with the traps of real folders (a symbolic link
 * loop, the output folder inside the data, two images sharing a stem, a PNG declaring 30000×30000 pixels).
 * Every image is scored exactly once and gets a label-free verdict, masks on request, and a report.
 */
class UnlabelledFolderTest {

    private static final double K = 3;

    @TempDir
    static Path tmp;

    private static Path line;
    private static Path out;
    private static Cli.Outcome run;

    @BeforeAll
    static void scoreAFolderOfParts() throws IOException {
        line = tmp.resolve("data/line");
        Files.createDirectories(line);
        Path brick = Cli.DATA.resolve("brick");
        for (String type : List.of("good", "color", "scratch")) {
            try (var files = Files.list(brick.resolve("test").resolve(type))) {
                for (Path f : files.toList()) {
                    Files.copy(f, line.resolve(type + "_" + f.getFileName()));
                }
            }
        }
        // the same stem as good_000.png, another picture (a training image), stored under .jpg
        Files.copy(brick.resolve("train/good/001.png"), line.resolve("good_000.jpg"));
        Files.createDirectories(line.resolve("nested"));
        Files.createSymbolicLink(line.resolve("nested/up"), Path.of(".."));
        Files.write(line.resolve("huge.png"), TestPngs.grayHead(30000, 30000));
        // pictures in the output folder inside the data folder, which must not be read as parts
        out = line.resolve("results");
        Files.createDirectories(out.resolve("earlier/heatmaps"));
        Files.copy(brick.resolve("test/good/000.png"), out.resolve("earlier/heatmaps/good_000.png"));
        run = Cli.musc("run", "--data", line, "--format", "folder", "--model", Cli.DINOV2, "--image-size", 112,
                "--out", out, "--save-masks", "--threshold", "mad:3");
    }

    @Test
    void everyImageIsScoredOnceAndTheCountsArePrinted() {
        assertEquals(0, run.code(), run::toString);
        ScoresFile csv = ScoresFile.read(out.resolve("line/scores.csv"));
        assertEquals(19, csv.rows().size(), csv.rows().keySet()::toString);
        assertTrue(csv.rows().containsKey("good_000.png") && csv.rows().containsKey("good_000.jpg"));
        assertTrue(csv.rows().keySet().stream().noneMatch(k -> k.contains("/")), "nothing from nested/ or results/");
        String err = run.err();
        assertTrue(err.contains("warning: " + line.resolve("huge.png") + ": 30000x30000 pixels, more than the 100 "
                + "megapixels musc4j reads; skipped"), err);
        assertTrue(err.contains("nested/up: leads to"), err);
        assertTrue(err.contains(out + ": the output folder (--out) is inside the data folder; not read as input"), err);
        assertTrue(err.lines().anyMatch(l -> l.matches("musc: line: 19 images scored, 1 unreadable skipped; \\d+ "
                + "anomalous above threshold .* \\(mad:3\\)")), err);
        assertTrue(run.out().lines().anyMatch(l -> l.matches("line\\s+19\\s+1\\s+\\d+\\s+.*")), run::toString);
    }

    @Test
    void imagesSharingAStemKeepTheirOwnHeatmaps() throws IOException {
        Path png = out.resolve("line/heatmaps/good_000.png.png");
        Path jpg = out.resolve("line/heatmaps/good_000.jpg.png");
        assertTrue(Files.isRegularFile(png) && Files.isRegularFile(jpg));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(png), Files.readAllBytes(jpg)), "two pictures");
        assertTrue(Files.isRegularFile(out.resolve("line/heatmaps/color_000.png")), "other names keep their stem");
        assertTrue(Files.isRegularFile(out.resolve("line/masks/good_000.jpg.png")));
    }

    @Test
    void verdictsFollowTheLabelFreeThreshold() {
        List<ScoresFile.Row> rows = ScoresFile.read(out.resolve("line/scores.csv")).list();
        double threshold = ByHand.mad(rows.stream().mapToDouble(ScoresFile.Row::mapMax).toArray(), K);
        int flagged = 0;
        for (ScoresFile.Row r : rows) {
            assertEquals("", r.label(), "unlabelled");
            assertEquals(threshold, r.threshold(), 1e-12);
            assertEquals(r.mapMax() > threshold ? "anomalous" : "normal", r.verdict(), r.image());
            flagged += r.mapMax() > threshold ? 1 : 0;
        }
        assertTrue(flagged > 0 && flagged < rows.size(), "some parts flagged, not all: " + flagged);
        JsonObject decision = RunParityTest.json(out.resolve("run.json")).getAsJsonObject("thresholds")
                .getAsJsonObject("line");
        assertEquals(flagged, decision.get("anomalous").getAsInt());
        assertFalse(Files.exists(out.resolve("metrics.json")), "no labels, no metrics");
    }

    /**
     * Masks hold exactly the pixels above the pixel threshold of the map read back to the image's own size
     * (224 here, the map 112), and the regions are theirs: a map whose maximum is not above the threshold
     * has none; one whose maximum is above it has them unless reading back lowered every pixel (then an
     * anomalous part shows its peak, marked below_pixel_threshold).
     */
    @Test
    void masksAndRegionsComeFromThePixelThreshold() throws IOException {
        JsonObject summary = RunParityTest.json(out.resolve("line/category.json"));
        double pixel = summary.getAsJsonObject("decision").get("pixel_threshold").getAsDouble();
        List<ScoresFile.Row> rows = ScoresFile.read(out.resolve("line/scores.csv")).list();
        assertEquals(ByHand.mad(rows.stream().mapToDouble(ScoresFile.Row::mapMax).toArray(), K), pixel, 1e-12);
        Set<String> seen = new HashSet<>();
        for (JsonElement e : summary.getAsJsonArray("images")) {
            JsonObject image = e.getAsJsonObject();
            double score = image.get("map_max").getAsDouble();
            int area = 0;
            assertEquals(224, image.get("width").getAsInt());
            assertEquals(224, image.get("height").getAsInt());
            assertEquals("image", image.get("coordinates").getAsString());
            for (JsonElement r : image.getAsJsonArray("regions")) {
                JsonObject box = r.getAsJsonObject();
                assertTrue(box.get("x1").getAsInt() <= 224 && box.get("y1").getAsInt() <= 224);
                if (box.get("below_pixel_threshold").getAsBoolean()) {
                    assertTrue(score > pixel && image.get("verdict").getAsString().equals("anomalous"));
                    continue;
                }
                area += box.get("area").getAsInt();
                assertTrue(box.get("peak").getAsDouble() > pixel);
            }
            if (area > 0) {
                assertTrue(score > pixel, image.get("image").getAsString());
            }
            Path mask = out.resolve("line").resolve(image.get("mask").getAsString());
            assertTrue(seen.add(image.get("mask").getAsString()), "one mask per image");
            BufferedImage png = ImageIO.read(mask.toFile());
            assertEquals(224, png.getWidth());
            assertEquals(224, png.getHeight());
            Raster raster = png.getRaster();
            int on = 0;
            for (int y = 0; y < 224; y++) {
                for (int x = 0; x < 224; x++) {
                    int v = raster.getSample(x, y, 0);
                    assertTrue(v == 0 || v == 255);
                    on += v == 255 ? 1 : 0;
                }
            }
            assertEquals(area, on, "mask pixels are the regions' pixels: " + mask);
        }
        assertEquals(19, seen.size());
    }

    @Test
    void theReportShowsVerdictsWithoutGroundTruth() throws IOException {
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("19 images scored, 1 unreadable skipped: <b>"), "counts");
        assertTrue(html.contains("normal. Image threshold <b>"), "threshold");
        assertFalse(html.contains("ground truth:"), "no ground truth where none exists");
        assertEquals(19, count(html, "<div class=\"card "));
        assertTrue(html.contains("<title>image threshold "), "threshold on the histogram");
        assertTrue(html.contains("one colour scale for the whole category"), "the default scale is the category's");
        assertNotNull(RunParityTest.json(out.resolve("line/category.json")).get("heatmapScale"));
        JsonObject config = RunParityTest.json(out.resolve("run.json")).getAsJsonObject("config");
        assertEquals("whole", config.get("heatmaps").getAsString());
        assertNotEquals(0, RunParityTest.json(out.resolve("run.json")).getAsJsonArray("warnings").size());
    }

    static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
            n++;
        }
        return n;
    }
}
