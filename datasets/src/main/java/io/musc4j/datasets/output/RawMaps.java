package io.musc4j.datasets.output;

import io.musc4j.common.io.Npy;
import java.io.IOException;
import java.nio.file.Path;

/** Writes a raw anomaly map as a float32 S×S {@code .npy} (readable with {@code numpy.load}). */
public final class RawMaps {

    private RawMaps() {
    }

    /** Writes {@code map} (row-major S×S) to {@code file} (see {@link ResultPaths#map}). */
    public static void write(Path file, float[] map, int size) throws IOException {
        if (map.length != size * size) {
            throw new IllegalArgumentException("map for " + file + " has " + map.length + " values, expected "
                    + size + "x" + size);
        }
        Npy.writeFloats(file, map, size, size);
    }
}
