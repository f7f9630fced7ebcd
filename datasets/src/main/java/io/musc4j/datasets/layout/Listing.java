package io.musc4j.datasets.layout;

import io.musc4j.datasets.Warnings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Directory listing in the reference's order: entries sorted by file name as strings (Java's
 * {@code String.compareTo} orders UTF-16 code units, which equals Python's code-point order for the
 * ASCII names datasets use). Unreadable folders are reported as warnings and read as empty.
 */
final class Listing {

    /** File extensions read as images (lower case, compared case-insensitively). */
    static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "tif", "tiff");

    private Listing() {
    }

    /** Sorted sub-folders of {@code dir} (hidden ones excluded). */
    static List<Path> folders(Path dir, Warnings warnings) {
        return list(dir, warnings).stream().filter(Files::isDirectory).toList();
    }

    /** Sorted image files directly in {@code dir}. */
    static List<Path> images(Path dir, Warnings warnings) {
        return list(dir, warnings).stream().filter(p -> Files.isRegularFile(p) && isImage(p)).toList();
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

    private static List<Path> list(Path dir, Warnings warnings) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        } catch (IOException | SecurityException e) {
            warnings.add(dir + ": cannot list folder (" + e.getClass().getSimpleName() + "); skipped");
            return List.of();
        }
    }
}
