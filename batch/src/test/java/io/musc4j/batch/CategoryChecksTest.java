package io.musc4j.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.datasets.Category;
import io.musc4j.datasets.Sample;
import io.musc4j.engine.Division;
import io.musc4j.engine.rscin.RscinWindows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What makes a set too small, in words that name only the options given; the input fingerprint. */
class CategoryChecksTest {

    private static final CategoryChecks DEFAULTS = new CategoryChecks("m", Division.NONE, false,
            RscinWindows.of(1, 2, 3), "the mvtec default 1,2,3");

    @TempDir
    Path tmp;

    @Test
    void oneImageNeverMentionsDivide() {
        assertEquals(Optional.of("only 1 image: MuSc scores each image against the others and needs at least 2"),
                DEFAULTS.problem(1));
        assertEquals(Optional.empty(), DEFAULTS.problem(3));
    }

    @Test
    void rscinWindowsLargerThanTheSetNameTheFix() {
        assertEquals(Optional.of("2 images, fewer than RsCIN's window of 3 (the mvtec default 1,2,3); score it with "
                + "--rscin 1,2 or --rscin off"), DEFAULTS.problem(2));
        CategoryChecks visa = new CategoryChecks("m", Division.NONE, false, RscinWindows.of(1, 8, 9), "--rscin 1,8,9");
        assertEquals(Optional.of("5 images, fewer than RsCIN's window of 9 (--rscin 1,8,9); score it with --rscin 1 "
                + "or --rscin off"), visa.problem(5));
        CategoryChecks off = new CategoryChecks("m", Division.NONE, false, RscinWindows.off(), "--rscin off");
        assertEquals(Optional.empty(), off.problem(2));
    }

    @Test
    void divideIsNamedOnlyWhenGiven() {
        CategoryChecks divided = new CategoryChecks("m", new Division(4, Division.Mode.RANDOM, 42), true,
                RscinWindows.off(), "--rscin off");
        assertEquals(Optional.of("7 images cannot be divided into 4 subsets of at least 2 (--divide 4); use --divide 3 "
                + "or less"), divided.problem(7));
        assertEquals(Optional.empty(), divided.problem(8));
    }

    @Test
    void fingerprintChangesWithTheImageList() throws Exception {
        Path a = Files.writeString(tmp.resolve("a.png"), "a");
        Path b = Files.writeString(tmp.resolve("b.png"), "b");
        InputFingerprint one = InputFingerprint.of(category(a));
        assertEquals(one, InputFingerprint.of(category(a)));
        InputFingerprint two = InputFingerprint.of(category(a, b));
        assertEquals(Optional.of("the category has 2 images now, 1 when its results were computed"),
                two.changeSince(one));
        Files.setLastModifiedTime(a, FileTime.fromMillis(Files.getLastModifiedTime(a).toMillis() - 5000));
        InputFingerprint touched = InputFingerprint.of(category(a));
        assertNotEquals(one, touched);
        assertTrue(touched.changeSince(one).orElseThrow().contains("modified"));
        Files.writeString(a, "longer");
        assertNotEquals(touched, InputFingerprint.of(category(a)));
    }

    private static Category category(Path... files) {
        return new Category("c", files[0].getParent(), java.util.Arrays.stream(files).map(f -> new Sample(f,
                f.getFileName().toString(), "", "x", OptionalInt.empty(), Optional.empty())).toList());
    }
}
