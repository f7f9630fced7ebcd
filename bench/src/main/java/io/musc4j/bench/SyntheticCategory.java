package io.musc4j.bench;

import io.musc4j.datasets.demo.DemoDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * An MVTec-layout category of any size for benchmarks: the demo dataset's procedural textures
 * ({@link DemoDataset}, 224×224 PNG with masks), drawn with successive seeds and renumbered into one
 * category until it holds the requested number of test images.
 */
final class SyntheticCategory {

    private SyntheticCategory() {
    }

    /**
     * Writes {@code root/<category>/test/<type>/NNN.png} and {@code ground_truth/<type>/NNN_mask.png}.
     *
     * @param demoCategory one of the demo dataset's categories, e.g. {@code ceramic_tile}
     * @return the number of images written
     */
    static int write(Path root, String demoCategory, int images, long seed) throws IOException {
        if (images < 2) {
            throw new IllegalArgumentException("--images must be at least 2, got " + images);
        }
        Path target = root.resolve(demoCategory);
        if (Files.exists(target)) {
            throw new IllegalArgumentException(target + ": already exists; choose an empty --out");
        }
        int written = 0;
        java.util.Map<String, Integer> counters = new java.util.HashMap<>();
        for (long s = seed; written < images; s++) {
            Path tmp = Files.createTempDirectory("musc-make-data");
            try {
                List<String> names = DemoDataset.generate(tmp, s);
                if (!names.contains(demoCategory)) {
                    throw new IllegalArgumentException("unknown category '" + demoCategory + "' (known: "
                            + String.join(", ", names) + ")");
                }
                Path src = tmp.resolve(demoCategory).resolve("test");
                for (Path img : sorted(src)) {
                    if (written == images) {
                        break;
                    }
                    String type = img.getParent().getFileName().toString();
                    String stem = img.getFileName().toString().replace(".png", "");
                    int k = counters.merge(type, 1, Integer::sum) - 1;
                    String newStem = String.format("%03d", k);
                    copy(img, target.resolve("test").resolve(type).resolve(newStem + ".png"));
                    Path mask = tmp.resolve(demoCategory).resolve("ground_truth").resolve(type).resolve(stem + "_mask.png");
                    if (Files.exists(mask)) {
                        copy(mask, target.resolve("ground_truth").resolve(type).resolve(newStem + "_mask.png"));
                    }
                    written++;
                }
            } finally {
                deleteTree(tmp);
            }
        }
        return written;
    }

    /** The test images of one demo category, normal ones first, each type in file-name order. */
    private static List<Path> sorted(Path test) throws IOException {
        try (Stream<Path> s = Files.walk(test)) {
            return s.filter(Files::isRegularFile).sorted(Comparator
                    .comparing((Path p) -> !p.getParent().getFileName().toString().equals("good"))
                    .thenComparing(Path::toString)).toList();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
