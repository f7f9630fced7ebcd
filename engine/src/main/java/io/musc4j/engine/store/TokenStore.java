package io.musc4j.engine.store;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The tapped-layer tokens of a whole image set, which MSM needs all at once: per layer (N, 1+L, C)
 * float32, read back a layer and a block of images at a time. The backbone fills a store once;
 * scoring reads each layer several times (once per aggregation degree), so only one block of one
 * layer needs to be in memory at a time.
 */
public interface TokenStore extends AutoCloseable {

    /** Number of images N. */
    int images();

    /** Number of tapped layers. */
    int layers();

    /** Patch grid rows h. */
    int gridH();

    /** Patch grid columns w. */
    int gridW();

    /** Channels C of every layer. */
    long channels();

    /** Whether the tokens occupy process memory (rather than a file). */
    boolean resident();

    /** Tokens (to − from, 1+h·w, C) float32 of images [from, to) of one layer, owned by {@code manager}. */
    NDArray read(int layer, long from, long to, NDManager manager);

    /** Bytes of one image's tokens of one layer, float32. */
    default long imageBytes() {
        return (1L + (long) gridH() * gridW()) * channels() * Float.BYTES;
    }

    @Override
    void close();
}
