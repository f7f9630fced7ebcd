package io.musc4j.engine;

import io.musc4j.engine.maps.ImageMap;
import io.musc4j.engine.tiles.TileGrid;
import io.musc4j.engine.tiles.TilePool;
import io.musc4j.engine.tiles.TileSets;
import io.musc4j.engine.tiles.Tiling;
import java.util.List;

/**
 * The result of scoring a set of N images cut into tiles ({@link MuscPipeline#scoreTiled}): per image its
 * tile grid, its map stitched from its tiles' maps at the image's own size ({@link TileGrid#stitch}),
 * the image score before RsCIN (that map's maximum) and the final score (RsCIN over the images, each
 * image's feature the mean of its tiles' features). The tile sets' results are kept as the pipeline
 * gave them, in {@link TileSets} order: {@link TilePool#POSITION} R·C sets of N tiles (set p holds
 * tile p of every image, in image order), {@link TilePool#ALL} one set of N·R·C tiles (image k's tiles
 * after those of images 0..k−1, in tile order).
 */
public final class TiledSet {

    private final Tiling tiling;
    private final List<TileGrid> grids;
    private final List<ScoredSet> sets;
    private final int size;
    private final double[] mapMax;
    private final float[] scores;
    /** Which set holds each tile, and where. */
    private final TileSets layout;

    TiledSet(Tiling tiling, List<TileGrid> grids, List<ScoredSet> sets, int size, double[] mapMax, float[] scores) {
        this.tiling = tiling;
        this.grids = List.copyOf(grids);
        this.sets = List.copyOf(sets);
        this.size = size;
        this.mapMax = mapMax;
        this.scores = scores;
        this.layout = TileSets.of(tiling.pool(), grids);
    }

    /** How the images were cut and pooled. */
    public Tiling tiling() {
        return tiling;
    }

    /** Number of images N. */
    public int size() {
        return grids.size();
    }

    /** Side S of the tiles' network maps. */
    public int imageSize() {
        return size;
    }

    /** Image {@code i}'s tiles. */
    public TileGrid grid(int i) {
        return grids.get(i);
    }

    /** The tile sets as MuSc scored them (see the class comment for their order). */
    public List<ScoredSet> tileSets() {
        return sets;
    }

    /** Tile {@code p} of image {@code i}: its S×S map, as its tile set gave it. */
    public float[] tileMap(int i, int p) {
        return sets.get(layout.set(i, p)).map(layout.member(i, p));
    }

    /** Image {@code i}'s map at its own size, stitched from its tiles' maps (made on each call: one image's
     *  map at a time). */
    public ImageMap map(int i) {
        return grids.get(i).stitch(p -> tileMap(i, p), size);
    }

    /** Each image's stitched map's maximum, the image score before RsCIN, in input order. */
    public double[] mapMax() {
        return mapMax.clone();
    }

    /** Final image scores, in input order: RsCIN over the images, or {@link #mapMax()} as float32 when off. */
    public float[] scores() {
        return scores.clone();
    }
}
