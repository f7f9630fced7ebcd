package io.musc4j.serve;

import io.musc4j.common.image.RgbImage;
import io.musc4j.datasets.output.HeatmapNorm;
import io.musc4j.datasets.output.Heatmaps;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.inspect.Inspection;
import io.musc4j.engine.inspect.Inspector;
import io.musc4j.engine.inspect.LineInspector;
import io.musc4j.engine.inspect.Region;
import io.musc4j.engine.inspect.TiledInspector;
import io.musc4j.engine.inspect.Verdict;
import io.musc4j.engine.tiles.TileGrid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A station's inspector: a plain {@link Inspector}, or a {@link TiledInspector} where the station's model
 * cuts each part into tiles (its {@code tiles} or {@code tile_size}). The station sees one part and one
 * answer either way; the bank, its thresholds and its state are the two inspectors' common
 * {@link LineInspector}.
 */
abstract class StationInspector implements AutoCloseable {

    private final LineInspector bank;

    private StationInspector(LineInspector bank) {
        this.bank = bank;
    }

    /**
     * One part's inspection as the station answers it.
     *
     * @param threshold what the part was judged against: NaN while warming up, and for a part tiled by
     *     position whose tiles were judged against different thresholds (each tile's is in {@code tiles})
     * @param tiles each tile's place and judgement, in tile order; empty for an untiled station
     */
    record Inspected(long sequence, double score, double threshold, Verdict verdict, List<Region> regions,
            int bankParts, int width, int height, Inspection.Timing timing, List<PartResult.Tile> tiles,
            Heatmap heatmap) {
    }

    /** What the heatmap is drawn from: a map of {@code width × height} values and its colour scale. */
    record Heatmap(float[] map, int width, int height, HeatmapNorm norm) {

        /** The map over {@code image}, PNG-encoded. */
        byte[] png(RgbImage image) {
            return Heatmaps.png(Heatmaps.overlay(image, map, width, height, norm, null));
        }
    }

    /**
     * The station's inspector on {@code musc}: carried on from {@code saved} if a state is there, else new.
     */
    static StationInspector open(StationSpec spec, MuSc musc, Path saved) throws IOException {
        Inspector.Builder b = spec.inspector(musc);
        boolean tiles = !spec.musc().tiling().isOff();
        // each kind keeps its state under its own file name: the other kind's state would otherwise be
        // overlooked, and the station would start afresh over it
        if (tiles ? Inspector.isSaved(saved) : TiledInspector.isSaved(saved)) {
            throw new IOException(saved + ": holds the state of " + (tiles ? "an untiled" : "a tiled")
                    + " station, and this one " + (tiles ? "tiles (" + spec.musc().tiling().describe() + ")"
                    : "does not tile") + "; refusing to restore it (give the station another --state folder to"
                    + " start afresh)");
        }
        if (!tiles) {
            return new Plain(Inspector.isSaved(saved) ? Inspector.restore(saved, b) : b.build());
        }
        return new Tiled(TiledInspector.isSaved(saved) ? TiledInspector.restore(saved, b) : b.buildTiled());
    }

    abstract Inspected inspect(RgbImage part);

    void save(Path folder) throws IOException {
        bank.save(folder);
    }

    int bankSize() {
        return bank.bankSize();
    }

    long inspected() {
        return bank.inspected();
    }

    /** The bank's thresholds for the next part: one, or a tiled station's per grid position or pooled bank's. */
    double[] thresholds() {
        return bank.currentThresholds();
    }

    /** The threshold the next part is judged against: NaN while warming up, or where tiles have their own. */
    double currentThreshold() {
        return same(thresholds());
    }

    @Override
    public void close() {
        bank.close();
    }

    /**
     * The colour scale of judged parts: 0 to twice the threshold, so a normal part stays calm and the
     * threshold is the scale's middle; while warming up there is no threshold and each map spans its own
     * range.
     */
    static HeatmapNorm scale(float[] map, double threshold) {
        return Double.isNaN(threshold) || !(threshold > 0) ? HeatmapNorm.of(map)
                : new HeatmapNorm(0f, (float) (2 * threshold));
    }

    /** An untiled station: the part is one image against one bank. */
    static final class Plain extends StationInspector {
        private final Inspector inspector;

        Plain(Inspector inspector) {
            super(inspector);
            this.inspector = inspector;
        }

        @Override
        Inspected inspect(RgbImage part) {
            Inspection p = inspector.inspect(part);
            Heatmap heatmap = Double.isNaN(p.score()) ? null
                    : new Heatmap(p.map(), p.mapSize(), p.mapSize(), scale(p.map(), p.threshold()));
            return new Inspected(p.sequence(), p.score(), p.threshold(), p.verdict(), p.regions(), p.bankParts(),
                    p.imageWidth(), p.imageHeight(), p.timing(), List.of(), heatmap);
        }
    }

    /** A tiled station: the part's tiles against their banks, the answer the stitched part's. */
    static final class Tiled extends StationInspector {
        private final TiledInspector inspector;

        Tiled(TiledInspector inspector) {
            super(inspector);
            this.inspector = inspector;
        }

