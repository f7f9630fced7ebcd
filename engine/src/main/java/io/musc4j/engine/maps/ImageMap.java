package io.musc4j.engine.maps;

/**
 * An anomaly map at an image's own size: {@code width × height} float32 values, row-major. Masks,
 * regions and heatmaps are made from it, for a batch run and for the line inspector alike. A network
 * map (S×S) becomes one with {@link #fromNetwork}; a map already at the image's size (stitched from
 * tiles, say) is wrapped as it is.
 *
 * <p>The values are not copied: a 20-megapixel map is 80 MB, so one is made per image, used and
 * dropped, never held for a whole category.
 *
 * @param values {@code width × height} values, row-major
 * @param width  the image's width in pixels
 * @param height the image's height in pixels
 */
public record ImageMap(float[] values, int width, int height) {

    public ImageMap {
        if (width < 1 || height < 1 || (long) width * height != values.length) {
            throw new IllegalArgumentException("map of " + values.length + " values is not " + width + "x" + height);
        }
    }

    /**
     * The S×S network map read back to the image's {@code width × height}: the inverse of the resize
     * that made the network input. Bilinear interpolation, each axis on its own (the input was
     * squeezed to S×S without keeping the aspect ratio), with pixel centres at half-integers as in
     * Pillow's resize: image pixel x samples the map at {@code u = (x + 0.5)·S/width − 0.5}, clamped
     * to [0, S−1], between map pixels ⌊u⌋ and ⌊u⌋+1 with weights 1−(u−⌊u⌋) and u−⌊u⌋ (rows alike).
     * No antialiasing when the image is smaller than S. Computed in float64 per pixel, stored as
     * float32. An image of S×S gets the map itself back.
     *
     * @param map  S×S row-major network map
     * @param size S
     */
    public static ImageMap fromNetwork(float[] map, int size, int width, int height) {
        if (map.length != size * size) {
            throw new IllegalArgumentException("map of " + map.length + " values is not " + size + "x" + size);
        }
        if (width == size && height == size) {
            return new ImageMap(map, width, height);
        }
        Axis xs = Axis.of(size, width);
        Axis ys = Axis.of(size, height);
        float[] out = new float[Math.multiplyExact(width, height)];
        for (int y = 0; y < height; y++) {
            int top = ys.first[y] * size;
            int bottom = ys.second[y] * size;
            double ly = ys.lambda[y];
            int row = y * width;
            for (int x = 0; x < width; x++) {
                int a = xs.first[x];
                int b = xs.second[x];
                double lx = xs.lambda[x];
                double upper = (1 - lx) * map[top + a] + lx * map[top + b];
                double lower = (1 - lx) * map[bottom + a] + lx * map[bottom + b];
                out[row + x] = (float) ((1 - ly) * upper + ly * lower);
            }
        }
        return new ImageMap(out, width, height);
    }

    /** The highest value; NaN values are skipped (negative infinity when every value is NaN). */
    public float max() {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            if (v > m) {
                m = v;
            }
        }
        return m;
    }

    /** The 0/1 mask of the pixels above {@code threshold} (NaN never is). */
    public byte[] above(double threshold) {
        byte[] mask = new byte[values.length];
        for (int p = 0; p < values.length; p++) {
            mask[p] = values[p] > threshold ? (byte) 1 : 0;
        }
        return mask;
    }

    /** Per output pixel of one axis: the two map pixels it lies between and the weight of the second. */
    private record Axis(int[] first, int[] second, double[] lambda) {

        static Axis of(int size, int length) {
            int[] first = new int[length];
            int[] second = new int[length];
            double[] lambda = new double[length];
            double scale = (double) size / length;
            for (int i = 0; i < length; i++) {
                double u = Math.max(0, Math.min(size - 1, (i + 0.5) * scale - 0.5));
                first[i] = (int) u;
                second[i] = Math.min(first[i] + 1, size - 1);
                lambda[i] = u - first[i];
            }
            return new Axis(first, second, lambda);
        }
    }
}
