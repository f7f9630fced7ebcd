package io.musc4j.engine;

import static io.musc4j.engine.ParityRun.maxAbs;
import static io.musc4j.engine.ParityRun.report;
import static io.musc4j.engine.ParityRun.toDoubles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.musc4j.common.image.ImageDecoder;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.maps.ImageMap;
import io.musc4j.engine.rscin.Rscin;
import io.musc4j.engine.tiles.TileOverlap;
import io.musc4j.engine.tiles.TilePool;
import io.musc4j.engine.tiles.Tiling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tiled runs against the reference: 2×2 mosaics of the parity fixture's images, and the pool of all tiles
 * against a plain run over the tiles as images.
 */
class TiledParityTest {

    private static final Path PARITY = Path.of(System.getProperty("musc4j.testdata"), "parity");
    private static final String RUN = "brick_dinov2-tiny_r135_k123";

    /**
     * Mosaic k holds fixture image k in each of its four quadrants (448×448 of 224 px images), so that each
     * position's set is the reference's set of 18 images: each quadrant's map and each mosaic's maximum are
     * the reference's map and score before RsCIN, and, each image's feature being the mean of four equal
     * tile features, its final score is the reference's too.
     */
    @Test
    void mosaicQuadrantsPooledByPositionScoreAsTheReference() throws IOException {
        ParityRun run = ParityRun.load(RUN);
        List<RgbImage> images = images(run);
        List<RgbImage> mosaics = new ArrayList<>();
        for (RgbImage image : images) {
            mosaics.add(mosaic(image, image, image, image));
        }
        try (MuSc musc = open(run, Tiling.grid(2, 2, TileOverlap.NONE, TilePool.POSITION))) {
            TiledSet r = musc.scoreTiledImages(mosaics);
            assertEquals(images.size(), r.size());
            assertEquals(4, r.tileSets().size());
            report(RUN, "tiled score", maxAbs(run.array("score_pre_rscin.npy").toDoubles(), r.mapMax()));
            report(RUN, "tiled score rscin", maxAbs(run.array("score_rscin.npy").toDoubles(), toDoubles(r.scores())));
            int[] subset = run.subset("pixel_maps");
            double[] pixels = run.array("pixel_maps.npy").toDoubles();
            int per = 224 * 224;
            double err = 0;
            for (int s = 0; s < subset.length; s++) {
                double[] expected = Arrays.copyOfRange(pixels, s * per, (s + 1) * per);
                ImageMap stitched = r.map(subset[s]);
                assertEquals(448, stitched.width());
                assertEquals((float) r.mapMax()[subset[s]], stitched.max(), "the score before RsCIN is the map's maximum");
                for (int q = 0; q < 4; q++) {
                    err = Math.max(err, maxAbs(expected, toDoubles(quadrant(stitched, q))));
                }
            }
            report(RUN, "tiled quadrant maps (" + subset.length + "x4)", err);
        }
    }

