package io.musc4j.engine.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.common.image.ImageDecoder;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.ScoredSet;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.engine.threshold.ThresholdRule;
import io.musc4j.engine.tiles.TileGrid;
import io.musc4j.engine.tiles.TileOverlap;
import io.musc4j.engine.tiles.TilePool;
import io.musc4j.engine.tiles.Tiling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tiled part against its positions' banks: each tile is inspected exactly as a plain inspector fed only
 * that position's tiles inspects it; the part's map is stitched from its tiles' maps, its score is that
 * map's maximum, its verdict is anomalous when a tile is, and its regions are its tiles' moved into the
 * part's pixels. Pooled all together: each tile scored as MuSc scores it among the bank's tiles and its
 * part's.
 */
class TiledInspectorTest {

    static final Path PARITY = Path.of(System.getProperty("musc4j.testdata"), "parity");
    /** As the inspector's own test against MuSc: the same float32 distances, summed in another order. */
    private static final double TOLERANCE = 1e-5;

    @Test
    void eachPositionIsInspectedAgainstItsOwnBank() throws IOException {
        List<RgbImage> parts = fourParts();
        Tiling tiling = Tiling.grid(2, 2, TileOverlap.NONE, TilePool.POSITION);
        MuscConfig plain = MuscConfig.builder().model(PARITY.resolve("models/dinov2-tiny").toString()).imageSize(224)
                .layers(1, 3, 5, 7).build();
        List<TiledInspector.TiledInspection> tiled = new ArrayList<>();
        try (MuSc musc = MuSc.builder().config(plain.toBuilder().tiling(tiling).build()).build();
                TiledInspector inspector = Inspector.builder(musc).bankSize(4).warmUp(2).threshold(0.0).buildTiled()) {
            for (RgbImage part : parts) {
                tiled.add(inspector.inspect(part));
            }
            assertEquals(4, inspector.bankSize());
            PartSizeException other = assertThrows(PartSizeException.class,
                    () -> inspector.inspect(grid(parts.get(0)).crop(parts.get(0), 0)));
            assertTrue(other.getMessage().startsWith("a part of 224x224 is not the size of the first part, 448x448"),
                    other.getMessage());
        }
        try (MuSc musc = MuSc.builder().config(plain).build()) {
            for (int p = 0; p < 4; p++) {
                try (Inspector position = Inspector.builder(musc).bankSize(4).warmUp(2).threshold(0.0).build()) {
                    for (int k = 0; k < parts.size(); k++) {
                        TileGrid grid = tiled.get(k).grid();
                        Inspection expected = position.inspect(grid.crop(parts.get(k), p));
                        Inspection actual = tiled.get(k).tiles().get(p);
                        assertEquals(expected.score(), actual.score(), "part " + k + " tile " + p);
                        assertArrayEquals(expected.map(), actual.map(), "part " + k + " tile " + p);
                        assertEquals(expected.verdict(), actual.verdict());
                    }
                }
            }
        }
        assertTrue(Double.isNaN(tiled.get(0).score()), "the first part has nothing to be compared with");
        for (int k = 1; k < parts.size(); k++) {
            TiledInspector.TiledInspection t = tiled.get(k);
            assertEquals(t.map().max(), t.score());
            double best = Double.NEGATIVE_INFINITY;
            boolean anomalous = false;
            boolean warming = false;
            int regions = 0;
            for (int p = 0; p < 4; p++) {
                Inspection tile = t.tiles().get(p);
                best = Math.max(best, (float) tile.score());
                anomalous |= tile.verdict() == Verdict.ANOMALOUS;
                warming |= tile.verdict() == Verdict.WARMING_UP;
                for (Region r : tile.regions()) {
                    Region moved = t.regions().get(regions++);
                    assertEquals(r.box().x0() + t.grid().x(p), moved.box().x0());
                    assertEquals(r.box().y1() + t.grid().y(p), moved.box().y1());
                }
                // no overlap and tiles of S: each quadrant of the part's map is its tile's map
                for (int y = 0; y < 224; y++) {
                    for (int x = 0; x < 224; x++) {
                        assertEquals(tile.map()[y * 224 + x],
                                t.map().values()[(t.grid().y(p) + y) * 448 + t.grid().x(p) + x]);
                    }
                }
            }
            assertEquals(regions, t.regions().size());
            assertEquals(best, t.score(), "the score is the stitched map's maximum, the largest tile maximum here");
            assertEquals(warming ? Verdict.WARMING_UP : anomalous ? Verdict.ANOMALOUS : Verdict.NORMAL, t.verdict());
        }
        assertEquals(Verdict.WARMING_UP, tiled.get(1).verdict(), "warm-up 2: the first two parts fill the banks");
        assertEquals(Verdict.ANOMALOUS, tiled.get(3).verdict(), "threshold 0: every judged tile is anomalous");
        assertTrue(!tiled.get(3).regions().isEmpty());
    }

