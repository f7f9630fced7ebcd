package io.musc4j.datasets.image;

import io.musc4j.datasets.DatasetException;

/** Loads the OpenCV native library (bundled by org.openpnp:opencv, no network) once per JVM. */
public final class OpenCv {

    private static volatile boolean loaded;

    private OpenCv() {
    }

    /**
     * Starts {@link #load} on a daemon thread: the library is 65 MB that org.openpnp extracts from its jar
     * on every start (about 0.4 s), which a caller with other start-up work (loading a model) can hide
     * behind it. A failure is left to the next {@link #load}, which tries again and reports it.
     */
    public static void loadInBackground() {
        if (!loaded) {
            Thread t = new Thread(() -> {
                try {
                    load();
                } catch (RuntimeException e) {
                    // reported by the caller's own load()
                }
            }, "musc4j-opencv-load");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Loads the native library if this has not been done yet; safe to call from any thread. */
    public static void load() {
        if (!loaded) {
            synchronized (OpenCv.class) {
                if (!loaded) {
                    try {
                        nu.pattern.OpenCV.loadLocally();
                    } catch (RuntimeException | LinkageError e) {
                        throw new DatasetException("cannot load the OpenCV native library: " + e.getMessage(), e);
                    }
                    loaded = true;
                }
            }
        }
    }
}
