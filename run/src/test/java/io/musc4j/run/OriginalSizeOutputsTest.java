package io.musc4j.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.musc4j.batch.CategoryChecks;
import io.musc4j.common.image.ImageSize;
import io.musc4j.common.io.Npy;
import io.musc4j.datasets.Category;
import io.musc4j.datasets.DatasetFormat;
import io.musc4j.datasets.Sample;
import io.musc4j.datasets.Warnings;
import io.musc4j.datasets.output.ResultPaths;
import io.musc4j.engine.threshold.ThresholdRule;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A category of a 300×200 normal part, a 2000×1500 part with a blob and a 300×200 part with a stripe,
 * written from S×S maps chosen here: masks, boxes, raw maps and heatmaps come at each image's own size,
 * checked against the inverse resize worked out by hand (see PartRegionsTest for the rule: map columns
 * [a, b) cover image columns x with a·W/S − 0.5 &lt; x &lt; b·W/S − 0.5).
 */
class OriginalSizeOutputsTest {

    private static final int S = 224;

    @TempDir
    static Path dir;
    private static Category category;
    private static List<ImageSize> sizes;
    private static float[][] maps;

    @BeforeAll
    static void data() throws IOException {
        Path root = dir.resolve("data");
        image(root.resolve("good/a.png"), 300, 200);
        image(root.resolve("bad/b.png"), 2000, 1500);
        image(root.resolve("bad/c.png"), 300, 200);
        Path mask = root.resolve("truth/b.png");
        Files.createDirectories(mask.getParent());
        BufferedImage m = new BufferedImage(2000, 1500, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 100; y < 200; y++) {
            for (int x = 100; x < 300; x++) {
                m.getRaster().setSample(x, y, 0, 255);
            }
        }
        ImageIO.write(m, "png", mask.toFile());
        category = new Category("parts", root, List.of(
                new Sample(root.resolve("good/a.png"), "good/a.png", "good", "a", OptionalInt.of(0), Optional.empty()),
                new Sample(root.resolve("bad/b.png"), "bad/b.png", "bad", "b", OptionalInt.of(1), Optional.of(mask)),
                new Sample(root.resolve("bad/c.png"), "bad/c.png", "bad", "c", OptionalInt.of(1), Optional.empty())));
        sizes = List.of(new ImageSize(300, 200), new ImageSize(2000, 1500), new ImageSize(300, 200));
        float[] calm = new float[S * S];
        Arrays.fill(calm, 0.2f);
        maps = new float[][] {calm, block(50, 80, 60, 100), block(50, 80, 0, S)};
    }

