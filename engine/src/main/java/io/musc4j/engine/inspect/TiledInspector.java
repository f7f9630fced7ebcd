package io.musc4j.engine.inspect;

import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.maps.ImageMap;
import io.musc4j.engine.tiles.TileGrid;
import io.musc4j.engine.tiles.Tiling;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@link Inspector} for parts cut into tiles, pooled by position: each part is cut as the MuSc
 * instance's {@link Tiling} says, and the tile at grid position p is inspected by the inspector of
 * position p, whose bank holds the tiles at p of the earlier parts. The bank and the runs of a tiled
 * {@code musc run} pooled by position compare the same things: a region of a part with the same region
 * of the other parts.
 *
 * <p>A part's map is stitched from its tiles' maps at its own size ({@link TileGrid#stitch}, the mean
 * where tiles overlap) and its score is that map's maximum, as in a tiled batch run. Each position keeps
 * its own label-free threshold (a position over a connector and one over bare board score on different
 * scales, and one threshold for all would be set by the busiest); a part is {@link Verdict#ANOMALOUS}
 * when any of its tiles is, {@link Verdict#WARMING_UP} while the positions warm up (they do together),
 * else {@link Verdict#NORMAL}; its regions are its anomalous tiles' regions moved into the part's
 * pixels. Every part must have the size of the first (so that it has the same grid). Pooling all tiles
 * into one bank ({@code all}) is not available, nor are save and restore.
 */
public final class TiledInspector implements AutoCloseable {

    /**
     * One tiled part's inspection.
     *
     * @param score the stitched map's maximum
     * @param map the part's map at its own size, stitched from its tiles'
     * @param verdict ANOMALOUS when a tile is, WARMING_UP while the banks fill, else NORMAL
     * @param regions the anomalous tiles' regions, in the part's pixels
     * @param grid where the tiles lie
     * @param tiles each tile's inspection against its position's bank, in tile order
     */
    public record TiledInspection(double score, ImageMap map, Verdict verdict, List<Region> regions, TileGrid grid,
            List<Inspection> tiles) {

        public TiledInspection {
            regions = List.copyOf(regions);
            tiles = List.copyOf(tiles);
        }
    }

    private final Tiling tiling;
    private final int size;
    private final Supplier<Inspector> positions;
    private final List<Inspector> inspectors = new ArrayList<>();
    private TileGrid grid;

    TiledInspector(Tiling tiling, int size, Supplier<Inspector> positions) {
        this.tiling = tiling;
        this.size = size;
        this.positions = positions;
    }

    /**
     * Inspects one part: its tiles against their positions' banks, then each joins its bank.
     *
     * @throws IllegalArgumentException when the part's size differs from the first part's
     */
    public synchronized TiledInspection inspect(RgbImage part) {
        if (grid == null) {
            grid = tiling.grid(part.width(), part.height());
            for (int p = 0; p < grid.count(); p++) {
                inspectors.add(positions.get());
            }
        } else if (part.width() != grid.width() || part.height() != grid.height()) {
            throw new IllegalArgumentException("a part of " + part.width() + "x" + part.height() + " is not the size of"
                    + " the first part, " + grid.width() + "x" + grid.height() + ", whose tiles the banks hold");
        }
        List<Inspection> tiles = new ArrayList<>(grid.count());
        for (int p = 0; p < grid.count(); p++) {
            tiles.add(inspectors.get(p).inspect(grid.crop(part, p)));
        }
        ImageMap map = grid.stitch(p -> tiles.get(p).map(), size);
        Verdict verdict = Verdict.NORMAL;
        List<Region> regions = new ArrayList<>();
        for (int p = 0; p < tiles.size(); p++) {
            Inspection t = tiles.get(p);
            if (t.verdict() == Verdict.WARMING_UP) {
                verdict = Verdict.WARMING_UP;
            } else if (t.verdict() == Verdict.ANOMALOUS && verdict != Verdict.WARMING_UP) {
                verdict = Verdict.ANOMALOUS;
            }
            int x = grid.x(p);
            int y = grid.y(p);
            for (Region r : t.regions()) {
                Region.Box b = r.box();
                regions.add(new Region(new Region.Box(b.x0() + x, b.y0() + y, b.x1() + x, b.y1() + y), r.area(),
                        r.peak()));
            }
        }
        return new TiledInspection(map.max(), map, verdict, regions, grid, tiles);
    }

    /** Parts in each position's bank. */
    public synchronized int bankSize() {
        return inspectors.isEmpty() ? 0 : inspectors.get(0).bankSize();
    }

    /** Frees every position's bank. */
    @Override
    public synchronized void close() {
        inspectors.forEach(Inspector::close);
    }
}
