package io.musc4j.engine.tiles;

import java.util.Objects;

/**
 * How each image of a set is cut into tiles that MuSc scores as images: a fixed R×C grid, or tiles of a
 * given side in pixels whose grid each image's size derives; neighbours overlap by {@link #overlap()};
 * the tiles are pooled into sets by {@link #pool()}. {@link #grid} places the tiles on an image.
 *
 * @param rows R, or 0 where {@code tileSize} derives the grid
 * @param cols C, or 0 where {@code tileSize} derives the grid
 * @param tileSize the tiles' side in pixels, or 0 where the grid is R×C
 * @param overlap how much neighbouring tiles overlap
 * @param pool how tiles form sets
 */
public record Tiling(int rows, int cols, int tileSize, TileOverlap overlap, TilePool pool) {

    /** No tiling: every image is one tile, itself. */
    public static final Tiling NONE = new Tiling(1, 1, 0, TileOverlap.NONE, TilePool.POSITION);

    public Tiling {
        Objects.requireNonNull(overlap, "overlap");
        Objects.requireNonNull(pool, "pool");
        if (tileSize < 0) {
            throw new IllegalArgumentException("tile size must be positive, got " + tileSize);
        }
        if (tileSize > 0 && (rows != 0 || cols != 0)) {
            throw new IllegalArgumentException("give either tiles RxC or a tile size, not both");
        }
        if (tileSize == 0 && (rows < 1 || cols < 1)) {
            throw new IllegalArgumentException("tiles must be RxC with R and C at least 1, got " + rows + "x" + cols);
        }
    }

    /** An R×C grid. */
    public static Tiling grid(int rows, int cols, TileOverlap overlap, TilePool pool) {
        return new Tiling(rows, cols, 0, overlap, pool);
    }

    /** Tiles of {@code side} pixels (fewer where the image is smaller), the grid derived per image. */
    public static Tiling ofSize(int side, TileOverlap overlap, TilePool pool) {
        if (side < 1) {
            throw new IllegalArgumentException("tile size must be positive, got " + side);
        }
        return new Tiling(0, 0, side, overlap, pool);
    }

    /** {@code RxC}, e.g. {@code 4x4}. */
    public static int[] parseGrid(String text) {
        String[] p = text.trim().toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("tiles must be RxC (rows x columns, e.g. 4x4), got '" + text + "'");
    }

    /** Whether images are scored whole (one tile each). */
    public boolean isOff() {
        return tileSize == 0 && rows == 1 && cols == 1;
    }

    /**
     * The tiles of an image of {@code width × height}: per axis, equal tiles spread evenly from edge to
     * edge ({@link TileGrid}).
     *
     * @throws IllegalArgumentException with a one-line message if the overlap leaves no room for the grid
     */
    public TileGrid grid(int width, int height) {
        if (isOff()) {
            return new TileGrid(width, height, new int[] {0}, new int[] {0}, width, height);
        }
        Axis x = tileSize > 0 ? Axis.ofSide(width, tileSize, overlap) : Axis.ofCount(width, cols, overlap);
        Axis y = tileSize > 0 ? Axis.ofSide(height, tileSize, overlap) : Axis.ofCount(height, rows, overlap);
        return new TileGrid(width, height, x.starts, y.starts, x.side, y.side);
    }

    /**
     * Image {@code index}'s tiles, {@link #grid(int, int)} of its size, checked as a run checks each image
     * it cuts: pooled by position, every image needs the grid of the first ({@code first}, null for the
     * first image itself).
     *
     * @throws IllegalArgumentException with a one-line message naming the image by its index and size
     */
    public TileGrid grid(int index, int width, int height, TileGrid first) {
        TileGrid grid;
        try {
            grid = grid(width, height);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("image " + index + " (" + width + "x" + height + "): " + e.getMessage(),
                    e);
        }
        if (pool == TilePool.POSITION && first != null
                && (grid.rows() != first.rows() || grid.cols() != first.cols())) {
            throw new IllegalArgumentException("image " + index + " (" + width + "x" + height + ") is cut into "
                    + grid.rows() + "x" + grid.cols() + " tiles, the first image into " + first.rows() + "x"
                    + first.cols() + "; pooled by position every image needs the same grid (give --tiles RxC, or"
                    + " --tile-pool all)");
        }
        return grid;
    }

    /** {@code 2x2 overlap 0px pool position}, {@code 224px overlap 0.125 pool all}, or {@code off}. */
    public String describe() {
        if (isOff()) {
            return "off";
        }
        return (tileSize > 0 ? tileSize + "px" : rows + "x" + cols) + " overlap " + overlap + " pool " + pool;
    }

    /** One axis: the tiles' common side and where each starts. */
    private record Axis(int side, int[] starts) {

        /** {@code count} tiles covering {@code length} pixels with the overlap between neighbours. */
        static Axis ofCount(int length, int count, TileOverlap overlap) {
            if (count == 1) {
                return new Axis(length, new int[] {0});
            }
            int side = overlap.fraction()
                    ? (int) Math.ceil(length / (count - (count - 1) * overlap.value()))
                    : (int) Math.ceil((length + (count - 1) * overlap.value()) / count);
            if (side > length || count > length) {
                throw new IllegalArgumentException(count + " tiles with overlap " + overlap + " do not fit in "
                        + length + " px");
            }
            return new Axis(side, spread(length, side, count));
        }

        /** Tiles of {@code side} pixels (the whole length where it is shorter), as few as cover it. */
        static Axis ofSide(int length, int wanted, TileOverlap overlap) {
            int side = Math.min(wanted, length);
            if (side == length) {
                return new Axis(side, new int[] {0});
            }
            int o = overlap.pixels(side);
            if (o >= side) {
                throw new IllegalArgumentException("tile overlap " + overlap + " is not smaller than the tile ("
                        + side + " px)");
            }
            int count = 1 + (int) Math.ceil((double) (length - side) / (side - o));
            return new Axis(side, spread(length, side, count));
        }

        /** Starts from 0 to {@code length − side}, evenly spaced, rounded to whole pixels. */
        static int[] spread(int length, int side, int count) {
            int[] starts = new int[count];
            for (int i = 0; i < count; i++) {
                starts[i] = (int) Math.round((double) i * (length - side) / (count - 1));
            }
            return starts;
        }
    }
}
