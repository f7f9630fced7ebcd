package io.musc4j.datasets.output;

import io.musc4j.datasets.Sample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where the per-image results of a category go, below its output folder: {@code maps/<key>.npy},
 * {@code heatmaps/<key>.png} and {@code masks/<key>.png}, where the key of an image is
 * {@code <type>/<stem>}: its defect folder (for a plain folder, its sub-folder path; images at the
 * root have no folder part) and its file name without extension.
 */
public final class ResultPaths {

    private ResultPaths() {
    }

    /**
     * The output key of each sample, in sample order, all distinct: {@code <type>/<stem>}, except that
     * images of one folder sharing a stem ({@code 000.png} and {@code 000.jpg}) keep their extension
     * ({@code <type>/000.png}, {@code <type>/000.jpg}), and a key still taken (also when compared
     * ignoring case, as some file systems do) gets {@code ~2}, {@code ~3}... appended.
     */
    public static List<String> keys(List<Sample> samples) {
        Map<String, Integer> stems = new HashMap<>();
        for (Sample s : samples) {
            stems.merge(prefix(s) + s.stem(), 1, Integer::sum);
        }
        Set<String> taken = new HashSet<>();
        List<String> keys = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            String base = prefix(s) + (stems.get(prefix(s) + s.stem()) > 1
                    ? s.image().getFileName().toString() : s.stem());
            String key = base;
            for (int n = 2; !taken.add(fold(key)); n++) {
                key = base + "~" + n;
            }
            keys.add(key);
        }
        return keys;
    }

    /** {@code categoryOut/maps/<key>.npy}. */
    public static Path map(Path categoryOut, String key) {
        return categoryOut.resolve("maps").resolve(key + ".npy");
    }

    /** {@code categoryOut/heatmaps/<key>.png}. */
    public static Path heatmap(Path categoryOut, String key) {
        return categoryOut.resolve("heatmaps").resolve(key + ".png");
    }

    /** {@code categoryOut/masks/<key>.png}. */
    public static Path mask(Path categoryOut, String key) {
        return categoryOut.resolve("masks").resolve(key + ".png");
    }

    private static String prefix(Sample s) {
        return s.defectType().isEmpty() ? "" : s.defectType() + "/";
    }

    private static String fold(String key) {
        return key.toLowerCase(Locale.ROOT);
    }
}
