package io.musc4j.engine.inspect;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What the line's two inspectors share, the plain {@link Inspector} and the {@link TiledInspector}: a
 * bank of recent parts, the thresholds the next part is judged against, and a state saved to a folder.
 * How a part is inspected differs (one map, or a map stitched from tiles), so that stays with each.
 */
public interface LineInspector extends AutoCloseable {

    /** Parts inspected so far. */
    long inspected();

    /** Parts in the bank. */
    int bankSize();

    /**
     * The thresholds the next part is judged against, bank by bank: a plain inspector's one, a tiled
     * one's per grid position in tile order or its pooled bank's; NaN while warming up; none before a
     * tiled inspector's first part.
     */
    double[] currentThresholds();

    /** Saves the whole state into {@code folder}, atomically; a later restore carries on bit for bit. */
    void save(Path folder) throws IOException;

    /** Frees the bank. */
    @Override
    void close();
}
