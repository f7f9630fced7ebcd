package io.musc4j.run;

import io.musc4j.engine.tiles.TileOverlap;
import io.musc4j.engine.tiles.TilePool;
import io.musc4j.engine.tiles.Tiling;
import java.util.function.Supplier;

/**
 * The tiling options of {@code musc run} and {@code musc serve} ({@code --tiles}, {@code --tile-size},
 * {@code --tile-overlap}, {@code --tile-pool}) as one {@link Tiling}, each bad value a one-line error
 * naming its option.
 */
public final class TilingOptions {

    private TilingOptions() {
    }

    /**
     * @param tiles RxC, or null
     * @param tileSize tile side in pixels, or null
     * @param overlap pixels ({@code 32}, {@code 32px}) or a fraction of the tile below 1, or null for the default
     * @param pool {@code position} or {@code all}, or null for {@code position}
     * @return {@link Tiling#NONE} when neither {@code tiles} nor {@code tileSize} is given
     */
    public static Tiling resolve(String tiles, Integer tileSize, String overlap, String pool) {
        if (tiles == null && tileSize == null) {
            for (String[] given : new String[][] {{"--tile-overlap", overlap}, {"--tile-pool", pool}}) {
                if (given[1] != null) {
                    throw new IllegalArgumentException(given[0] + " needs --tiles RxC or --tile-size PX");
                }
            }
            return Tiling.NONE;
        }
        if (tiles != null && tileSize != null) {
            throw new IllegalArgumentException("--tiles and --tile-size: give one of them");
        }
        TileOverlap o = overlap == null ? TileOverlap.DEFAULT : option("--tile-overlap", () -> TileOverlap.parse(overlap));
        TilePool p = pool == null ? TilePool.POSITION : option("--tile-pool", () -> TilePool.parse(pool));
        if (tileSize != null) {
            return option("--tile-size", () -> Tiling.ofSize(tileSize, o, p));
        }
        int[] grid = option("--tiles", () -> Tiling.parseGrid(tiles));
        return option("--tiles", () -> Tiling.grid(grid[0], grid[1], o, p));
    }

    private static <T> T option(String name, Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }
}
