package io.musc4j.datasets.layout;

import io.musc4j.datasets.Category;
import io.musc4j.datasets.DatasetFormat;
import io.musc4j.datasets.Warnings;
import java.nio.file.Path;
import java.util.List;

/**
 * Lists every category of a data root in one of the {@link DatasetFormat} layouts. A root may be the
 * dataset folder (holding category folders) or a single category folder.
 */
public final class LayoutReader {

    private LayoutReader() {
    }

    /** All categories under {@code root}, sorted by name; empty when none is recognised. */
    public static List<Category> readAll(DatasetFormat format, Path root, Warnings warnings) {
        return switch (format) {
            case MVTEC -> typeFolders(TypeFolderLayout.MVTEC, root, warnings);
            case BTAD -> typeFolders(TypeFolderLayout.BTAD, root, warnings);
            case MVTEC2 -> typeFolders(TypeFolderLayout.MVTEC2, root, warnings);
            case VISA -> VisaCsvLayout.applies(root) ? VisaCsvLayout.read(root, warnings)
                    : typeFolders(TypeFolderLayout.MVTEC, root, warnings);
            case FOLDER -> List.of(FolderLayout.read(root, warnings));
        };
    }

    private static List<Category> typeFolders(TypeFolderLayout layout, Path root, Warnings warnings) {
        if (layout.isCategory(root)) {
            return List.of(layout.read(root.toAbsolutePath().normalize().getFileName().toString(), root, root, warnings));
        }
        return Listing.folders(root, warnings).stream().filter(layout::isCategory)
                .map(dir -> layout.read(dir.getFileName().toString(), dir, root, warnings))
                .toList();
    }
}