    /**
     * Pooled all together, the tiles of four mosaics of four different images are one set of 16 tiles:
     * each tile's map is, to the bit, the map of a plain run over the 16 tiles given as images in the same
     * order; a mosaic's score before RsCIN is the largest of its tiles' maxima; its final score is RsCIN
     * over the mosaics with each mosaic's feature the mean of its tiles' backbone features.
     */
    @Test
    void allPoolIsAPlainRunOverTheTiles() throws IOException {
        ParityRun run = ParityRun.load(RUN);
        List<RgbImage> images = images(run).subList(0, 16);
        List<RgbImage> mosaics = new ArrayList<>();
        for (int m = 0; m < 4; m++) {
            mosaics.add(mosaic(images.get(4 * m), images.get(4 * m + 1), images.get(4 * m + 2), images.get(4 * m + 3)));
        }
        MuscConfig plainConfig = MuscConfig.builder().model(PARITY.resolve("models/dinov2-tiny").toString())
                .layers(1, 7).degrees(1, 3).imageSize(224).build();
        ScoredSet plain;
        float[][] features;
        try (MuSc musc = MuSc.builder().config(plainConfig).build()) {
            plain = musc.scoreImages(images);
            try (NDManager scope = NDManager.newBaseManager(musc.device());
                    PatchTokens tokens = musc.extractor().extract(images.size(), images::get, scope,
                            ProgressListener.none())) {
                features = tokens.imageFeatureRows();
            }
        }
        Tiling all = Tiling.grid(2, 2, TileOverlap.NONE, TilePool.ALL);
        try (MuSc musc = MuSc.builder().config(plainConfig.toBuilder().tiling(all).build()).build()) {
            TiledSet r = musc.scoreTiledImages(mosaics);
            assertEquals(1, r.tileSets().size());
            assertEquals(16, r.tileSets().get(0).size());
            double[] expectedMax = new double[4];
            float[][] meanFeatures = new float[4][features[0].length];
            for (int m = 0; m < 4; m++) {
                expectedMax[m] = Double.NEGATIVE_INFINITY;
                for (int p = 0; p < 4; p++) {
                    int t = 4 * m + p;
                    assertArrayEquals(plain.map(t), r.tileMap(m, p), "tile " + p + " of mosaic " + m);
                    expectedMax[m] = Math.max(expectedMax[m], (float) plain.mapMax()[t]);
                    for (int d = 0; d < features[t].length; d++) {
                        meanFeatures[m][d] += features[t][d];
                    }
                }
                for (int d = 0; d < meanFeatures[m].length; d++) {
                    meanFeatures[m][d] /= 4;
                }
            }
            assertArrayEquals(expectedMax, r.mapMax());
            assertArrayEquals(Rscin.rescore(expectedMax, meanFeatures, plainConfig.rscin()), r.scores());
        }
    }

    /** A set whose configuration tiles is refused by the untiled call, and position pooling needs one grid. */
    @Test
    void tiledConfigurationIsNotScoredWhole() throws IOException {
        ParityRun run = ParityRun.load(RUN);
        List<RgbImage> images = images(run).subList(0, 3);
        try (MuSc musc = open(run, Tiling.ofSize(224, TileOverlap.NONE, TilePool.POSITION))) {
            IllegalStateException whole = assertThrows(IllegalStateException.class, () -> musc.scoreImages(images));
            assertTrue(whole.getMessage().contains("scoreTiled"), whole.getMessage());
            List<RgbImage> mixed = List.of(images.get(0), mosaic(images.get(0), images.get(1), images.get(1),
                    images.get(2)));
            IllegalArgumentException grid = assertThrows(IllegalArgumentException.class,
                    () -> musc.scoreTiledImages(mixed));
            assertTrue(grid.getMessage().startsWith("image 1 (448x448) is cut into 2x2 tiles, the first image into 1x1"),
                    grid.getMessage());
        }
    }

    private static MuSc open(ParityRun run, Tiling tiling) throws IOException {
        int[] layers = run.layers().stream().mapToInt(Integer::intValue).toArray();
        return MuSc.builder().config(MuscConfig.builder().model(PARITY.resolve("models/dinov2-tiny").toString())
                .layers(layers).imageSize(224).tiling(tiling).build()).build();
    }

    private static List<RgbImage> images(ParityRun run) throws IOException {
        List<RgbImage> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.dir().resolve("image_order.txt"))) {
            if (!line.isBlank()) {
                out.add(ImageDecoder.javaImageIo().decode(PARITY.resolve("data").resolve(line)));
            }
        }
        return out;
    }

    /** Four equal-sized images as the quadrants (top left, top right, bottom left, bottom right) of one. */
    static RgbImage mosaic(RgbImage... quadrants) {
        int w = quadrants[0].width();
        int h = quadrants[0].height();
        byte[] out = new byte[4 * w * h * 3];
        for (int q = 0; q < 4; q++) {
            int x0 = (q % 2) * w;
            int y0 = (q / 2) * h;
            for (int y = 0; y < h; y++) {
                System.arraycopy(quadrants[q].pixels(), y * w * 3, out, ((y0 + y) * 2 * w + x0) * 3, w * 3);
            }
        }
        return new RgbImage(2 * w, 2 * h, out);
    }

    /** Quadrant q of a 2w×2h map. */
    private static float[] quadrant(ImageMap m, int q) {
        int w = m.width() / 2;
        int h = m.height() / 2;
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            System.arraycopy(m.values(), ((q / 2) * h + y) * m.width() + (q % 2) * w, out, y * w, w);
        }
        return out;
    }
}
