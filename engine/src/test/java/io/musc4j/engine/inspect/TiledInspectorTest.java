package io.musc4j.engine.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.common.image.ImageDecoder;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
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

/**
 * A tiled part against its positions' banks: each tile is inspected exactly as a plain inspector fed only
 * that position's tiles inspects it; the part's map is stitched from its tiles' maps, its score is that
 * map's maximum, its verdict is anomalous when a tile is, and its regions are its tiles' moved into the
 * part's pixels.
 */
class TiledInspectorTest {

    private static final Path PARITY = Path.of(System.getProperty("musc4j.testdata"), "parity");

    @Test
    void eachPositionIsInspectedAgainstItsOwnBank() throws IOException {
        List<RgbImage> images = new ArrayList<>();
        for (String line : Files.readAllLines(PARITY.resolve("runs/brick_dinov2-tiny_r135_k123/image_order.txt"))) {
            if (!line.isBlank()) {
                images.add(ImageDecoder.javaImageIo().decode(PARITY.resolve("data").resolve(line)));
            }
        }
        // 4 parts of 2x2 different fixture images; the last part's top-left quadrant is a defect
        List<RgbImage> parts = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            parts.add(mosaic(images.get(k == 3 ? 0 : 3 + k), images.get(6 + k), images.get(9 + k), images.get(12 + k)));
        }
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
            IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                    () -> inspector.inspect(images.get(0)));
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

    @Test
    void onlyATilingMuScPooledByPositionTakesATiledInspector() throws IOException {
        MuscConfig all = MuscConfig.builder().model(PARITY.resolve("models/dinov2-tiny").toString()).imageSize(112)
                .layers(1, 3).tiling(Tiling.grid(2, 2, TileOverlap.NONE, TilePool.ALL)).build();
        try (MuSc musc = MuSc.builder().config(all).build()) {
            assertEquals("a tiled inspector needs a MuSc instance that tiles, pooled by position; its tiling is 2x2"
                    + " overlap 0px pool all", assertThrows(IllegalArgumentException.class,
                            () -> Inspector.builder(musc).buildTiled()).getMessage());
        }
    }

    private static RgbImage mosaic(RgbImage... quadrants) {
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