    /**
     * Pooled all together, a tile is scored as MuSc scores it as an image in the set of the bank's tiles
     * and its part's tiles (the batch run's all pool over those parts): for each part of a sequence, each
     * tile's map and score equal those of a plain MuSc run over the tiles of the parts in the bank and of
     * the part, the part's tile among them. The bank holds 2 parts (8 tiles) and evicts the oldest part
     * whole; the one threshold is the rule on the tile scores: at warm-up those of the bank's 8 tiles
     * scored mutually, then each admitted tile's. Degrees 1, 3: a bank per layer; degree 3 alone: per pass.
     */
    @ParameterizedTest(name = "degrees {0}")
    @ValueSource(strings = {"1 3", "3"})
    void pooledAllTogetherEachTileIsScoredAsMuScScoresItWithTheBanksTilesAndItsPartsOtherTiles(String degrees)
            throws IOException {
        List<RgbImage> parts = fourParts();
        int[] r = java.util.Arrays.stream(degrees.split(" ")).mapToInt(Integer::parseInt).toArray();
        MuscConfig plain = MuscConfig.builder().model(PARITY.resolve("models/dinov2-tiny").toString()).imageSize(112)
                .layers(1, 3, 5).degrees(r).rscin(RscinWindows.off()).build();
        Tiling tiling = Tiling.grid(2, 2, TileOverlap.NONE, TilePool.ALL);
        List<TiledInspector.TiledInspection> tiled = new ArrayList<>();
        try (MuSc musc = MuSc.builder().config(plain.toBuilder().tiling(tiling).build()).build();
                TiledInspector inspector = Inspector.builder(musc).bankSize(2).warmUp(2).madFactor(1.0).buildTiled()) {
            int grid = musc.backboneSpec().grid(112);
            assertEquals(r.length > 1, musc.pipeline().scoresLayers(8, grid, grid, musc.backboneSpec().hiddenSize(),
                    musc.device()), "the bank's form this case is meant to cover");
            for (RgbImage part : parts) {
                tiled.add(inspector.inspect(part));
            }
            assertEquals(2, inspector.bankSize());
            assertEquals(4, inspector.inspected());
        }
        ThresholdRule rule = new ThresholdRule(ThresholdRule.Kind.MAD, 1.0);
        List<Double> window = new ArrayList<>();
        try (MuSc musc = MuSc.builder().config(plain).build()) {
            for (int k = 0; k < parts.size(); k++) {
                TileGrid grid = tiled.get(k).grid();
                List<RgbImage> set = new ArrayList<>();
                for (int b = Math.max(0, k - 2); b <= k; b++) {
                    for (int p = 0; p < 4; p++) {
                        set.add(grid.crop(parts.get(b), p));
                    }
                }
                ScoredSet ref = musc.scoreImages(set);
                int first = set.size() - 4;
                double err = 0;
                for (int p = 0; p < 4; p++) {
                    Inspection tile = tiled.get(k).tiles().get(p);
                    assertEquals(first, tile.bankParts(), "part " + k + ": tiles in the bank");
                    assertEquals(k + 1, tile.sequence());
                    err = Math.max(err, Math.abs(tile.score() - ref.mapMax()[first + p]));
                    float[] map = ref.map(first + p);
                    for (int i = 0; i < map.length; i++) {
                        err = Math.max(err, Math.abs(tile.map()[i] - map[i]));
                    }
                }
                assertTrue(err <= TOLERANCE, "part " + k + " differs from MuSc over the tiles by " + err);
                TiledInspector.TiledInspection t = tiled.get(k);
                if (k < 2) {
                    assertEquals(Verdict.WARMING_UP, t.verdict());
                } else {
                    double threshold = rule.apply(window.stream().mapToDouble(Double::doubleValue).toArray());
                    boolean anomalous = false;
                    for (Inspection tile : t.tiles()) {
                        assertEquals(threshold, tile.threshold(), 1e-4, "part " + k + ": the pool's one threshold");
                        anomalous |= tile.score() > tile.threshold();
                    }
                    assertEquals(anomalous ? Verdict.ANOMALOUS : Verdict.NORMAL, t.verdict());
                }
                // the window after the part: seeded at warm-up with the bank's tiles scored mutually (MuSc on the
                // 8 tiles of parts 0 and 1), then each admitted tile's score, the last 8 kept
                if (k == 1) {
                    for (double s : ref.mapMax()) {
                        window.add(s);
                    }
                } else if (k > 1) {
                    for (int p = 0; p < 4; p++) {
                        window.add(ref.mapMax()[first + p]);
                        window.remove(0);
                    }
                }
                assertEquals(t.map().max(), t.score());
            }
        }
    }

    /** 4 parts of 2x2 different fixture images; the last part's top-left quadrant is a defect. */
    static List<RgbImage> fourParts() throws IOException {
        List<RgbImage> images = new ArrayList<>();
        for (String line : Files.readAllLines(PARITY.resolve("runs/brick_dinov2-tiny_r135_k123/image_order.txt"))) {
            if (!line.isBlank()) {
                images.add(ImageDecoder.javaImageIo().decode(PARITY.resolve("data").resolve(line)));
            }
        }
        List<RgbImage> parts = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            parts.add(mosaic(images.get(k == 3 ? 0 : 3 + k), images.get(6 + k), images.get(9 + k), images.get(12 + k)));
        }
        return parts;
    }

    @Test
    void onlyAMuScThatTilesTakesATiledInspector() throws IOException {
        MuscConfig whole = MuscConfig.builder().model(PARITY.resolve("models/dinov2-tiny").toString()).imageSize(112)
                .layers(1, 3).build();
        try (MuSc musc = MuSc.builder().config(whole).build()) {
            assertEquals("a tiled inspector needs a MuSc instance that tiles; its tiling is off",
                    assertThrows(IllegalArgumentException.class, () -> Inspector.builder(musc).buildTiled()).getMessage());
        }
    }

    private static TileGrid grid(RgbImage part) {
        return Tiling.grid(2, 2, TileOverlap.NONE, TilePool.POSITION).grid(part.width(), part.height());
    }

    static RgbImage mosaic(RgbImage... quadrants) {
        int w = quadrants[0].width();
        int h = quadrants[0].height();
        byte[] out = new byte[4 * w * h * 3];
        for (int q = 0; q < 4; q++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(quadrants[q].pixels(), y * w * 3, out, (((q / 2) * h + y) * 2 * w + (q % 2) * w) * 3,
                        w * 3);
            }
        }
        return new RgbImage(2 * w, 2 * h, out);
    }
}
