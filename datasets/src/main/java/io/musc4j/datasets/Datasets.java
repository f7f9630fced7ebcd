package io.musc4j.datasets;

import io.musc4j.datasets.image.ImageIo;
import io.musc4j.datasets.image.ImageReadException;
import io.musc4j.datasets.layout.LayoutReader;
import io.musc4j.common.image.ImageSize;
import io.musc4j.common.image.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Entry point: the categories of a dataset folder, in the reference's image order. */
public final class Datasets {

    private Datasets() {
    }

    /**
     * Lists the selected categories of {@code root}.
     *
     * @param selection category names; empty, or the single name {@code ALL}, selects every category
     * @param warnings  receives one line per skipped folder, missing mask or empty category
     * @throws DatasetException when the root is missing, a selected category does not exist, or no
     *                          selected category has a test image
     */
    public static List<Category> categories(DatasetFormat format, Path root, List<String> selection, Warnings warnings) {
        return categories(format, root, selection, Optional.empty(), warnings);
    }

    /**
     * As {@link #categories(DatasetFormat, Path, List, Warnings)}, never reading {@code output} (the
     * run's output folder, which may lie inside {@code root}). Every folder and image file is read once,
     * by its real path, so symbolic link loops end and linked duplicates count once.
     */
    public static List<Category> categories(DatasetFormat format, Path root, List<String> selection,
                                            Optional<Path> output, Warnings warnings) {
        if (!Files.isDirectory(root)) {
            throw new DatasetException(root + ": no such folder");
        }
        List<Category> all = LayoutReader.readAll(format, root, output, warnings);
        if (all.isEmpty()) {
            throw new DatasetException(root + ": no " + format.cliName() + " category found (see --format)");
        }
        List<Category> chosen = all;
        boolean everything = selection.isEmpty() || (selection.size() == 1 && selection.get(0).equalsIgnoreCase("ALL"));
        if (!everything) {
            Map<String, Category> byName = new LinkedHashMap<>();
            all.forEach(c -> byName.put(c.name(), c));
            chosen = new ArrayList<>();
            // a name given twice is scored once
            for (String name : selection.stream().distinct().toList()) {
                Category c = byName.get(name);
                if (c == null) {
                    throw new DatasetException(root + ": no category '" + name + "' (found: "
                            + String.join(", ", byName.keySet()) + ")");
                }
                chosen.add(c);
            }
        }
        List<Category> nonEmpty = new ArrayList<>();
        for (Category c : chosen) {
            if (c.samples().isEmpty()) {
                warnings.add(c.root() + ": category '" + c.name() + "' has no test images; skipped");
            } else {
                nonEmpty.add(c);
            }
        }
        if (nonEmpty.isEmpty()) {
            throw new DatasetException(root + ": no test images in the selected categories");
        }
        return nonEmpty;
    }

    /**
     * Decodes every image of {@code category} once (in parallel) and passes it through
     * {@code transform} (e.g. the resize to the network size, so only the small copy is kept). Samples
     * whose image cannot be decoded (zero-byte, truncated, not an image) are dropped, each named in a
     * warning. A sample whose mask cannot be decoded keeps its image but loses the mask. Mixed image
     * sizes are allowed (every image is resized to S×S) but reported once.
     *
     * @throws DatasetException if no image of the category can be read
     */
    public static DecodedCategory decode(Category category, UnaryOperator<RgbImage> transform, Warnings warnings) {
        List<Sample> samples = category.samples();
        Object[] decoded = new Object[samples.size()];
        IntStream.range(0, samples.size()).parallel().forEach(i -> {
            try {
                RgbImage img = ImageIo.readRgb(samples.get(i).image());
                decoded[i] = new Decoded(ImageSize.of(img), transform.apply(img));
            } catch (ImageReadException e) {
                decoded[i] = e;
            }
        });
        List<Sample> kept = new ArrayList<>();
        List<RgbImage> images = new ArrayList<>();
        List<ImageSize> own = new ArrayList<>();
        Map<ImageSize, Integer> sizes = new LinkedHashMap<>();
        for (int i = 0; i < samples.size(); i++) {
            if (decoded[i] instanceof ImageReadException e) {
                warnings.add(e.getMessage() + "; skipped");
                continue;
            }
            Decoded d = (Decoded) decoded[i];
            sizes.merge(d.size(), 1, Integer::sum);
            kept.add(withReadableMask(samples.get(i), warnings));
            images.add(d.image());
            own.add(d.size());
        }
        if (sizes.size() > 1) {
            Set<String> list = sizes.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            warnings.add(category.root() + ": images of " + sizes.size() + " different sizes " + list
                    + "; all are resized to the same square size");
        }
        if (kept.isEmpty()) {
            throw new DatasetException(category.root() + ": no readable test image in category '" + category.name() + "'");
        }
        return new DecodedCategory(new Category(category.name(), category.root(), kept), images, own);
    }

    private record Decoded(ImageSize size, RgbImage image) {
    }

    private static Sample withReadableMask(Sample s, Warnings warnings) {
        if (s.mask().isEmpty()) {
            return s;
        }
        try {
            ImageIo.readBinaryMask(s.mask().get());
            return s;
        } catch (ImageReadException e) {
            warnings.add(e.getMessage() + "; mask ignored");
            return new Sample(s.image(), s.relativePath(), s.defectType(), s.stem(), s.label(), Optional.empty());
        }
    }
}
