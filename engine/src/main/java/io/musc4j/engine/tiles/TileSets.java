package io.musc4j.engine.tiles;

import java.util.Arrays;
import java.util.List;

/**
 * Which tiles form each MuSc set of a tiled run, by {@link TilePool}: pooled by position, set p holds
 * tile p of every image in image order (R·C sets of N); pooled all together, one set of every image's
 * tiles, image k's after those of images 0..k−1, in tile order. A set's members are numbered in that
 * order; member t of set s is tile {@link #tile}(s, t) of image {@link #image}(s, t). Every runner of
 * a tiled set (the local run, a cluster's blocks) orders its tiles by it, so their maps and features
 * line up.
 */
public final class TileSets {

    private final TilePool pool;
    private final int images;
    private final int perImage;
    /** Pooled all together: where image k's first tile is in the one set (N + 1 entries). */
    private final int[] first;

    private TileSets(TilePool pool, int images, int perImage, int[] first) {
        this.pool = pool;
        this.images = images;
        this.perImage = perImage;
        this.first = first;
    }

    /**
     * The sets of images cut by {@code grids} (image k's grid at k).
     *
     * @throws IllegalArgumentException pooled by position, when the grids do not all have the same count
     */
    public static TileSets of(TilePool pool, List<TileGrid> grids) {
        if (grids.isEmpty()) {
            throw new IllegalArgumentException("no images to cut into tiles");
        }
        int[] first = new int[grids.size() + 1];
        for (int k = 0; k < grids.size(); k++) {
            first[k + 1] = first[k] + grids.get(k).count();
            if (pool == TilePool.POSITION && grids.get(k).count() != grids.get(0).count()) {
                throw new IllegalArgumentException("image " + k + " has " + grids.get(k).count() + " tiles, image 0 "
                        + grids.get(0).count() + "; pooled by position every image needs the same grid");
            }
        }
        return new TileSets(pool, grids.size(), grids.get(0).count(), first);
    }

    /** How many sets: R·C pooled by position, 1 pooled all together. */
    public int count() {
        return pool == TilePool.POSITION ? perImage : 1;
    }

    /** Tiles in set {@code set}: N pooled by position, all N·R·C pooled all together. */
    public int size(int set) {
        return pool == TilePool.POSITION ? images : first[images];
    }

    /** The image that member {@code member} of set {@code set} is a tile of. */
    public int image(int set, int member) {
        if (pool == TilePool.POSITION) {
            return member;
        }
        int k = Arrays.binarySearch(first, member);
        // not a first tile: the image whose tiles start before it
        return k >= 0 ? k : -k - 2;
    }

    /** Which of its image's tiles member {@code member} of set {@code set} is. */
    public int tile(int set, int member) {
        return pool == TilePool.POSITION ? set : member - first[image(set, member)];
    }

    /** The set that holds tile {@code tile} of image {@code image}. */
    public int set(int image, int tile) {
        return pool == TilePool.POSITION ? tile : 0;
    }

    /** Where tile {@code tile} of image {@code image} is in its set. */
    public int member(int image, int tile) {
        return pool == TilePool.POSITION ? image : first[image] + tile;
    }

    /** Tiles of image {@code image}. */
    public int tiles(int image) {
        return first[image + 1] - first[image];
    }
}
