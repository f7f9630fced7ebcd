package io.musc4j.engine.tiles;

/**
 * How much neighbouring tiles overlap: a number of pixels, or a fraction of the tile's side.
 *
 * @param value pixels (a whole number ≥ 0) or a fraction in [0, 1)
 * @param fraction whether {@code value} is a fraction of the tile's side
 */
public record TileOverlap(double value, boolean fraction) {

    /** No overlap: each pixel in exactly one tile. */
    public static final TileOverlap NONE = new TileOverlap(0, false);

    /**
     * The default, an eighth of the tile: at 224 px and patch 14 two patches, the reach of LNAMD's
     * largest neighbourhood (r = 5) beyond a patch, so a defect on a tile's edge is seen whole by its
     * neighbour.
     */
    public static final TileOverlap DEFAULT = new TileOverlap(0.125, true);

    public TileOverlap {
        if (fraction && !(value >= 0 && value < 1)) {
            throw new IllegalArgumentException("tile overlap as a fraction must be in [0, 1), got " + value);
        }
        if (!fraction && !(value >= 0 && value == Math.rint(value))) {
            throw new IllegalArgumentException("tile overlap in pixels must be a whole number >= 0, got " + value);
        }
    }

    /** {@code 32} (pixels), {@code 32px}, or {@code 0.125} (a fraction, below 1). */
    public static TileOverlap parse(String text) {
        String t = text.trim();
        try {
            if (t.endsWith("px")) {
                return new TileOverlap(Integer.parseInt(t.substring(0, t.length() - 2)), false);
            }
            double v = Double.parseDouble(t);
            return v < 1 && v != 0 ? new TileOverlap(v, true) : new TileOverlap(v, false);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tile overlap must be pixels (32, 32px) or a fraction below 1"
                    + " (0.125), got '" + text + "'");
        }
    }

    /** The overlap in pixels of tiles of side {@code tile}. */
    public int pixels(int tile) {
        return fraction ? (int) Math.round(value * tile) : (int) value;
    }

    @Override
    public String toString() {
        return fraction ? Double.toString(value) : (long) value + "px";
    }
}
