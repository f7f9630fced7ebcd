package io.musc4j.engine.tiles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.maps.ImageMap;
import org.junit.jupiter.api.Test;

/** Where tiles lie, how their maps are stitched, and how the options are checked and recorded. */
class TilingTest {

    @Test
    void gridWithoutOverlapCutsEqualTiles() {
        TileGrid g = Tiling.grid(2, 2, TileOverlap.NONE, TilePool.POSITION).grid(448, 448);
        assertEquals(224, g.tileWidth());
        assertEquals(224, g.tileHeight());
        assertArrayEquals(new int[] {0, 224}, g.xs());
        assertArrayEquals(new int[] {0, 224}, g.ys());
        assertEquals(224, g.x(3));
        assertEquals(224, g.y(2));
        assertEquals(0, g.y(1));
    }

    /** 3 columns over 1000 px with 20 px overlap: side ⌈(1000 + 2·20)/3⌉ = 347, starts 0, round(653/2) = 327,
     *  653; 600 px rows with a quarter: side ⌈600/(2 − 0.25)⌉ = 343, starts 0 and 257. */
    @Test
    void overlapInPixelsOrAsAFractionByHand() {
        TileGrid g = Tiling.grid(1, 3, TileOverlap.parse("20px"), TilePool.POSITION).grid(1000, 50);
        assertEquals(347, g.tileWidth());
        assertArrayEquals(new int[] {0, 327, 653}, g.xs());
        assertEquals(50, g.tileHeight());
        TileGrid f = Tiling.grid(2, 1, TileOverlap.parse("0.25"), TilePool.ALL).grid(10, 600);
        assertEquals(343, f.tileHeight());
        assertArrayEquals(new int[] {0, 257}, f.ys());
    }

    /** Tiles of 224 on 2048 px without overlap: 1 + ⌈1824/224⌉ = 10 per side, starts round(i·1824/9); an
     *  image smaller than the tile is one tile of its own size. */
    @Test
    void tileSizeDerivesTheGridFromTheImage() {
        TileGrid g = Tiling.ofSize(224, TileOverlap.NONE, TilePool.POSITION).grid(2048, 100);
        assertEquals(10, g.cols());
        assertEquals(1, g.rows());
        assertEquals(224, g.tileWidth());
        assertEquals(100, g.tileHeight());
        assertEquals(203, g.xs()[1]);
        assertEquals(2048 - 224, g.xs()[9]);
    }

    @Test
    void cropCopiesTheTilesPixels() {
        byte[] px = new byte[4 * 2 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) i;
        }
        RgbImage tile = Tiling.grid(1, 2, TileOverlap.NONE, TilePool.POSITION).grid(4, 2).crop(new RgbImage(4, 2, px), 1);
        // pixels (2,0) (3,0) (2,1) (3,1): bytes 6..11 and 18..23
        assertArrayEquals(new byte[] {6, 7, 8, 9, 10, 11, 18, 19, 20, 21, 22, 23}, tile.pixels());
    }

    /** An image of 6×4 in two 4×4 tiles overlapping by 2 px (starts 0 and 2), S = 4 so each tile's map is
     *  its own: tile 0 holds x, tile 1 holds 10 + x. Columns 0–1 come from tile 0, 4–5 from tile 1, and
     *  2–3 are the mean: (2 + 10)/2 = 6 and (3 + 11)/2 = 7. */
    @Test
    void overlappingTilesBlendToTheirMean() {
        TileGrid g = Tiling.grid(1, 2, TileOverlap.parse("2px"), TilePool.POSITION).grid(6, 4);
        assertArrayEquals(new int[] {0, 2}, g.xs());
        float[][] tiles = new float[2][16];
        for (int p = 0; p < 16; p++) {
            tiles[0][p] = p % 4;
            tiles[1][p] = 10 + p % 4;
        }
        ImageMap m = g.stitch(k -> tiles[k], 4);
        assertEquals(6, m.width());
        assertEquals(4, m.height());
        for (int y = 0; y < 4; y++) {
            assertArrayEquals(new float[] {0, 1, 6, 7, 12, 13}, java.util.Arrays.copyOfRange(m.values(), y * 6, y * 6 + 6));
        }
        assertEquals(13f, m.max());
    }

    /** Without overlap each pixel is its tile's map read back to the tile's size, nothing else. */
    @Test
    void withoutOverlapEachTileIsItsReadBackMap() {
        TileGrid g = Tiling.grid(2, 2, TileOverlap.NONE, TilePool.POSITION).grid(10, 6);
        float[][] tiles = new float[4][4];
        for (int k = 0; k < 4; k++) {
            for (int p = 0; p < 4; p++) {
                tiles[k][p] = k * 10 + p * 1.5f;
            }
        }
        ImageMap m = g.stitch(k -> tiles[k], 2);
        for (int k = 0; k < 4; k++) {
            float[] own = ImageMap.fromNetwork(tiles[k], 2, 5, 3).values();
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 5; x++) {
                    assertEquals(own[y * 5 + x], m.values()[(g.y(k) + y) * 10 + g.x(k) + x], "tile " + k);
                }
            }
        }
    }

    @Test
    void badOptionsGetOneLine() {
        assertEquals("tiles must be RxC (rows x columns, e.g. 4x4), got '4'",
                assertThrows(IllegalArgumentException.class, () -> Tiling.parseGrid("4")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TileOverlap.parse("1.5")).getMessage()
                .contains("whole number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TileOverlap.parse("wide")).getMessage()
                .contains("'wide'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TilePool.parse("rows")).getMessage()
                .contains("position or all"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tiling.grid(0, 2, TileOverlap.NONE,
                TilePool.ALL)).getMessage().contains("at least 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tiling.grid(1, 2, TileOverlap.parse("700px"),
                TilePool.ALL).grid(600, 10)).getMessage().contains("do not fit in 600 px"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tiling.ofSize(100, TileOverlap.parse("100px"),
                TilePool.ALL).grid(600, 10)).getMessage().contains("not smaller than the tile"));
        for (String s : new String[] {"1x1", "1X3"}) {
            Tiling.parseGrid(s);
        }
    }

    /** The tile options are configuration: they change the description a resumed run compares, and are
     *  read back from it; an untiled configuration's description has no tile key at all. */
    @Test
    void tilesArePartOfTheDescription() {
        MuscConfig plain = MuscConfig.builder().build();
        assertTrue(!plain.describe().contains("tiles"), plain.describe());
        for (Tiling t : new Tiling[] {Tiling.grid(2, 3, TileOverlap.parse("16px"), TilePool.POSITION),
                Tiling.ofSize(224, TileOverlap.DEFAULT, TilePool.ALL)}) {
            MuscConfig c = MuscConfig.builder().tiling(t).build();
            assertTrue(!c.describe().equals(plain.describe()));
            assertEquals(t, MuscConfig.parse(c.describe()).tiling());
            assertEquals(c.describe(), MuscConfig.parse(c.describe()).describe());
        }
        assertTrue(!MuscConfig.builder().tiling(Tiling.grid(2, 2, TileOverlap.NONE, TilePool.POSITION)).build()
                .describe().equals(MuscConfig.builder().tiling(Tiling.grid(2, 2, TileOverlap.NONE, TilePool.ALL))
                        .build().describe()));
    }
}
