package io.musc4j.datasets.output;

import io.musc4j.common.io.Npy;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a raw anomaly map as a float32 {@code .npy} of shape (rows, columns) (readable with
 * {@code numpy.load}): the S×S network map, or the map read back to the image's own size.
 */
public final class RawMaps {

    private RawMaps() {
    }

    /** Writes {@code map} (row-major {@code width × height}) to {@code file} (see {@link ResultPaths#map}). */
    public static void write(Path file, float[] map, int width, int height) throws IOException {
        if (map.length != width * height) {
            throw new IllegalArgumentException("map for " + file + " has " + map.length + " values, expected "
                    + width + "x" + height);
        }
        Npy.writeFloats(file, map, height, width);
    }
}
