package io.musc4j.engine.metrics;

/**
 * Anomaly maps and ground-truth masks of N images of {@code height × width} pixels, one row-major
 * array per image. Maps are either {@code float} (what musc4j produces) or {@code double} (what the
 * reference produces; used for parity). A mask pixel is anomalous when it is non-zero.
 *
 * <p>The arrays are held, not copied: at MVTec scale they are hundreds of megabytes.
 *
 * @param floatMaps float maps, or {@code null} when {@code doubleMaps} is given
 * @param doubleMaps double maps, or {@code null} when {@code floatMaps} is given
 */
public record PixelData(int height, int width, float[][] floatMaps, double[][] doubleMaps, byte[][] masks) {

    public PixelData {
        if ((floatMaps == null) == (doubleMaps == null)) {
            throw new IllegalArgumentException("give exactly one of float maps and double maps");
        }
        if (masks == null) {
            throw new IllegalArgumentException("masks are missing");
        }
        int n = floatMaps != null ? floatMaps.length : doubleMaps.length;
        if (masks.length != n) {
            throw new IllegalArgumentException(n + " maps but " + masks.length + " masks");
        }
        int pixels = Math.multiplyExact(height, width);
        for (int i = 0; i < n; i++) {
            int mapLength = floatMaps != null ? floatMaps[i].length : doubleMaps[i].length;
            if (mapLength != pixels || masks[i].length != pixels) {
                throw new IllegalArgumentException("image " + i + ": map has " + mapLength + " and mask "
                        + masks[i].length + " values, expected " + height + "x" + width + " = " + pixels);
            }
        }
    }

    /** Float maps (musc4j's own output). */
    public static PixelData ofFloats(int height, int width, float[][] maps, byte[][] masks) {
        return new PixelData(height, width, maps, null, masks);
    }

    /** Double maps (the reference's float64 maps). */
    public static PixelData ofDoubles(int height, int width, double[][] maps, byte[][] masks) {
        return new PixelData(height, width, null, maps, masks);
    }

    /** Number of images. */
    public int count() {
        return masks.length;
    }

    /** Pixels per image. */
    public int pixelsPerImage() {
        return height * width;
    }

    boolean isDouble() {
        return doubleMaps != null;
    }

    /** The order-preserving sort key of one map value; rejects NaN. */
    long key(int image, int pixel) {
        if (doubleMaps != null) {
            double v = doubleMaps[image][pixel];
            if (Double.isNaN(v)) {
                throw nan(image, pixel);
            }
            return SortKeys.ofDouble(v);
        }
        float v = floatMaps[image][pixel];
        if (Float.isNaN(v)) {
            throw nan(image, pixel);
        }
        return SortKeys.ofFloat(v);
    }

    /** A map value (checked for NaN by {@link #key} first). */
    double value(int image, int pixel) {
        return doubleMaps != null ? doubleMaps[image][pixel] : floatMaps[image][pixel];
    }

    private IllegalArgumentException nan(int image, int pixel) {
        return new IllegalArgumentException("anomaly map of image " + image + " is NaN at pixel ("
                + pixel / width + ", " + pixel % width + ")");
    }
}
