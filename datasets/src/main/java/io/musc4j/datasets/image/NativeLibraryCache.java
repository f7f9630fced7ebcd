package io.musc4j.datasets.image;

import io.musc4j.common.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;

/**
 * A native library that ships inside a jar, copied once into a folder and loaded from there on every
 * later start. org.openpnp's loader inflates its 65 MB library into a new temporary folder on every
 * start (0.4 s of a core while the model loads) and deletes it at exit; the copy is named after the
 * jar entry's CRC-32, so another OpenCV build never meets an old copy, and it is checked against that
 * CRC before each use, so a damaged copy is replaced rather than loaded.
 */
final class NativeLibraryCache {

    private NativeLibraryCache() {
    }

    /**
     * The path of {@code resource}'s copy under {@code folder}, made if absent or damaged; empty where
     * the resource is not a jar entry (an unpacked class path), which the caller loads its own way.
     */
    static Optional<Path> copy(URL resource, Path folder) throws IOException {
        URLConnection connection = resource.openConnection();
        if (!(connection instanceof JarURLConnection jar)) {
            return Optional.empty();
        }
        connection.setUseCaches(false);
        JarEntry entry = jar.getJarEntry();
        if (entry == null || entry.getCrc() < 0 || entry.getSize() < 0) {
            return Optional.empty();
        }
        String name = Path.of(entry.getName()).getFileName().toString();
        Path file = folder.resolve(String.format(Locale.ROOT, "%08x-%d", entry.getCrc(), entry.getSize())).resolve(name);
        if (Files.isRegularFile(file) && Files.size(file) == entry.getSize() && crc(file) == entry.getCrc()) {
            // uncached, the connection's jar file is this call's to close (reading the entry would close it)
            jar.getJarFile().close();
            return Optional.of(file);
        }
        // the CRC is taken as the copy is written, and a copy that does not match is not left to load
        CRC32 written = new CRC32();
        try (InputStream in = new CheckedInputStream(connection.getInputStream(), written)) {
            AtomicFiles.write(file, in);
        }
        if (written.getValue() != entry.getCrc()) {
            Files.deleteIfExists(file);
            throw new IOException(resource + ": the copied library does not match its CRC-32 in the jar");
        }
        return Optional.of(file);
    }

    private static long crc(Path file) throws IOException {
        CRC32 crc = new CRC32();
        try (InputStream in = new CheckedInputStream(Files.newInputStream(file), crc)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return crc.getValue();
    }
}
