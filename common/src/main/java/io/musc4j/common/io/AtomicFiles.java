package io.musc4j.common.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file to a temporary name in its own folder and renames it into place, so an interrupted
 * run never leaves a half-written result (a later {@code --resume} can trust any file it finds).
 * The temporary name, {@code .NAME.musc4j-RANDOM.tmp} ({@link #isTemporary}), is one only musc4j uses,
 * so that what an interrupted run left can be told from the user's own files.
 */
public final class AtomicFiles {

    /** The mark in every temporary file's name. */
    public static final String TEMPORARY_MARK = ".musc4j-";

    private AtomicFiles() {
    }

    /**
     * Writes {@code bytes} to {@code file} atomically, creating parent folders.
     *
     * @throws FileSystemException naming {@code file} and the reason, also where the JDK names neither
     *     (a full disk is reported as a bare "No space left on device")
     */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, tmp -> Files.write(tmp, bytes));
    }

    /** Writes what {@code in} holds to {@code file} atomically, as {@link #write(Path, byte[])}. */
    public static void write(Path file, InputStream in) throws IOException {
        write(file, tmp -> Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING));
    }

    private interface Content {
        void writeTo(Path tmp) throws IOException;
    }

    private static void write(Path file, Content content) throws IOException {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, "." + file.getFileName() + TEMPORARY_MARK, ".tmp");
            try {
                content.writeTo(tmp);
                readableByAll(tmp);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw named(file, e);
        }
    }

    private static FileSystemException named(Path file, IOException e) {
        String reason = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (reason == null) {
            reason = e instanceof FileSystemException f && f.getFile() != null && !f.getFile().equals(file.toString())
                    ? e.getClass().getSimpleName() + " on " + f.getFile() : e.getClass().getSimpleName();
        }
        FileSystemException named = new FileSystemException(file.toString(), null, "cannot write (" + reason + ")");
        named.initCause(e);
        return named;
    }

    /**
     * Temporary files are created owner-only (0600); results are meant to be shared like any file
     * the user writes, so they get rw-r--r-- where the file system has POSIX permissions.
     */
    public static void readableByAll(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** Whether {@code name} is that of a temporary file this class writes. */
    public static boolean isTemporary(String name) {
        return name.startsWith(".") && name.contains(TEMPORARY_MARK) && name.endsWith(".tmp");
    }

    /** Writes {@code text} as UTF-8 to {@code file} atomically. */
    public static void writeString(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
