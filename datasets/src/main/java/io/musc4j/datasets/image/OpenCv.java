package io.musc4j.datasets.image;

import io.musc4j.datasets.DatasetException;

/** Loads the OpenCV native library (bundled by org.openpnp:opencv, no network) once per JVM. */
public final class OpenCv {

    private static volatile boolean loaded;

    private OpenCv() {
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
