package io.musc4j.datasets.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.common.io.CacheFolder;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Core;
import org.opencv.core.Mat;

class NativeLibraryCacheTest {

    /** A small entry of OpenCV's jar stands in for its 65 MB library: the copy does not care what it holds. */
    private static final URL ENTRY = Mat.class.getResource("Mat.class");

    @Test
    void copiesAJarEntryOnceAndReusesTheCopy(@TempDir Path dir) throws Exception {
        JarEntry entry = ((JarURLConnection) ENTRY.openConnection()).getJarEntry();
        Path copy = NativeLibraryCache.copy(ENTRY, dir).orElseThrow();
        assertEquals(dir.resolve(String.format("%08x-%d", entry.getCrc(), entry.getSize())).resolve("Mat.class"), copy);
        try (InputStream in = ENTRY.openStream()) {
            assertArrayEquals(in.readAllBytes(), Files.readAllBytes(copy));
        }
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(copy, old);
        assertEquals(copy, NativeLibraryCache.copy(ENTRY, dir).orElseThrow());
        assertEquals(old, Files.getLastModifiedTime(copy), "an intact copy is used as it is");
        try (Stream<Path> files = Files.list(copy.getParent())) {
            assertEquals(List.of(copy), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void replacesADamagedCopyOfTheSameSize(@TempDir Path dir) throws Exception {
        Path copy = NativeLibraryCache.copy(ENTRY, dir).orElseThrow();
        byte[] good = Files.readAllBytes(copy);
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 1;
        Files.write(copy, bad);
        assertEquals(copy, NativeLibraryCache.copy(ENTRY, dir).orElseThrow());
        assertArrayEquals(good, Files.readAllBytes(copy));
    }

    @Test
    void aResourceOutsideAJarIsLeftToTheCaller(@TempDir Path dir) throws Exception {
        Path plain = Files.writeString(dir.resolve("lib.so"), "not in a jar");
        assertTrue(NativeLibraryCache.copy(plain.toUri().toURL(), dir.resolve("cache")).isEmpty());
        assertTrue(Files.notExists(dir.resolve("cache")));
    }

    @Test
    void openCvLoadsFromItsCopyInTheCacheFolder() throws Exception {
        OpenCv.load();
        String library = System.mapLibraryName(Core.NATIVE_LIBRARY_NAME);
        try (Stream<Path> files = Files.walk(CacheFolder.path().resolve("opencv"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().equals(library)),
                    "the library was copied to " + CacheFolder.path().resolve("opencv"));
        }
        Mat m = new Mat(2, 2, org.opencv.core.CvType.CV_8UC1);
        assertEquals(4, m.total());
        m.release();
    }
}
