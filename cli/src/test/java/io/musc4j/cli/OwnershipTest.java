package io.musc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * musc4j deletes or replaces only what it wrote into {@code --out} (listed in its manifest): a folder or
 * run file of the same name that someone else put there is refused with one line, or replaced only with
 * {@code --overwrite}; files at other names, temporary-looking ones included, are never touched.
 */
class OwnershipTest {

    @TempDir
    Path tmp;

    private Cli.Outcome run(Path data, Path out, Object... extra) {
        List<Object> args = new ArrayList<>(List.of("run", "--data", data, "--format", "mvtec", "--model", Cli.DINOV2,
                "--image-size", 112, "--heatmaps", "none", "--out", out));
        args.addAll(List.of(extra));
        return Cli.musc(args.toArray());
    }

    private Path smallData() throws IOException {
        return Cli.smallBrick(tmp.resolve("data"));
    }

    private static String refused(Cli.Outcome r) {
        return Cli.refused(r);
    }

    @Test
    void aFolderNamedLikeACategoryIsNotReplaced() throws IOException {
        Path out = tmp.resolve("out");
        Path thesis = Files.createDirectories(out.resolve("brick/thesis"));
        Files.writeString(thesis.resolve("ch1.tex"), "chapter one");
        Path data = smallData();
        String line = refused(run(data, out));
        assertEquals("musc: " + out + ": brick is not a folder musc4j wrote here; it is left as it is. Choose another "
                + "--out, move it away, or pass --overwrite to replace it", line);
        assertEquals("chapter one", Files.readString(thesis.resolve("ch1.tex")));

        Cli.Outcome replaced = run(data, out, "--overwrite");
        assertEquals(0, replaced.code(), replaced::toString);
        assertFalse(Files.exists(thesis), "--overwrite replaces the folder of that name");
        assertTrue(Files.exists(out.resolve("brick/scores.csv")));
    }

    @Test
    void runFilesSomeoneElseWroteAreNotOverwritten() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("report.html"), "my report");
        String line = refused(run(smallData(), out));
        assertEquals("musc: " + out + ": report.html is not a file musc4j wrote here; it is left as it is. Choose "
                + "another --out, move it away, or pass --overwrite to replace it", line);
        assertEquals("my report", Files.readString(out.resolve("report.html")));
    }

    /** Other names are used as they are: new names beside them, nothing of theirs removed. */
    @Test
    void otherFilesStayAndTemporaryLookingOnesAreNotCleanedUp() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path notes = Files.createDirectories(out.resolve("notes"));
        Files.writeString(notes.resolve(".draft.tmp"), "draft");
        Files.writeString(out.resolve(".session.tmp"), "mine");
        Files.createDirectories(out.resolve(".brick.staging"));
        Files.writeString(out.resolve(".brick.staging/keep.txt"), "not musc4j's");
        Cli.Outcome r = run(smallData(), out);
        assertEquals(0, r.code(), r::toString);
        assertFalse(r.err().contains("temporary"), r::toString);
        assertEquals("draft", Files.readString(notes.resolve(".draft.tmp")));
        assertEquals("mine", Files.readString(out.resolve(".session.tmp")));
        assertEquals("not musc4j's", Files.readString(out.resolve(".brick.staging/keep.txt")));
        assertTrue(Files.exists(out.resolve("brick/scores.csv")) && Files.exists(out.resolve("run.json")));
    }

    /**
     * A second run replaces what the first wrote; a file someone added inside musc4j's category folder
     * since then makes it refuse (naming the file) rather than delete it.
     */
    @Test
    void itsOwnResultsAreReplacedButNotAFileAddedToThem() throws IOException {
        Path data = smallData();
        Path out = tmp.resolve("out");
        assertEquals(0, run(data, out).code());
        List<String> manifest = new ArrayList<>();
        com.google.gson.JsonParser.parseString(Files.readString(out.resolve(".musc4j-manifest"))).getAsJsonObject()
                .getAsJsonArray("written").forEach(e -> manifest.add(e.getAsString()));
        assertTrue(manifest.contains("brick/scores.csv") && manifest.contains("run.json"), manifest::toString);
        Cli.Outcome again = run(data, out, "--degrees", "1,3");
        assertEquals(0, again.code(), again::toString);

        Files.writeString(out.resolve("brick/my-notes.txt"), "notes");
        String line = refused(run(data, out));
        assertEquals("musc: " + out + ": brick holds my-notes.txt, which musc4j did not write; it is left as it is. "
                + "Choose another --out, move it away, or pass --overwrite to replace it", line);
        assertEquals("notes", Files.readString(out.resolve("brick/my-notes.txt")));
        try (Stream<Path> files = Files.walk(out)) {
            assertEquals(List.of(), files.map(p -> out.relativize(p).toString())
                    .filter(n -> n.contains("staging") || n.contains("replaced") || n.endsWith(".tmp")).toList());
        }
    }
}