    /** A picture whose every pixel says where it is, so a resized copy would not match it. */
    private static void image(Path file, int w, int h) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x % 256) << 16 | (y % 256) << 8 | (x + y) % 256);
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }

    private static float[] block(int x0, int x1, int y0, int y1) {
        float[] m = new float[S * S];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                m[y * S + x] = 1f;
            }
        }
        return m;
    }

    private static CategorySummary write(Path out, RunCommand.SavedMaps saveMaps) throws IOException {
        return write(out, saveMaps, null);
    }

    private static CategorySummary write(Path out, RunCommand.SavedMaps saveMaps, ThresholdRule pixelRule)
            throws IOException {
        CategoryRun run = new CategoryRun(S, DatasetFormat.FOLDER, new CategoryRun.Outputs(RunCommand.HeatmapMode.whole,
                saveMaps, true, ThresholdRule.parse("fixed:0.5"), pixelRule, false), CategoryChecks.none("m"),
                new Warnings(), null);
        return run.write(category, new CategoryRun.Scored(category, sizes, maps, new double[] {0.2, 1, 1},
                new float[] {0, 1, 1}, Optional.empty(), Map.of()), out, "fingerprint");
    }

    @Test
    void masksBoxesAndMapsAreAtTheImagesOwnSize() throws IOException {
        Path out = dir.resolve("out");
        CategorySummary summary = write(out, RunCommand.SavedMaps.original);
        List<String> keys = ResultPaths.keys(category.samples());

        CategorySummary.Entry a = summary.images().get(0);
        assertEquals("normal", a.verdict());
        assertEquals(List.of(), a.regions());
        // 2000x1500: map columns [50, 80) -> 445.93 < x < 713.79, rows [60, 100) -> 401.29 < y < 669.14
        CategorySummary.Entry b = summary.images().get(1);
        assertEquals(2000, b.width());
        assertEquals(1500, b.height());
        assertEquals("image", b.coordinates());
        assertEquals(1, b.regions().size());
        CategorySummary.Box box = b.regions().get(0);
        assertArrayEquals(new int[] {446, 402, 714, 670}, new int[] {box.x0(), box.y0(), box.x1(), box.y1()});
        // 300x200 stripe: 66.46 < x < 106.64 on every row
        CategorySummary.Box stripe = summary.images().get(2).regions().get(0);
        assertArrayEquals(new int[] {67, 0, 107, 200, 40 * 200},
                new int[] {stripe.x0(), stripe.y0(), stripe.x1(), stripe.y1(), stripe.area()});

        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("category.json"))).getAsJsonObject();
        JsonObject entry = json.getAsJsonArray("images").get(1).getAsJsonObject();
        assertEquals("image", entry.get("coordinates").getAsString());
        assertEquals(446, entry.getAsJsonArray("regions").get(0).getAsJsonObject().get("x0").getAsInt());

        BufferedImage stripeMask = ImageIO.read(ResultPaths.mask(out, keys.get(2)).toFile());
        assertEquals(300, stripeMask.getWidth());
        assertEquals(200, stripeMask.getHeight());
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 300; x++) {
                assertEquals(x >= 67 && x < 107 ? 255 : 0, stripeMask.getRaster().getSample(x, y, 0), x + "," + y);
            }
        }
        BufferedImage blobMask = ImageIO.read(ResultPaths.mask(out, keys.get(1)).toFile());
        assertEquals(2000, blobMask.getWidth());
        assertEquals(1500, blobMask.getHeight());
        int[] bounds = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
        for (int y = 0; y < 1500; y++) {
            for (int x = 0; x < 2000; x++) {
                if (blobMask.getRaster().getSample(x, y, 0) != 0) {
                    bounds = new int[] {Math.min(bounds[0], x), Math.min(bounds[1], y), Math.max(bounds[2], x + 1),
                        Math.max(bounds[3], y + 1)};
                }
            }
        }
        assertArrayEquals(new int[] {446, 402, 714, 670}, bounds);

        Npy.Array raw = Npy.read(ResultPaths.map(out, keys.get(1)));
        assertArrayEquals(new long[] {1500, 2000}, raw.shape());
        // pixel (580, 536) samples the map at (64.52, 79.62): inside the block
        assertEquals(1f, raw.toFloats()[536 * 2000 + 580]);
        assertArrayEquals(new long[] {200, 300}, Npy.read(ResultPaths.map(out, keys.get(0))).shape());
    }

    /**
     * A pixel threshold (2) above every map value: the anomalous parts show their strongest region above the
     * image threshold (0.5), marked so, and their mask files hold exactly that region's pixels — the mask
     * never says "nothing" beside a heatmap and a category.json that show a region.
     */
    @Test
    void aFallbackRegionIsInTheMaskToo() throws IOException {
        Path out = dir.resolve("fallback");
        CategorySummary summary = write(out, RunCommand.SavedMaps.none, ThresholdRule.parse("fixed:2"));
        CategorySummary.Box stripe = summary.images().get(2).regions().get(0);
        assertTrue(stripe.belowPixelThreshold());
        // the same stripe as above: 66.46 < x < 106.64 on every row
        assertArrayEquals(new int[] {67, 0, 107, 200}, new int[] {stripe.x0(), stripe.y0(), stripe.x1(), stripe.y1()});
        BufferedImage mask = ImageIO.read(ResultPaths.mask(out, ResultPaths.keys(category.samples()).get(2)).toFile());
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 300; x++) {
                assertEquals(x >= 67 && x < 107 ? 255 : 0, mask.getRaster().getSample(x, y, 0), x + "," + y);
            }
        }
    }

    @Test
    void saveMapsAloneKeepsTheNetworkMaps() throws IOException {
        Path out = dir.resolve("network");
        write(out, RunCommand.SavedMaps.network);
        Npy.Array raw = Npy.read(ResultPaths.map(out, ResultPaths.keys(category.samples()).get(1)));
        assertArrayEquals(new long[] {S, S}, raw.shape());
        assertArrayEquals(maps[1], raw.toFloats());
    }

    /** The heatmap panel is H high, the image at its own size on the left and the overlay beside it. */
    @Test
    void heatmapsShowTheImageAtItsOwnSize() throws IOException {
        Path out = dir.resolve("heatmaps");
        write(out, RunCommand.SavedMaps.none);
        List<String> keys = ResultPaths.keys(category.samples());
        for (int i = 0; i < 3; i++) {
            ImageSize size = sizes.get(i);
            BufferedImage panel = ImageIO.read(ResultPaths.heatmap(out, keys.get(i)).toFile());
            assertEquals(size.height(), panel.getHeight(), keys.get(i));
            // the image, the overlay, then the colour bar and its labels, whose type grows with the height
            assertTrue(panel.getWidth() > 2 * size.width() && panel.getWidth() < 2 * size.width() + size.height(),
                    keys.get(i) + " is " + panel.getWidth() + " wide");
            BufferedImage original = ImageIO.read(category.samples().get(i).image().toFile());
            for (int y = 0; y < size.height(); y += 7) {
                for (int x = 0; x < size.width(); x += 5) {
                    assertEquals(original.getRGB(x, y), panel.getRGB(x, y), keys.get(i) + " at " + x + "," + y);
                }
            }
        }
        // the ground truth of b ([100, 300) x [100, 200) in its own pixels) is outlined in white on the overlay,
        // which starts 4 pixels right of the image
        BufferedImage b = ImageIO.read(ResultPaths.heatmap(out, keys.get(1)).toFile());
        assertEquals(0xFFFFFF, b.getRGB(2000 + 4 + 100, 150) & 0xFFFFFF);
        assertEquals(0xFFFFFF, b.getRGB(2000 + 4 + 200, 100) & 0xFFFFFF);
    }
}
