package io.musc4j.engine;

/**
 * What MuSc says about one image (the names of docs/thresholds.md, "Names").
 *
 * @param score the final image score: after RsCIN (on the set's [0, 1] scale), or, with RsCIN off,
 *     {@code mapMax} unchanged (as float32)
 * @param mapMax the maximum of the pixel map, the image score before RsCIN
 * @param map the pixel anomaly map, S×S row-major
 * @param size S
 */
public record ImageResult(float score, double mapMax, float[] map, int size) {

    /** The map as rows: {@code map()[y][x]}. */
    public float[][] mapRows() {
        float[][] rows = new float[size][size];
        for (int y = 0; y < size; y++) {
            System.arraycopy(map, y * size, rows[y], 0, size);
        }
        return rows;
    }
}
