package io.musc4j.engine.inspect;

/**
 * One anomalous region of a part: a connected component (8-connectivity) of the map pixels above a
 * threshold. The regions a part shows ({@link PartRegions}, the {@link Inspector}'s and a batch run's)
 * are found in the map at the image's own size, so their boxes and areas are in the image's pixels.
 *
 * @param box bounding box in the pixels of the map the region was found in
 * @param area number of pixels in the region
 * @param peak the highest map value in the region
 */
public record Region(Box box, int area, float peak) {

    /**
     * A pixel rectangle [x0, x1) × [y0, y1): start inclusive, end exclusive.
     *
     * @param x0 first column
     * @param y0 first row
     * @param x1 one past the last column
     * @param y1 one past the last row
     */
    public record Box(int x0, int y0, int x1, int y1) {

        public Box {
            if (x0 < 0 || y0 < 0 || x1 <= x0 || y1 <= y0) {
                throw new IllegalArgumentException("empty or negative box [" + x0 + ", " + x1 + ") x ["
                        + y0 + ", " + y1 + ")");
            }
        }

        /** Columns covered. */
        public int width() {
            return x1 - x0;
        }

        /** Rows covered. */
        public int height() {
            return y1 - y0;
        }
    }
}
