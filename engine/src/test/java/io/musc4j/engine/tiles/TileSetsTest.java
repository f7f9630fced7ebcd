package io.musc4j.engine.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which tiles form each set, by hand: the order every runner of a tiled set follows. */
class TileSetsTest {

    /** 2×2 tiles of 10 px on 20×20. */
    private static final TileGrid FOUR = new TileGrid(20, 20, new int[] {0, 10}, new int[] {0, 10}, 10, 10);
    /** One tile, the whole 10×10 image. */
    private static final TileGrid ONE = new TileGrid(10, 10, new int[] {0}, new int[] {0}, 10, 10);
    /** 1×2 tiles of 10 px on 20×10. */
    private static final TileGrid TWO = new TileGrid(20, 10, new int[] {0, 10}, new int[] {0}, 10, 10);

    /** Three images of 2×2 tiles by position: set p holds tile p of images 0, 1, 2. */
    @Test
    void byPositionSetPHoldsTilePOfEveryImage() {
        TileSets s = TileSets.of(TilePool.POSITION, List.of(FOUR, FOUR, FOUR));
        assertEquals(4, s.count());
        assertEquals(3, s.size(3));
        assertEquals(1, s.image(2, 1));
        assertEquals(2, s.tile(2, 1));
        assertEquals(2, s.set(1, 2));
        assertEquals(1, s.member(1, 2));
        assertEquals(4, s.tiles(0));
    }

    /** Images of 4, 1 and 2 tiles all together: one set of 7, image 0's tiles at 0–3, image 1's at 4,
     *  image 2's at 5 and 6. */
    @Test
    void allTogetherImageAfterImageInTileOrder() {
        TileSets s = TileSets.of(TilePool.ALL, List.of(FOUR, ONE, TWO));
        assertEquals(1, s.count());
        assertEquals(7, s.size(0));
        int[] images = {0, 0, 0, 0, 1, 2, 2};
        int[] tiles = {0, 1, 2, 3, 0, 0, 1};
        for (int t = 0; t < 7; t++) {
            assertEquals(images[t], s.image(0, t), "image of member " + t);
            assertEquals(tiles[t], s.tile(0, t), "tile of member " + t);
            assertEquals(0, s.set(images[t], tiles[t]));
            assertEquals(t, s.member(images[t], tiles[t]));
        }
        assertEquals(2, s.tiles(2));
    }

    @Test
    void byPositionEveryImageNeedsTheSameCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TileSets.of(TilePool.POSITION, List.of(FOUR, TWO)));
        assertEquals("image 1 has 2 tiles, image 0 4; pooled by position every image needs the same grid",
                e.getMessage());
    }
}
