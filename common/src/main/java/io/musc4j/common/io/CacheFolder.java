package io.musc4j.common.io;

import java.nio.file.Path;

/**
 * Where musc4j keeps what it works out once per machine and reuses (the measured MSM product size, the
 * extracted OpenCV library): {@code -Dmusc4j.cache}, else {@code $XDG_CACHE_HOME/musc4j}, else
 * {@code ~/.cache/musc4j}. Everything in it can be deleted; it is made again when needed.
 */
public final class CacheFolder {

    private CacheFolder() {
    }

    /** The folder; it may not exist yet. */
    public static Path path() {
        String dir = System.getProperty("musc4j.cache");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("musc4j");
    }
}
