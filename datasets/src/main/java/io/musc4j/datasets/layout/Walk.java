package io.musc4j.datasets.layout;

import io.musc4j.datasets.Warnings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One reading of a data root, so that every image is counted once: folders are entered at most once
 * by their real path (a symlink back to an ancestor would otherwise be walked until the path is too
 * long, and two links to one folder would score its images twice), an image file reached twice by
 * two paths is kept once, and the run's output folder is never entered (a run would score its own
 * heatmaps, and duplicates break mutual scoring: a defect finds matches in its own copies).
 */
final class Walk {

    private final Warnings warnings;
    private final Optional<Path> output;
    private final Set<Path> folders = new HashSet<>();
    private final Map<Path, Path> files = new HashMap<>();
    private final Listing.Lister lister;
    /** Each folder is listed once, so that its problems are reported once. */
    private final Map<Path, List<Path>> listed = new HashMap<>();
    private boolean outputSeen;

    /**
     * @param output the output folder (need not exist), never entered; empty for none
     */
    Walk(Warnings warnings, Optional<Path> output) {
        this(warnings, output, Files::list);
    }

    /** As above, listing folders with {@code lister}. */
    Walk(Warnings warnings, Optional<Path> output, Listing.Lister lister) {
        this.warnings = warnings;
        this.output = output.map(Walk::real);
        this.lister = lister;
    }

    Warnings warnings() {
        return warnings;
    }

    /** Marks {@code dir} entered; false (with a warning) when it was entered before or is the output folder. */
    boolean enter(Path dir) {
        Path real = real(dir);
        if (output.isPresent() && real.startsWith(output.get())) {
            if (!outputSeen) {
                outputSeen = true;
                warnings.add(dir + ": the output folder (--out) is inside the data folder; not read as input");
            }
            return false;
        }
        if (!folders.add(real)) {
            warnings.add(dir + ": leads to " + real + ", which is already read (a symbolic link loop or a second "
                    + "link to one folder); not read again");
            return false;
        }
        return true;
    }

    /** Sorted image files directly in {@code dir}, without those already listed under another path. */
    List<Path> images(Path dir) {
        List<Path> kept = new ArrayList<>();
        for (Path img : Listing.images(entries(dir))) {
            Path first = files.putIfAbsent(real(img), img);
            if (first == null) {
                kept.add(img);
            } else {
                warnings.add(img + ": the same file as " + first + "; counted once");
            }
        }
        return kept;
    }

    /** Sorted sub-folders of {@code dir} not entered before; each returned folder counts as entered. */
    List<Path> folders(Path dir) {
        return subfolders(dir).stream().filter(this::enter).toList();
    }

    /** Sorted sub-folders of {@code dir}, none marked entered. */
    List<Path> subfolders(Path dir) {
        return Listing.folders(entries(dir));
    }

    private List<Path> entries(Path dir) {
        return listed.computeIfAbsent(dir, d -> Listing.list(d, warnings, lister));
    }

    /** The real path, or the absolute normalised path of something that does not exist (yet). */
    static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException | SecurityException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
