package io.musc4j.engine;

/**
 * What MuSc says about one image.
 *
 * @param score the final image score: after RsCIN (on the set's [0, 1] scale), or, with RsCIN off,
 *     {@code scoreBeforeRscin} unchanged (as float32)
 * @param scoreBeforeRscin the maximum of the pixel map
 * @param map the pixel anomaly map, S×S row-major
 * @param size S
 */
public record ImageResult(float score, double scoreBeforeRscin, float[] map, int size) {

    /** The map as rows: {@code map()[y][x]}. */
    public float[][] mapRows() {
        float[][] rows = new float[size][size];
        for (int y = 0; y < size; y++) {
            System.arraycopy(map, y * size, rows[y], 0, size);
        }
        return rows;
    }
}
