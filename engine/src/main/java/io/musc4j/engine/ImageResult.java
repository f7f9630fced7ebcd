package io.musc4j.engine;

/**
 * What MuSc says about one image.
 *
 * @param score image anomaly score before RsCIN: the maximum of the pixel map
 * @param scoreRscin the score after RsCIN re-scoring (on the set's [0, 1] scale; equals a min–max
 *     normalised {@code score} when RsCIN is off)
 * @param map the pixel anomaly map, S×S row-major
 * @param size S
 */
public record ImageResult(double score, double scoreRscin, float[] map, int size) {

    /** The map as rows: {@code map()[y][x]}. */
    public float[][] mapRows() {
        float[][] rows = new float[size][size];
        for (int y = 0; y < size; y++) {
            System.arraycopy(map, y * size, rows[y], 0, size);
        }
        return rows;
    }
}
