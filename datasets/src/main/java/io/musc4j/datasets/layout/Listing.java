package io.musc4j.datasets.layout;

import io.musc4j.datasets.Warnings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Directory listing in the reference's order: entries sorted by file name as strings (Java's
 * {@code String.compareTo} orders UTF-16 code units, which equals Python's code-point order for the
 * ASCII names datasets use). Unreadable folders and links that lead nowhere are reported as warnings,
 * never as errors: a run scores what it can read.
 */
final class Listing {

    /** File extensions read as images (lower case, compared case-insensitively). */
    static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "tif", "tiff");

    private Listing() {
    }

    /** Lists a folder's entries; {@link Files#list} but for tests that make a folder fail. */
    @FunctionalInterface
    interface Lister {
        Stream<Path> list(Path dir) throws IOException;
    }

    /** Sorted sub-folders of {@code dir} (hidden ones excluded). */
    static List<Path> folders(Path dir, Warnings warnings) {
        return folders(list(dir, warnings, Files::list));
    }

    /** Sorted image files directly in {@code dir}. */
    static List<Path> images(Path dir, Warnings warnings) {
        return images(list(dir, warnings, Files::list));
    }

    /** The folders among listed {@code entries}. */
    static List<Path> folders(List<Path> entries) {
        return entries.stream().filter(Files::isDirectory).toList();
    }

    /** The image files among listed {@code entries}. */
    static List<Path> images(List<Path> entries) {
        return entries.stream().filter(p -> Files.isRegularFile(p) && isImage(p)).toList();
    }

    static boolean isImage(Path p) {
        return IMAGE_EXTENSIONS.contains(extension(p));
    }

    static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot <= 0 ? n : n.substring(0, dot);
    }

    /** {@code file} relative to {@code root} with '/' separators. */
    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    /**
     * The entries of {@code dir} sorted by name, hidden ones excluded. A folder that cannot be listed, in
     * full or part-way, is a warning naming it and reads as empty; a symbolic link that leads nowhere is a
     * warning naming it.
     */
    static List<Path> list(Path dir, Warnings warnings, Lister lister) {
        List<Path> entries;
        try (Stream<Path> s = lister.list(dir)) {
            entries = s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        } catch (IOException | UncheckedIOException | DirectoryIteratorException | SecurityException e) {
            warnings.add(dir + ": cannot list folder (" + reason(e) + "); skipped");
            return List.of();
        }
        for (Path p : entries) {
            if (Files.isSymbolicLink(p) && !Files.exists(p)) {
                warnings.add(p + ": a symbolic link that leads nowhere (its target is missing, or a loop); skipped");
            }
        }
        return entries;
    }

    private static String reason(Exception e) {
        Throwable t = e instanceof UncheckedIOException || e instanceof DirectoryIteratorException ? e.getCause() : e;
        if (t instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (t instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return t.getClass().getSimpleName();
    }
}
