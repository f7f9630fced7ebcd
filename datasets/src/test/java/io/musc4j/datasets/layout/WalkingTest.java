package io.musc4j.datasets.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.musc4j.datasets.Category;
import io.musc4j.datasets.DatasetFormat;
import io.musc4j.datasets.Datasets;
import io.musc4j.datasets.Sample;
import io.musc4j.datasets.Warnings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walking a data folder never aborts: a folder that cannot be listed (at once or part-way), a link that
 * leads nowhere, are warnings naming the path, and what can be read is scored. The tests run as root,
 * which may list any folder, so listing failures are injected through the walk's lister; where this
 * process cannot list {@code /proc/1/map_files} (a container), a link to it is the real case.
 */
class WalkingTest {

    private static final Path BRICK = Path.of(System.getProperty("musc4j.testdata"), "parity/data/brick");

    @TempDir
    Path tmp;

    private Path line() throws IOException {
        Path root = tmp.resolve("line");
        for (String dir : List.of("good", "dent", "scratch")) {
            Files.createDirectories(root.resolve(dir));
            Files.copy(BRICK.resolve("test/good/000.png"), root.resolve(dir).resolve("000.png"));
        }
        return root;
    }

    private static List<String> images(Category c) {
        return c.samples().stream().map(Sample::relativePath).toList();
    }

    @Test
    void foldersThatCannotBeListedAreWarningsOnce() throws IOException {
        Path root = line();
        Listing.Lister failing = dir -> {
            if (dir.endsWith("dent")) {
                throw new AccessDeniedException(dir.toString());
            }
            if (dir.endsWith("scratch")) {
                // opens, then fails while reading the entries, as /proc/1/map_files does
                Iterator<Path> broken = new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        throw new UncheckedIOException(new AccessDeniedException(dir.toString()));
                    }

                    @Override
                    public Path next() {
                        throw new AssertionError();
                    }
                };
                return StreamSupport.stream(Spliterators.spliteratorUnknownSize(broken, 0), false);
            }
            return Files.list(dir);
        };
        Warnings w = new Warnings();
        Category c = FolderLayout.read(root, new Walk(w, Optional.empty(), failing));
        assertEquals(List.of("good/000.png"), images(c));
        assertEquals(List.of(root.resolve("dent") + ": cannot list folder (permission denied); skipped",
                root.resolve("scratch") + ": cannot list folder (permission denied); skipped"), w.all());
    }

    @Test
    void linksThatLeadNowhereAreWarnings() throws IOException {
        Path root = line();
        Path gone = Files.createSymbolicLink(root.resolve("good/001.png"), tmp.resolve("missing.png"));
        Path loop = Files.createSymbolicLink(root.resolve("loop"), root.resolve("loop"));
        Warnings w = new Warnings();
        Category c = FolderLayout.read(root, new Walk(w, Optional.empty()));
        assertEquals(List.of("dent/000.png", "good/000.png", "scratch/000.png"), images(c));
        String nowhere = ": a symbolic link that leads nowhere (its target is missing, or a loop); skipped";
        assertEquals(List.of(gone + nowhere, loop + nowhere), w.all().stream().sorted().toList());
    }

    @Test
    void aFolderTheKernelWillNotListIsAWarning() throws IOException {
        Path maps = Path.of("/proc/1/map_files");
        boolean refused;
        try (Stream<Path> s = Files.list(maps)) {
            s.count();
            refused = false;
        } catch (IOException | UncheckedIOException e) {
            refused = true;
        }
        assumeTrue(refused, "this process may list /proc/1/map_files");
        Path root = line();
        Files.createSymbolicLink(root.resolve("maps"), maps);
        Warnings w = new Warnings();
        Category c = Datasets.categories(DatasetFormat.FOLDER, root, List.of(), w).get(0);
        assertEquals(3, c.samples().size());
        assertEquals(List.of(root.resolve("maps") + ": cannot list folder (permission denied); skipped"), w.all());
    }

    @Test
    void aCategoryNamedTwiceIsScoredOnce() {
        List<Category> c = Datasets.categories(DatasetFormat.MVTEC, BRICK.getParent(), List.of("brick", "brick"),
                new Warnings());
        assertEquals(List.of("brick"), c.stream().map(Category::name).toList());
    }
}
