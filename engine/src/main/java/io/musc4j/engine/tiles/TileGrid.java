package io.musc4j.engine.tiles;

import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.maps.ImageMap;
import java.util.function.IntFunction;

/**
 * Where the tiles of one image lie: R rows of C equal tiles of {@code tileWidth × tileHeight} pixels;
 * tile k = r·C + c starts at ({@code xs[c]}, {@code ys[r]}). Every pixel lies in at least one tile;
 * neighbours may overlap.
 *
 * @param width the image's width
 * @param height the image's height
 * @param xs where each column of tiles starts, increasing, the last at {@code width − tileWidth}
 * @param ys where each row of tiles starts, increasing, the last at {@code height − tileHeight}
 * @param tileWidth every tile's width
 * @param tileHeight every tile's height
 */
public record TileGrid(int width, int height, int[] xs, int[] ys, int tileWidth, int tileHeight) {

    public TileGrid {
        xs = xs.clone();
        ys = ys.clone();
    }

    /** R. */
    public int rows() {
        return ys.length;
    }

    /** C. */
    public int cols() {
        return xs.length;
    }

    /** R·C. */
    public int count() {
        return xs.length * ys.length;
    }

    /** Tile k's left edge. */
    public int x(int k) {
        return xs[k % xs.length];
    }

    /** Tile k's top edge. */
    public int y(int k) {
        return ys[k / xs.length];
    }

    /** Tile k of {@code image} (which must be {@code width × height}), its pixels copied. */
    public RgbImage crop(RgbImage image, int k) {
        if (image.width() != width || image.height() != height) {
            throw new IllegalArgumentException("image of " + image.width() + "x" + image.height()
                    + " is not the grid's " + width + "x" + height);
        }
        byte[] out = new byte[tileWidth * tileHeight * 3];
        int x0 = x(k);
        int y0 = y(k);
        for (int row = 0; row < tileHeight; row++) {
            System.arraycopy(image.pixels(), ((y0 + row) * width + x0) * 3, out, row * tileWidth * 3, tileWidth * 3);
        }
        return new RgbImage(tileWidth, tileHeight, out);
    }

    /**
     * The image's map from its tiles' S×S network maps: each read back to the tile's own size as a
     * whole image's is ({@link ImageMap#fromNetwork}), laid at the tile's place, and where tiles overlap
     * the mean of their values. Mean rather than maximum: a pixel seen by two tiles gets two estimates
     * of one quantity, and their maximum is biased upwards (a band of raised scores along every seam);
     * the mean keeps the map continuous across a seam and, where tiles do not overlap, is each tile's
     * value itself. Summed in float64 in tile order, stored as float32.
     *
     * @param tileMaps tile k's S×S map, row-major
     * @param size S
     */
    public ImageMap stitch(IntFunction<float[]> tileMaps, int size) {
        double[] sum = new double[Math.multiplyExact(width, height)];
        for (int k = 0; k < count(); k++) {
            float[] tile = ImageMap.fromNetwork(tileMaps.apply(k), size, tileWidth, tileHeight).values();
            int x0 = x(k);
            int y0 = y(k);
            for (int row = 0; row < tileHeight; row++) {
                int at = (y0 + row) * width + x0;
                int from = row * tileWidth;
                for (int col = 0; col < tileWidth; col++) {
                    sum[at + col] += tile[from + col];
                }
            }
        }
        int[] across = cover(xs, tileWidth, width);
        int[] down = cover(ys, tileHeight, height);
        float[] out = new float[sum.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = y * width + x;
                out[p] = (float) (sum[p] / (down[y] * across[x]));
            }
        }
        return new ImageMap(out, width, height);
    }

    /** Per pixel of one axis, how many tiles cover it. */
    private static int[] cover(int[] starts, int side, int length) {
        int[] n = new int[length];
        for (int s : starts) {
            for (int i = s; i < s + side; i++) {
                n[i]++;
            }
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TileGrid g && width == g.width && height == g.height && tileWidth == g.tileWidth
                && tileHeight == g.tileHeight && java.util.Arrays.equals(xs, g.xs) && java.util.Arrays.equals(ys, g.ys);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(width, height, tileWidth, tileHeight, java.util.Arrays.hashCode(xs),
                java.util.Arrays.hashCode(ys));
    }

    @Override
    public String toString() {
        return rows() + "x" + cols() + " tiles of " + tileWidth + "x" + tileHeight + " on " + width + "x" + height;
    }
}
