package io.musc4j.engine.inspect;

import io.musc4j.common.image.RgbImage;
import io.musc4j.common.io.AtomicFiles;
import io.musc4j.engine.maps.ImageMap;
import io.musc4j.engine.tiles.TileGrid;
import io.musc4j.engine.tiles.TilePool;
import io.musc4j.engine.tiles.Tiling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The {@link Inspector} for parts cut into tiles: each part is cut as the MuSc instance's {@link Tiling}
 * says (every part must have the size of the first, so that it has the same grid), and its tiles are
 * inspected against banks of the earlier parts' tiles, pooled as the tiling says, the way a tiled
 * {@code musc run} pools them.
 *
 * <ul>
 *   <li><b>{@code position}</b>: the tile at grid position p is inspected by the inspector of position p,
 *       whose bank holds the tiles at p of the earlier parts: a region of a part is compared with the same
 *       region of the other parts. Each position keeps its own label-free threshold (a position over a
 *       connector and one over bare board score on different scales, and one threshold for all would be
 *       set by the busiest).</li>
 *   <li><b>{@code all}</b>: one bank holds every tile of the earlier parts, and each tile of a new part is
 *       scored against all of them, whatever their position, and against the part's other tiles (never
 *       itself), exactly as the batch run's set of every tile scores it: a tile's map and score are those
 *       MuSc gives it scored as an image together with the bank's tiles and its part's other tiles. A
 *       part's own tiles are references for each other because they are in the batch run, and a texture's
 *       other regions are what a region of it is judged by; the first part is so scored already (against
 *       its R·C − 1 other tiles). {@link Inspector.Builder#bankSize bankSize(M)} counts parts: the bank holds
 *       M·R·C tiles and, as every tile is admitted (the default), evicts the oldest part's R·C tiles at a
 *       time; {@link Inspector.Builder#warmUp warmUp(W)} counts parts too (W·R·C tiles). One label-free
 *       threshold for the pool, as all tiles share one scale there: its reference scores are tile scores,
 *       at warm-up the W·R·C tiles of the bank scored mutually (the batch run's all pool on the first W
 *       parts), then each admitted tile's. With {@code admitAnomalous(false)} a tile judged anomalous stays
 *       out of the bank, as in the position pool.</li>
 * </ul>
 *
 * <p>A part's map is stitched from its tiles' maps at its own size ({@link TileGrid#stitch}, the mean
 * where tiles overlap) and its score is that map's maximum, as in a tiled batch run. A part is
 * {@link Verdict#ANOMALOUS} when any of its tiles is (a tile's score above its bank's threshold),
 * {@link Verdict#WARMING_UP} while the banks warm up (they do together), else {@link Verdict#NORMAL}; its
 * regions are its anomalous tiles' regions moved into the part's pixels.
 *
 * <p><b>Failing closed.</b> A part with a tile whose features or score are not finite throws
 * {@link NonFiniteScoreException}, as a plain inspector does, and no bank takes any of its tiles: every
 * position judges its tile before any is admitted, so the banks stay in step.
 *
 * <p><b>Restarts.</b> {@link #save} writes the tiling, the first part's size and every bank with its
 * threshold's reference window into a folder ({@link TiledInspectorState}, each bank as an
 * {@link Inspector} saves its own), atomically; {@link #restore} carries on from it bit for bit, and
 * refuses, in one line naming the file and the first setting that differs, a state saved under another
 * tiling, model or configuration.
 */
public final class TiledInspector implements LineInspector {

    /**
     * One tiled part's inspection.
     *
     * @param score the stitched map's maximum; NaN for the first part, which has nothing to be compared with
     * @param map the part's map at its own size, stitched from its tiles'
     * @param verdict ANOMALOUS when a tile is, WARMING_UP while the banks fill, else NORMAL
     * @param regions the anomalous tiles' regions, in the part's pixels
     * @param grid where the tiles lie
     * @param bankParts parts in the banks the part was judged against, as {@link #bankSize} counts them
     * @param tiles each tile's inspection against its bank, in tile order; its sequence is the part's, and
     *     pooled all together its {@link Inspection#bankParts} counts the bank's tiles
     */
    public record TiledInspection(double score, ImageMap map, Verdict verdict, List<Region> regions, TileGrid grid,
            int bankParts, List<Inspection> tiles) {

        public TiledInspection {
            regions = List.copyOf(regions);
            tiles = List.copyOf(tiles);
        }
    }

    private final Tiling tiling;
    private final int size;
    /** A new bank's inspector for parts of this many tiles. */
    private final IntFunction<Inspector> banks;
    private final TiledInspectorState state;
    /** One per grid position, or the one pooled bank; made at the first part. */
    private final List<Inspector> inspectors = new ArrayList<>();
    private TileGrid grid;
    private boolean closed;

    TiledInspector(Tiling tiling, int size, String configuration, IntFunction<Inspector> banks) {
        this.tiling = tiling;
        this.size = size;
        this.banks = banks;
        this.state = new TiledInspectorState(configuration);
    }

    /**
     * Inspects one part: its tiles against their banks, then they join them.
     *
     * @throws PartSizeException when the part's size differs from the first part's; nothing changes
     */
    public synchronized TiledInspection inspect(RgbImage part) {
        if (closed) {
            throw new IllegalStateException("the inspector is closed");
        }
        if (grid == null) {
            start(part.width(), part.height());
        } else if (part.width() != grid.width() || part.height() != grid.height()) {
            throw new PartSizeException("a part of " + part.width() + "x" + part.height() + " is not the size of"
                    + " the first part, " + grid.width() + "x" + grid.height() + ", whose tiles the banks hold");
        }
        List<RgbImage> crops = new ArrayList<>(grid.count());
        for (int p = 0; p < grid.count(); p++) {
            crops.add(grid.crop(part, p));
        }
        List<Inspection> tiles = new ArrayList<>(grid.count());
        if (pooled()) {
            tiles.addAll(inspectors.get(0).inspect(crops));
        } else {
            // every position judges its tile before any bank takes one: a tile that fails (a non-finite
            // score) leaves all the banks as they were, not the earlier positions' one part ahead
            List<Inspector.Judged> judged = new ArrayList<>(grid.count());
            try {
                for (int p = 0; p < grid.count(); p++) {
                    judged.add(inspectors.get(p).judge(List.of(crops.get(p))));
                }
                for (Inspector.Judged j : judged) {
                    tiles.addAll(j.admit());
                }
            } finally {
                judged.forEach(Inspector.Judged::close);
            }
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
        // the first part, against empty banks, has NaN maps: no score, as a plain inspector's first part
        double score = tiles.stream().anyMatch(t -> Double.isNaN(t.score())) ? Double.NaN : map.max();
        return new TiledInspection(score, map, verdict, regions, grid, parts(tiles.get(0).bankParts()), tiles);
    }

    /** Whether every tile of every part is in one bank (the pool {@link TilePool#ALL}), which then counts
     *  tiles and takes a part's tiles in one call. */
    public boolean pooled() {
        return tiling.pool() == TilePool.ALL;
    }

    /** The grid of the first part and its banks. */
    private void start(int width, int height) {
        TileGrid first = tiling.grid(width, height);
        for (int b = 0; b < (pooled() ? 1 : first.count()); b++) {
            inspectors.add(banks.apply(first.count()));
        }
        grid = first;
    }

    /**
     * Parts in the bank: in each position's (the first position's, where anomalous tiles stay out), or the
     * pooled bank's tiles over R·C, rounded up.
     */
    @Override
    public synchronized int bankSize() {
        if (inspectors.isEmpty()) {
            return 0;
        }
        return parts(inspectors.get(0).bankSize());
    }

    /** Parts of a bank holding {@code held}: its tiles over R·C, rounded up, where pooled. */
    private int parts(int held) {
        return pooled() ? (held + grid.count() - 1) / grid.count() : held;
    }

    /**
     * The thresholds the next part's tiles are judged against, bank by bank: the pooled bank's, or one per
     * grid position in tile order; NaN while warming up; none before the first part.
     */
    @Override
    public synchronized double[] currentThresholds() {
        return inspectors.stream().mapToDouble(Inspector::currentThreshold).toArray();
    }

    /** Parts inspected so far. */
    @Override
    public synchronized long inspected() {
        return inspectors.isEmpty() ? 0 : inspectors.get(0).inspected();
    }

    /**
     * Saves the state into {@code folder}: the tiling, the first part's size, and every bank with its
     * threshold's reference window. Saving after every part writes only the tiles admitted since the last
     * save, and an interrupted save leaves the previous state whole ({@link TiledInspectorState}). The
     * folder belongs to this inspector: keep nothing else in it.
     *
     * @throws IOException naming the file that could not be written
     */
    @Override
    public synchronized void save(Path folder) throws IOException {
        if (closed) {
            throw new IllegalStateException("the inspector is closed");
        }
        Path target = folder.toAbsolutePath().normalize();
        List<InspectorState.Written> written = new ArrayList<>();
        List<byte[]> states = new ArrayList<>();
        for (int b = 0; b < inspectors.size(); b++) {
            InspectorState.Written w = inspectors.get(b).writeParts(target.resolve(bankFolder(b)));
            written.add(w);
            states.add(w.state());
        }
        AtomicFiles.write(target.resolve(TiledInspectorState.STATE), state.encode(grid == null ? 0 : grid.width(),
                grid == null ? 0 : grid.height(), states));
        for (int b = 0; b < inspectors.size(); b++) {
            inspectors.get(b).settle(written.get(b));
        }
    }

    /**
     * A tiled inspector configured by {@code builder} that carries on where the one saved in {@code folder}
     * left off: every later verdict, score and map is bit for bit what the saved one would have given.
     *
     * @throws IOException with one line naming the file and the problem: no state, a damaged or missing
     *     file, or a state saved under another tiling, model or configuration (the first setting that differs)
     */
    public static TiledInspector restore(Path folder, Inspector.Builder builder) throws IOException {
        TiledInspectorState.Saved saved = new TiledInspectorState(builder.tiledConfiguration()).read(folder);
        TiledInspector inspector = builder.buildTiled();
        try {
            inspector.adopt(saved, folder.toAbsolutePath().normalize());
            return inspector;
        } catch (IOException | RuntimeException e) {
            inspector.close();
            throw e;
        }
    }

    private synchronized void adopt(TiledInspectorState.Saved saved, Path folder) throws IOException {
        if (saved.width() == 0) {
            return;
        }
        try {
            start(saved.width(), saved.height());
        } catch (IllegalArgumentException e) {
            throw new IOException(saved.file() + ": damaged (" + e.getMessage() + ")");
        }
        if (saved.banks().size() != inspectors.size()) {
            throw new IOException(saved.file() + ": damaged (" + saved.banks().size() + " banks, where a "
                    + grid.rows() + "x" + grid.cols() + " grid pooled by " + tiling.pool() + " has " + inspectors.size()
                    + ")");
        }
        for (int b = 0; b < inspectors.size(); b++) {
            inspectors.get(b).restore(saved.file() + " (" + bankFolder(b) + ")", saved.banks().get(b),
                    folder.resolve(bankFolder(b)));
        }
    }

    /** The folder of bank {@code b}'s part files inside a state's folder. */
    private String bankFolder(int b) {
        return pooled() ? "all" : "position-" + b;
    }

    /** Whether {@code folder} holds a state {@link #save} wrote (complete: a save writes its state file last). */
    public static boolean isSaved(Path folder) {
        return Files.isRegularFile(folder.resolve(TiledInspectorState.STATE));
    }

    /** Frees every bank. The MuSc instance stays open. */
    @Override
    public synchronized void close() {
        closed = true;
        inspectors.forEach(Inspector::close);
    }
}
