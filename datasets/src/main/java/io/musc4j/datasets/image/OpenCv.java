package io.musc4j.datasets.image;

import io.musc4j.common.io.CacheFolder;
import io.musc4j.datasets.DatasetException;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.opencv.core.Core;
import org.opencv.core.Mat;

/**
 * Loads the OpenCV native library (bundled by org.openpnp:opencv, no network) once per JVM: from its
 * copy in the {@link CacheFolder} ({@code opencv/}, made on first use by {@link NativeLibraryCache}),
 * else through org.openpnp's own loader, which extracts it afresh.
 */
public final class OpenCv {

    private static volatile boolean loaded;

    private OpenCv() {
    }

    /**
     * Starts {@link #load} on a daemon thread, which a caller with other start-up work (loading a model)
     * can hide behind it. A failure is left to the next {@link #load}, which tries again and reports it.
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
                    if (!loadCopy()) {
                        try {
                            nu.pattern.OpenCV.loadLocally();
                        } catch (RuntimeException | LinkageError e) {
                            throw new DatasetException("cannot load the OpenCV native library: " + e.getMessage(), e);
                        }
                    }
                    loaded = true;
                }
            }
        }
    }

    /** Whether the cached copy loaded and works; false leaves it to org.openpnp's loader. */
    private static boolean loadCopy() {
        // JNI binds a library to the class loader that loads it: the copy serves OpenCV's classes only
        // where they share this class's loader
        if (OpenCv.class.getClassLoader() != Mat.class.getClassLoader()) {
            return false;
        }
        try {
            Optional<URL> library = bundled();
            Optional<Path> copy = library.isPresent()
                    ? NativeLibraryCache.copy(library.get(), CacheFolder.path().resolve("opencv"))
                    : Optional.empty();
            if (copy.isEmpty()) {
                return false;
            }
            System.load(copy.get().toString());
            new Mat().release();
            return true;
        } catch (IOException | RuntimeException | LinkageError e) {
            // a read-only cache folder, a mount that forbids loading code: the jar's own way still works
            return false;
        }
    }

    /** The library in org.openpnp's jar for this OS and architecture (its folder names). */
    private static Optional<URL> bundled() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osFolder = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "osx"
                : os.startsWith("windows") ? "windows" : null;
        String archFolder = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "ARMv8" : null;
        if (osFolder == null || archFolder == null) {
            return Optional.empty();
        }
        String name = "nu/pattern/opencv/" + osFolder + "/" + archFolder + "/"
                + System.mapLibraryName(Core.NATIVE_LIBRARY_NAME);
        return Optional.ofNullable(Mat.class.getClassLoader().getResource(name));
    }
}
