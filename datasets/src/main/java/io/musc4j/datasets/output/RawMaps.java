package io.musc4j.datasets.output;

import io.musc4j.datasets.Sample;
import io.musc4j.common.io.Npy;
import java.io.IOException;
import java.nio.file.Path;

/** Writes a raw anomaly map as a float32 S×S {@code .npy} (readable with {@code numpy.load}). */
public final class RawMaps {

    private RawMaps() {
    }

    /** Writes {@code map} (row-major S×S) to {@link ResultPaths#map} and returns that path. */
    public static Path write(Path categoryOut, Sample sample, float[] map, int size) throws IOException {
        if (map.length != size * size) {
            throw new IllegalArgumentException("map of " + sample.relativePath() + " has " + map.length
                    + " values, expected " + size + "x" + size);
        }
        Path file = ResultPaths.map(categoryOut, sample);
        Npy.writeFloats(file, map, size, size);
        return file;
    }
}
