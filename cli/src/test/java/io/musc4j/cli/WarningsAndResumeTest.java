package io.musc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy of part of the brick category with one corrupt image and one missing mask: the run goes on
 * with named warnings; then {@code --resume} reuses the finished category unless a scoring option changed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WarningsAndResumeTest {

    @TempDir
    static Path tmp;

    private static Path data;
    private static Path corrupt;
    private static Path out;
    private static Cli.Outcome first;

    @BeforeAll
    static void runOnDamagedCopy() throws IOException {
        data = tmp.resolve("data");
        Path src = Cli.DATA.resolve("brick");
        Path dst = data.resolve("brick");
        for (String f : List.of("test/good/000.png", "test/good/001.png", "test/good/002.png", "test/good/003.png",
                "test/color/000.png", "test/color/001.png", "test/scratch/000.png",
                "ground_truth/color/000_mask.png", "ground_truth/color/001_mask.png")) {
            Files.createDirectories(dst.resolve(f).getParent());
            Files.copy(src.resolve(f), dst.resolve(f));
        }
        Files.createDirectories(dst.resolve("ground_truth/scratch"));
        corrupt = dst.resolve("test/color/001.png");
        byte[] png = Files.readAllBytes(corrupt);
        Files.write(corrupt, java.util.Arrays.copyOf(png, 40)); // a PNG cut off inside its header
        out = tmp.resolve("out");
        first = run();
    }

    private static Cli.Outcome run(Object... extra) {
        Object[] base = {"run", "--data", data, "--format", "mvtec", "--model", Cli.CLIP, "--out", out};
        Object[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.musc(args);
    }

    @Test
    @Order(1)
    void corruptImageAndMissingMaskAreNamedWarnings() throws IOException {
        assertEquals(0, first.code(), first::toString);
        String err = first.err();
        assertTrue(err.contains("warning: " + corrupt + ": not a readable image"), err);
        assertTrue(err.lines().anyMatch(l -> l.startsWith("warning: ") && l.contains("no mask") && l.contains("000.png")), err);
        assertTrue(err.contains("musc: 2 warnings"), err);
        assertFalse(err.contains("\tat "), err);

        ScoresFile csv = ScoresFile.read(out.resolve("brick/scores.csv"));
        assertEquals(6, csv.rows().size());
        assertFalse(csv.rows().containsKey("brick/test/color/001.png"));
        JsonObject summary = RunParityTest.json(out.resolve("brick/category.json"));
        assertEquals(1, summary.get("skipped").getAsInt());
        assertEquals(2, RunParityTest.json(out.resolve("run.json")).getAsJsonArray("warnings").size());
        String table = first.out().lines().filter(l -> l.startsWith("brick ")).findFirst().orElseThrow();
        assertTrue(table.matches("brick\\s+6\\s+1\\s+.*"), table);
        // Labels are complete, so metrics exist; the scratch image without a mask counts as all normal pixels.
        assertTrue(Files.exists(out.resolve("metrics.json")) && Files.exists(out.resolve("report.html")));
    }

    @Test
    @Order(2)
    void resumeSkipsACompleteCategoryAndRecomputesAfterAnOptionChange() throws IOException {
        Path scores = out.resolve("brick/scores.csv");
        FileTime written = Files.getLastModifiedTime(scores);
        String before = Files.readString(scores);
        Files.delete(out.resolve("metrics.json"));
        Files.delete(out.resolve("report.html"));

        Cli.Outcome resumed = run("--resume");
        assertEquals(0, resumed.code(), resumed::toString);
        assertTrue(resumed.err().contains("musc: brick: complete results found, skipped (--resume)"), resumed::toString);
        assertFalse(resumed.err().contains("features"), "no feature extraction on resume");
        assertEquals(written, Files.getLastModifiedTime(scores));
        assertTrue(Files.exists(out.resolve("metrics.json")) && Files.exists(out.resolve("report.html")));
        assertTrue(Files.readString(out.resolve("report.html")).contains("<img"), "resumed report shows heatmaps");
        assertTrue(resumed.out().lines().anyMatch(l -> l.matches("brick\\s+6\\s+1\\s+.*")), resumed::toString);

        Cli.Outcome changed = run("--resume", "--degrees", "1,3");
        assertEquals(0, changed.code(), changed::toString);
        assertTrue(changed.err().contains("computed with another configuration; category recomputed"), changed::toString);
        assertNotEquals(written, Files.getLastModifiedTime(scores));
        assertNotEquals(before, Files.readString(scores), "other degrees give other scores");
        JsonArray degrees = RunParityTest.json(out.resolve("run.json")).getAsJsonObject("config").getAsJsonArray("degrees");
        assertEquals("[1,3]", degrees.toString());
    }

    /** The fingerprint covers the image list: an added image, then an edited one, make the category stale. */
    @Test
    @Order(3)
    void resumeRecomputesWhenImagesChangeAndClearsAnInterruptedRunsDebris() throws IOException {
        Path scores = out.resolve("brick/scores.csv");
        Path added = data.resolve("brick/test/good/004.png");
        Files.copy(Cli.DATA.resolve("brick/test/good/004.png"), added);
        Cli.Outcome grown = run("--resume", "--degrees", "1,3");
        assertEquals(0, grown.code(), grown::toString);
        assertTrue(grown.err().contains(out.resolve("brick/category.json") + ": the category has 8 images now, 7 when "
                + "its results were computed; category recomputed"), grown::toString);
        assertTrue(ScoresFile.read(scores).rows().containsKey("brick/test/good/004.png"));

        Cli.Outcome same = run("--resume", "--degrees", "1,3");
        assertTrue(same.err().contains("musc: brick: complete results found, skipped (--resume)"), same::toString);

        // an interrupted run's debris: a half-written file and a staging folder
        Files.writeString(out.resolve("brick/.scores.csv.musc4j-1234567.tmp"), "half");
        Files.createDirectories(out.resolve(".brick.musc4j-staging/heatmaps"));
        Files.setLastModifiedTime(added, FileTime.fromMillis(Files.getLastModifiedTime(added).toMillis() - 60_000));
        FileTime before = Files.getLastModifiedTime(scores);
        Cli.Outcome edited = run("--resume", "--degrees", "1,3");
        assertEquals(0, edited.code(), edited::toString);
        assertTrue(edited.err().contains("musc: removed 2 temporary files left in " + out + " by an interrupted run"),
                edited::toString);
        assertTrue(edited.err().contains("images or masks were replaced, renamed or modified since its results were "
                + "computed; category recomputed"), edited::toString);
        assertNotEquals(before, Files.getLastModifiedTime(scores));
        assertFalse(Files.exists(out.resolve("brick/.scores.csv.musc4j-1234567.tmp")) || Files.exists(out.resolve(".brick.musc4j-staging")));
    }
}
