package io.musc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --out} is checked before anything is computed, with one line naming it and the reason; a run
 * that fails while writing names the file and leaves no mix of two runs' files.
 */
class OutputFolderTest {

    @TempDir
    Path tmp;

    /** {@code musc run} on a few brick images at 112 px, the given options added. */
    private Cli.Outcome run(Path data, Path out, Object... extra) {
        List<Object> args = new ArrayList<>(List.of("run", "--data", data, "--format", "mvtec", "--model", Cli.DINOV2,
                "--image-size", 112, "--out", out));
        args.addAll(List.of(extra));
        return Cli.musc(args.toArray());
    }

    private static String refused(Cli.Outcome r) {
        return Cli.refused(r);
    }

    private Path smallData() throws IOException {
        return Cli.smallBrick(tmp.resolve("data"));
    }

    @Test
    void anExistingFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("results.txt"), "x");
        assertEquals("musc: " + file + ": exists and is not a folder; --out needs a folder (it is created if missing)",
                refused(run(Cli.DATA, file)));
        assertEquals("musc: " + file.resolve("sub/dir") + ": cannot create the folder (" + file + " is a file)",
                refused(run(Cli.DATA, file.resolve("sub/dir"))));
    }

    @Test
    void underProc() {
        assertEquals("musc: /proc/musc-results: is under /proc, a virtual file system that cannot hold results; "
                + "choose another --out", refused(run(Cli.DATA, Path.of("/proc/musc-results"))));
    }

    @Test
    void theDataFolderItself() {
        assertEquals("musc: " + Cli.DATA + ": is the data folder (--data); choose another --out",
                refused(run(Cli.DATA, Cli.DATA)));
    }

    @Test
    void aFolderAnotherRunIsWriting() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("busy"));
        try (FileChannel c = FileChannel.open(out.resolve(".musc.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = c.lock()) {
            assertEquals("musc: " + out + ": another musc run is writing to this folder; wait for it or choose another "
                    + "--out", refused(run(Cli.DATA, out)));
        }
    }

    @Test
    void aReadOnlyFolder() throws IOException, InterruptedException {
        Path out = Files.createDirectories(tmp.resolve("ro"));
        assumeTrue(mount(out, "ro,size=64k"), "needs permission to mount a tmpfs");
        try {
            assertEquals("musc: " + out + ": not writable (Read-only file system)", refused(run(Cli.DATA, out)));
        } finally {
            umount(out);
        }
    }

    /**
     * A disk that fills while the new run writes its heatmaps: the error names the file; the older run's
     * complete results stay as they were and its run-level files are gone, so no file describes a mix;
     * the partial staging folder is removed at once; once there is room, the next run completes.
     */
    @Test
    void aFullDiskNamesTheFileAndLeavesNoMixOfTwoRuns() throws IOException, InterruptedException {
        Path data = smallData();
        Path out = Files.createDirectories(tmp.resolve("small-disk"));
        assumeTrue(mount(out, "size=4m"), "needs permission to mount a tmpfs");
        try {
            Cli.Outcome older = run(data, out, "--heatmaps", "none");
            assertEquals(0, older.code(), older::toString);
            String olderScores = Files.readString(out.resolve("brick/scores.csv"));
            assertTrue(Files.exists(out.resolve("run.json")) && Files.exists(out.resolve("report.html")));
            Path filler = out.resolve("filler");
            fill(filler, out, 48 * 1024);

            Cli.Outcome full = run(data, out, "--degrees", "1,3");
            assertEquals(1, full.code(), full::toString);
            String last = full.errLines()[full.errLines().length - 1];
            assertTrue(last.matches("musc: " + java.util.regex.Pattern.quote(out.toString())
                    + "/\\.brick\\.musc4j-staging/.+: cannot write \\(No space left on device\\)"), last);
            assertFalse(Files.exists(out.resolve(".brick.musc4j-staging")), "the partial files do not keep the space");
            assertEquals(olderScores, Files.readString(out.resolve("brick/scores.csv")), "older results untouched");
            for (String f : List.of("run.json", "report.html", "metrics.json", "metrics.md")) {
                assertFalse(Files.exists(out.resolve(f)), f + " of the older run must not describe this one");
            }

            Files.delete(filler);
            Cli.Outcome again = run(data, out, "--degrees", "1,3");
            assertEquals(0, again.code(), again::toString);
            assertNotEquals(olderScores, Files.readString(out.resolve("brick/scores.csv")));
            try (Stream<Path> files = Files.walk(out)) {
                assertEquals(List.of(), files.map(p -> out.relativize(p).toString())
                        .filter(n -> n.contains(".staging") || n.contains(".replaced") || n.endsWith(".tmp")).toList());
            }
        } finally {
            umount(out);
        }
    }

    /** Writes {@code file} until {@code dir}'s file system has about {@code leave} bytes free. */
    private static void fill(Path file, Path dir, long leave) throws IOException {
        long free = Files.getFileStore(dir).getUsableSpace();
        byte[] block = new byte[4096];
        try (var o = Files.newOutputStream(file)) {
            for (long n = 0; n < free - leave; n += block.length) {
                o.write(block);
            }
        }
    }

    private static boolean mount(Path dir, String options) throws IOException, InterruptedException {
        if (!System.getProperty("os.name").startsWith("Linux")) {
            return false;
        }
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    private static void umount(Path dir) throws IOException, InterruptedException {
        new ProcessBuilder("umount", dir.toString()).redirectErrorStream(true).start().waitFor();
    }
}
