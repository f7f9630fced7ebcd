package io.musc4j.datasets.layout;

import io.musc4j.datasets.Category;
import io.musc4j.datasets.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A plain folder of images, read recursively as one category (named after the folder).
 *
 * <p>Labels are optional. If some folder in the tree is named {@code good}, {@code ok} or
 * {@code normal}, images directly in such a folder get label 0 and images in any other sub-folder
 * label 1; images directly under the root, and all images of a tree without such a folder, are
 * unlabelled (an unlabeled production folder must not come out as "all anomalous").
 * Masks are optional: a folder {@code ground_truth/} or {@code masks/} beside the images, mirroring
 * their sub-folders, holding {@code <stem>_mask.*} or {@code <stem>.*}; it is not read as images.
 * Images are ordered depth-first by sorted folder, then sorted file name. Each folder and each
 * image file is read once by its real path, and the output folder is never entered ({@link Walk}).
 */
final class FolderLayout {

    static final Set<String> GOOD = Set.of("good", "ok", "normal");
    static final List<String> MASK_FOLDERS = List.of("ground_truth", "masks");

    private FolderLayout() {
    }

    static Category read(Path root, Walk walk) {
        Optional<Path> maskRoot = MASK_FOLDERS.stream().map(root::resolve).filter(Files::isDirectory).findFirst();
        List<Path> images = new ArrayList<>();
        if (walk.enter(root)) {
            walk(root, maskRoot, images, walk);
        }
        boolean labelled = images.stream().anyMatch(p -> p.getParent() != null && !p.getParent().equals(root)
                && GOOD.contains(name(p.getParent())));
        List<Sample> samples = new ArrayList<>();
        for (Path img : images) {
            Path parent = img.getParent();
            String type = Listing.relative(root, parent);
            OptionalInt label = !labelled || parent.equals(root) ? OptionalInt.empty()
                    : OptionalInt.of(GOOD.contains(name(parent)) ? 0 : 1);
            String stem = Listing.stem(img);
            Optional<Path> mask = maskRoot.flatMap(m -> findMask(m.resolve(type), stem));
            samples.add(new Sample(img, Listing.relative(root, img), type, stem, label, mask));
        }
        return new Category(root.toAbsolutePath().normalize().getFileName() == null ? ""
                : root.toAbsolutePath().normalize().getFileName().toString(), root, samples);
    }

    private static void walk(Path dir, Optional<Path> maskRoot, List<Path> out, Walk walk) {
        out.addAll(walk.images(dir));
        for (Path sub : walk.subfolders(dir)) {
            if ((maskRoot.isEmpty() || !sub.equals(maskRoot.get())) && walk.enter(sub)) {
                walk(sub, maskRoot, out, walk);
            }
        }
    }

    private static Optional<Path> findMask(Path dir, String stem) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        for (String ext : Listing.IMAGE_EXTENSIONS) {
            for (String name : List.of(stem + "_mask." + ext, stem + "." + ext)) {
                Path p = dir.resolve(name);
                if (Files.isRegularFile(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    private static String name(Path p) {
        return p.getFileName().toString().toLowerCase(Locale.ROOT);
    }
}
