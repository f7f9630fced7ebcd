package io.musc4j.datasets.layout;

import io.musc4j.datasets.Category;
import io.musc4j.datasets.DatasetFormat;
import io.musc4j.datasets.Warnings;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Lists every category of a data root in one of the {@link DatasetFormat} layouts. A root may be the
 * dataset folder (holding category folders) or a single category folder.
 */
public final class LayoutReader {

    private LayoutReader() {
    }

    /**
     * All categories under {@code root}, sorted by name; empty when none is recognised.
     *
     * @param output a folder never read as input (the run's output), empty for none
     */
    public static List<Category> readAll(DatasetFormat format, Path root, Optional<Path> output, Warnings warnings) {
        Walk walk = new Walk(warnings, output);
        return switch (format) {
            case MVTEC -> typeFolders(TypeFolderLayout.MVTEC, root, walk);
            case BTAD -> typeFolders(TypeFolderLayout.BTAD, root, walk);
            case MVTEC2 -> typeFolders(TypeFolderLayout.MVTEC2, root, walk);
            case VISA -> VisaCsvLayout.applies(root) ? VisaCsvLayout.read(root, warnings)
                    : typeFolders(TypeFolderLayout.MVTEC, root, walk);
            case FOLDER -> List.of(FolderLayout.read(root, walk));
        };
    }

    private static List<Category> typeFolders(TypeFolderLayout layout, Path root, Walk walk) {
        if (layout.isCategory(root)) {
            return walk.enter(root)
                    ? List.of(layout.read(root.toAbsolutePath().normalize().getFileName().toString(), root, root, walk))
                    : List.of();
        }
        walk.enter(root);
        return walk.folders(root).stream().filter(layout::isCategory)
                .map(dir -> layout.read(dir.getFileName().toString(), dir, root, walk))
                .toList();
    }
}
