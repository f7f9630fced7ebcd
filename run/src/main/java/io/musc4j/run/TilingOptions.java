package io.musc4j.run;

import io.musc4j.engine.tiles.TileOverlap;
import io.musc4j.engine.tiles.TilePool;
import io.musc4j.engine.tiles.Tiling;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * The tiling options of {@code musc run} and {@code musc serve} (a picocli mixin of both): {@code --tiles},
 * {@code --tile-size}, {@code --tile-overlap}, {@code --tile-pool}, resolved into one {@link Tiling}, each
 * bad value a one-line error naming its option.
 */
public final class TilingOptions {

    @Option(names = "--tiles", paramLabel = "RxC", description = "Cut each image into R rows of C tiles, each scored "
            + "at --image-size (small defects in large images); maps and region boxes come back at the image's own size.")
    String tiles;

    @Option(names = "--tile-size", paramLabel = "PX", description = "Instead of --tiles: tiles of PX pixels per side, "
            + "as many as cover the image.")
    Integer tileSize;

    @Option(names = "--tile-overlap", paramLabel = "X", description = "Overlap of neighbouring tiles: pixels (32, 32px) "
            + "or a fraction of the tile below 1 (default: 0.125); overlapping maps are averaged.")
    String tileOverlap;

    @Option(names = "--tile-pool", paramLabel = "POOL", description = "position: each tile is compared with the tiles "
            + "at its grid position only (parts photographed in place; musc run: R*C sets of N tiles); all: with every "
            + "tile (textures, parts in any position; one set of R*C*N) (default: position).")
    String tilePool;

    /** Whether {@code --tiles} or {@code --tile-size} was given. */
    public boolean tiled() {
        return tiles != null || tileSize != null;
    }

    /** The options given, as one tiling; {@link Tiling#NONE} without {@code --tiles} or {@code --tile-size}. */
    public Tiling tiling() {
        return resolve(tiles, tileSize, tileOverlap, tilePool);
    }

    /**
     * A configuration file's entry over these options: its own tiles or tile size replace the command
     * line's tiling, its own overlap and pool replace those options; what it leaves out comes from them.
     */
    public Tiling under(String ownTiles, Integer ownTileSize, String ownOverlap, String ownPool) {
        boolean own = ownTiles != null || ownTileSize != null;
        return resolve(own ? ownTiles : tiles, own ? ownTileSize : tileSize,
                ownOverlap != null ? ownOverlap : tileOverlap, ownPool != null ? ownPool : tilePool);
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
        return OneLineErrors.prefixed(name + ": ", step);
    }
}
