package io.musc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.musc4j.common.io.Npy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code musc run --tiles 2x2 --tile-overlap 0} on the brick category whose every test image is replaced by
 * a 448×448 mosaic of four copies of itself: pooled by position each grid position's set is the
 * reference's set, so scores.csv holds the reference's scores and each saved map's quadrants the
 * reference's map; then {@code --resume} keeps the category for the same tile options and redoes it for
 * others.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TiledRunTest {

    private static final String ID = "brick_dinov2-tiny_r135_k123";

    @TempDir
    static Path tmp;
    private static Path data;
    private static Path out;
    private static Cli.Outcome first;

    @BeforeAll
    static void mosaics() throws IOException {
        data = tmp.resolve("data");
        for (String image : RunParityTest.imageOrder(ID)) {
            BufferedImage one = ImageIO.read(Cli.DATA.resolve(image).toFile());
            BufferedImage four = new BufferedImage(2 * one.getWidth(), 2 * one.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
            for (int q = 0; q < 4; q++) {
                four.getGraphics().drawImage(one, (q % 2) * one.getWidth(), (q / 2) * one.getHeight(), null);
            }
            Path to = data.resolve(image);
            Files.createDirectories(to.getParent());
            ImageIO.write(four, "png", to.toFile());
        }
        out = tmp.resolve("out");
        first = run();
    }

    private static Cli.Outcome run(Object... extra) {
        Object[] base = {"run", "--data", data, "--format", "mvtec", "--model", Cli.DINOV2, "--layers", "1,3,5,7",
                "--image-size", "224", "--out", out, "--tiles", "2x2", "--tile-overlap", "0", "--save-maps", "original",
                "--save-masks"};
        Object[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.musc(args);
    }

    @Test
    @Order(1)
    void quadrantsScoreAsTheReference() throws IOException {
        assertEquals(0, first.code(), first::toString);
        assertTrue(first.err().contains("musc: brick: tiles 2x2 overlap 0px pool position, 4 tiles per 448x448 image,"
                + " 4 sets of 18 tiles; scoring each set: N=18"), first.err());
        ScoresFile csv = ScoresFile.read(out.resolve("brick/scores.csv"));
        List<String> order = RunParityTest.imageOrder(ID);
        double[] pre = RunParityTest.reference(ID, "score_pre_rscin.npy");
        double[] rscin = RunParityTest.reference(ID, "score_rscin.npy");
        double errPre = 0;
        double errRscin = 0;
        for (int i = 0; i < order.size(); i++) {
            ScoresFile.Row row = csv.rows().get(order.get(i));
            errPre = Math.max(errPre, Math.abs(pre[i] - row.mapMax()));
            errRscin = Math.max(errRscin, Math.abs(rscin[i] - row.score()));
        }
        RunParityTest.check(ID + " tiled", "map_max", errPre);
        RunParityTest.check(ID + " tiled", "score", errRscin);
        Npy.Array expected = Npy.read(Cli.PARITY.resolve("runs").resolve(ID).resolve("pixel_maps.npy"));
        double[] all = expected.toDoubles();
        double err = 0;
        int s = 0;
        for (JsonElement e : RunParityTest.manifest(ID).getAsJsonObject("subsets").getAsJsonObject("pixel_maps")
                .getAsJsonArray("indices")) {
            Npy.Array map = Npy.read(RunParityTest.mapFile(out.resolve("brick"), order.get(e.getAsInt())));
            assertEquals(List.of(448L, 448L), Arrays.stream(map.shape()).boxed().toList());
            double[] a = map.toDoubles();
            for (int y = 0; y < 448; y++) {
                for (int x = 0; x < 448; x++) {
                    err = Math.max(err, Math.abs(all[s * 224 * 224 + (y % 224) * 224 + x % 224] - a[y * 448 + x]));
                }
            }
            s++;
        }
        RunParityTest.check(ID + " tiled", "quadrant maps", err);
        JsonObject config = RunParityTest.json(out.resolve("run.json")).getAsJsonObject("config");
        assertEquals("2x2", config.getAsJsonObject("tiles").get("grid").getAsString());
        BufferedImage mask = ImageIO.read(out.resolve("brick/masks/color/000.png").toFile());
        assertEquals(448, mask.getWidth());
        assertTrue(blackOnTheSeam() < 0.1, "no tile outlines unless asked");
    }

    /**
     * The share of black pixels in the heatmap panel of good/000 along the overlay's column 224, the first of
     * the right-hand tiles: the panel is the image (448 px), a 4 px gap, then the overlay.
     */
    private static double blackOnTheSeam() throws IOException {
        BufferedImage panel = ImageIO.read(out.resolve("brick/heatmaps/good/000.png").toFile());
        int black = 0;
        for (int y = 0; y < 448; y++) {
            black += (panel.getRGB(448 + 4 + 224, y) & 0xFFFFFF) == 0 ? 1 : 0;
        }
        return black / 448.0;
    }

    @Test
    @Order(2)
    void resumeComparesTheTileOptions() throws IOException {
        Cli.Outcome same = run("--resume");
        assertEquals(0, same.code(), same::toString);
        assertTrue(same.err().contains("brick: complete results found, skipped (--resume)"), same.err());
        Cli.Outcome other = run("--resume", "--tile-pool", "all", "--draw-tiles");
        assertEquals(0, other.code(), other::toString);
        assertTrue(!other.err().contains("skipped (--resume)"), other.err());
        assertTrue(other.err().contains("1 set of 72 tiles"), other.err());
        // outlined tiles: black down the seam, but where a region's outline is drawn over it
        assertTrue(blackOnTheSeam() > 0.9, "tile outlines drawn on demand: " + blackOnTheSeam());
    }

    @Test
    void badTileOptionsAreOneLine() {
        assertEquals("musc: --tile-overlap needs --tiles RxC or --tile-size PX",
                Cli.refused(Cli.musc("run", "--data", data, "--format", "mvtec", "--model", Cli.DINOV2, "--out",
                        tmp.resolve("o2"), "--tile-overlap", "0.2")));
        assertEquals("musc: --tiles: tiles must be RxC (rows x columns, e.g. 4x4), got '4'",
                Cli.refused(Cli.musc("run", "--data", data, "--format", "mvtec", "--model", Cli.DINOV2, "--out",
                        tmp.resolve("o2"), "--tiles", "4")));
        assertEquals("musc: --tile-pool: tile pool must be position or all, got 'rows'",
                Cli.refused(Cli.musc("run", "--data", data, "--format", "mvtec", "--model", Cli.DINOV2, "--out",
                        tmp.resolve("o2"), "--tiles", "2x2", "--tile-pool", "rows")));
        assertEquals("musc: --draw-tiles needs --tiles RxC or --tile-size PX",
                Cli.refused(Cli.musc("run", "--data", data, "--format", "mvtec", "--model", Cli.DINOV2, "--out",
                        tmp.resolve("o2"), "--draw-tiles")));
    }
}
