package io.musc4j.datasets.layout;

import io.musc4j.datasets.Category;
import io.musc4j.datasets.Sample;
import io.musc4j.datasets.Warnings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The layout shared by MVTec AD, BTAD, MVTec AD 2 and VisA after the reference's preprocessing: a
 * test folder with one sub-folder per defect type (the normal one named e.g. {@code good}) and a
 * ground-truth folder with one mask folder per defect type.
 *
 * <p>Order and labels follow SPEC §1: defect folders sorted, files sorted, label 0 for the normal
 * folder and 1 otherwise. Masks are paired by name: image {@code <stem>.*} takes mask
 * {@code <stem>_mask.*} or {@code <stem>.*}. The reference pairs MVTec AD and BTAD masks by sorted
 * position instead; on the real data (and the fixtures) both give the same pairs, because
 * {@code NNN.png} and {@code NNN_mask.png} sort alike. Where names do not correspond and
 * {@code positional} is set (MVTec AD, BTAD) and the counts agree, masks are paired by position as the
 * reference does, with a warning.
 * Anomalous images left without a mask are kept (they still count for the image metrics) and named
 * in a warning.
 *
 * @param testDir    the test folder relative to the category folder ({@code test}, {@code test_public})
 * @param gtDir      the ground-truth folder relative to the category folder
 * @param goodNames  names of the normal folder
 * @param positional whether the layout defines pairing by sorted position as a fallback
 */
record TypeFolderLayout(String testDir, String gtDir, Set<String> goodNames, boolean positional) {

    static final TypeFolderLayout MVTEC = new TypeFolderLayout("test", "ground_truth", Set.of("good"), true);
    static final TypeFolderLayout BTAD = new TypeFolderLayout("test", "ground_truth", Set.of("ok", "good"), true);
    static final TypeFolderLayout MVTEC2 = new TypeFolderLayout("test_public", "test_public/ground_truth", Set.of("good"), false);

    /** True when {@code dir} looks like a category folder of this layout. */
    boolean isCategory(Path dir) {
        return Files.isDirectory(dir.resolve(testDir));
    }

    Category read(String name, Path categoryDir, Path dataRoot, Walk walk) {
        Warnings warnings = walk.warnings();
        List<Sample> samples = new ArrayList<>();
        for (Path typeDir : walk.folders(categoryDir.resolve(testDir))) {
            String type = typeDir.getFileName().toString();
            if (testDir.equals("test_public") && type.equals("ground_truth")) {
                continue;
            }
            boolean good = goodNames.contains(type);
            List<Path> images = walk.images(typeDir);
            List<Optional<Path>> masks = good ? images.stream().map(i -> Optional.<Path>empty()).toList()
                    : pairMasks(images, categoryDir.resolve(gtDir).resolve(type), warnings);
            for (int i = 0; i < images.size(); i++) {
                Path img = images.get(i);
                samples.add(new Sample(img, Listing.relative(dataRoot, img), type, Listing.stem(img),
                        OptionalInt.of(good ? 0 : 1), masks.get(i)));
            }
        }
        return new Category(name, categoryDir, samples);
    }

    private List<Optional<Path>> pairMasks(List<Path> images, Path maskDir, Warnings warnings) {
        List<Path> maskFiles = Files.isDirectory(maskDir) ? Listing.images(maskDir, warnings) : List.of();
        Map<String, Path> byKey = new HashMap<>();
        for (Path m : maskFiles) {
            String s = Listing.stem(m);
            byKey.putIfAbsent(s.endsWith("_mask") ? s.substring(0, s.length() - 5) : s, m);
        }
        List<Optional<Path>> out = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Path img : images) {
            Path m = byKey.get(Listing.stem(img));
            out.add(Optional.ofNullable(m));
            if (m == null) {
                missing.add(img.getFileName().toString());
            }
        }
        if (missing.isEmpty()) {
            return out;
        }
        if (positional && maskFiles.size() == images.size()) {
            warnings.add(maskDir + ": mask names do not match the image names; paired by sorted position as the reference does");
            return maskFiles.stream().map(Optional::of).toList();
        }
        warnings.add(maskDir + ": no mask for " + missing.size() + " of " + images.size() + " images "
                + abbreviate(missing) + "; their masks are taken as empty");
        return out;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 5 ? names.toString()
                : names.subList(0, 5).toString().replace("]", ", ... +" + (names.size() - 5) + " more]");
    }
}
