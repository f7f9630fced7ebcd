package io.musc4j.engine.inspect;

/**
 * One anomalous region of an inspected part: a connected component (8-connectivity) of the map
 * pixels above the threshold.
 *
 * @param box bounding box in map (S×S) pixel coordinates
 * @param area number of map pixels in the region
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

        /**
         * The box in the coordinates of the original image. The network input is the image resized
         * to S×S without cropping (SPEC §1), so each axis scales on its own; the box is widened to
         * whole pixels (start floored, end ceiled).
         *
         * @param mapSize side S of the map this box is in
         * @param width original image width
         * @param height original image height
         */
        public Box scaled(int mapSize, int width, int height) {
            double sx = (double) width / mapSize;
            double sy = (double) height / mapSize;
            return new Box((int) Math.floor(x0 * sx), (int) Math.floor(y0 * sy),
                    Math.min(width, (int) Math.ceil(x1 * sx)), Math.min(height, (int) Math.ceil(y1 * sy)));
        }
    }
}