        @Override
        Inspected inspect(RgbImage part) {
            TiledInspector.TiledInspection p = inspector.inspect(part);
            TileGrid grid = p.grid();
            List<Inspection> tiles = p.tiles();
            Inspection first = tiles.get(0);
            List<PartResult.Tile> placed = new ArrayList<>(tiles.size());
            double[] thresholds = new double[tiles.size()];
            for (int k = 0; k < tiles.size(); k++) {
                Inspection t = tiles.get(k);
                thresholds[k] = t.threshold();
                placed.add(new PartResult.Tile(grid.x(k), grid.y(k), grid.tileWidth(), grid.tileHeight(),
                        PartResult.finite(t.score()), PartResult.finite(t.threshold()), t.verdict().name()));
            }
            // pooled, the tiles share one call's timing; by position each tile is a call of its own
            Inspection.Timing timing = inspector.pooled() ? first.timing() : sum(tiles);
            return new Inspected(first.sequence(), p.score(), same(thresholds), p.verdict(), p.regions(), p.bankParts(),
                    grid.width(), grid.height(), timing, placed, Double.isNaN(p.score()) ? null : heatmap(p, thresholds));
        }

        /**
         * The stitched map with each tile measured against its own threshold (its values over the threshold,
         * on the scale 0 to 2): a tile judged anomalous shows above the scale's middle, whatever its
         * neighbours' thresholds. Pooled all together (one threshold) this is the plain station's picture.
         * Each tile is drawn at the network's S pixels at most, as the network saw it: the picture's size,
         * and its encoding time, grow with the tiles, not with the camera's pixels.
         */
        private static Heatmap heatmap(TiledInspector.TiledInspection p, double[] thresholds) {
            int size = p.tiles().get(0).mapSize();
            TileGrid shown = shown(p.grid(), size);
            boolean judged = Arrays.stream(thresholds).allMatch(t -> t > 0);
            float[] map = shown.stitch(k -> {
                float[] m = p.tiles().get(k).map();
                if (!judged) {
                    return m;
                }
                float[] ratio = new float[m.length];
                for (int i = 0; i < m.length; i++) {
                    ratio[i] = (float) (m[i] / thresholds[k]);
                }
                return ratio;
            }, size).values();
            return new Heatmap(map, shown.width(), shown.height(), judged ? new HeatmapNorm(0f, 2f)
                    : HeatmapNorm.of(map));
        }

        /**
         * {@code grid} scaled so that a tile spans at most {@code size} pixels. Rounding must leave no pixel
         * uncovered: the picture is at most C tiles wide and R high, and each tile starts at most a tile's
         * side after the one before it.
         */
        static TileGrid shown(TileGrid grid, int size) {
            double f = Math.min(1.0, (double) size / Math.max(grid.tileWidth(), grid.tileHeight()));
            if (f == 1.0) {
                return grid;
            }
            int tw = Math.max(1, (int) Math.round(grid.tileWidth() * f));
            int th = Math.max(1, (int) Math.round(grid.tileHeight() * f));
            int w = Math.min(Math.max(tw, (int) Math.round(grid.width() * f)), grid.cols() * tw);
            int h = Math.min(Math.max(th, (int) Math.round(grid.height() * f)), grid.rows() * th);
            int[] xs = new int[grid.cols()];
            for (int c = 0; c < xs.length; c++) {
                xs[c] = (int) Math.round(grid.x(c) * f);
            }
            int[] ys = new int[grid.rows()];
            for (int r = 0; r < ys.length; r++) {
                ys[r] = (int) Math.round(grid.y(r * grid.cols()) * f);
            }
            return new TileGrid(w, h, starts(xs, tw, w), starts(ys, th, h), tw, th);
        }

        /** Starts from 0 to {@code length − side}, none more than {@code side} after the previous one. */
        private static int[] starts(int[] rounded, int side, int length) {
            int n = rounded.length;
            int[] s = new int[n];
            for (int i = 0; i < n; i++) {
                s[i] = i == 0 ? 0 : i == n - 1 ? length - side : Math.min(Math.max(rounded[i], s[i - 1]), s[i - 1] + side);
            }
            for (int i = n - 2; i > 0; i--) {
                s[i] = Math.max(s[i], s[i + 1] - side);
            }
            return s;
        }

        private static Inspection.Timing sum(List<Inspection> tiles) {
            long backbone = 0;
            long lnamd = 0;
            long scoring = 0;
            long map = 0;
            long admit = 0;
            int images = 0;
            for (Inspection t : tiles) {
                backbone += t.timing().backboneNanos();
                lnamd += t.timing().lnamdNanos();
                scoring += t.timing().bankScoringNanos();
                map += t.timing().mapNanos();
                admit += t.timing().admitNanos();
                images += t.timing().images();
            }
            return new Inspection.Timing(backbone, lnamd, scoring, map, admit, images);
        }
    }

    /** The one value of {@code values} where they are all equal (bit for bit), else NaN; NaN for none. */
    static double same(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        for (double v : values) {
            if (Double.doubleToLongBits(v) != Double.doubleToLongBits(values[0])) {
                return Double.NaN;
            }
        }
        return values[0];
    }
}
