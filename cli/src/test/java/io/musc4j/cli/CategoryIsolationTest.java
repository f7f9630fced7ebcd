package io.musc4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Categories that cannot be scored (one image, fewer images than RsCIN's window, only broken images)
 * are named with the reason and the fix; the others are scored, and the exit code says some failed.
 */
class CategoryIsolationTest {

    @TempDir
    static Path tmp;

    private static Path data;
    private static Path out;
    private static Cli.Outcome run;

    @BeforeAll
    static void runAMixedDataset() throws IOException {
        data = tmp.resolve("data");
        Path brick = Cli.DATA.resolve("brick");
        copy(brick, "brick", "test/good/000.png", "test/good/001.png", "test/good/002.png", "test/good/003.png",
                "test/color/000.png", "test/scratch/000.png", "ground_truth/color/000_mask.png",
                "ground_truth/scratch/000_mask.png");
        copy(brick, "pair", "test/good/000.png", "test/color/000.png", "ground_truth/color/000_mask.png");
        copy(brick, "single", "test/good/000.png");
        for (String f : List.of("000.png", "001.png", "002.png")) {
            Path p = data.resolve("broken/test/good").resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "not an image");
        }
        out = tmp.resolve("out");
        run = Cli.musc("run", "--data", data, "--format", "mvtec", "--model", Cli.DINOV2, "--image-size", 112,
                "--heatmaps", "none", "--out", out);
    }

    private static void copy(Path from, String category, String... files) throws IOException {
        for (String f : files) {
            Path to = data.resolve(category).resolve(f);
            Files.createDirectories(to.getParent());
            Files.copy(from.resolve(f), to);
        }
    }

    @Test
    void theOtherCategoriesAreScoredAndTheExitCodeSaysSomeFailed() {
        assertEquals(3, run.code(), run::toString);
        assertEquals(6, ScoresFile.read(out.resolve("brick/scores.csv")).rows().size());
        assertTrue(Files.exists(out.resolve("report.html")) && Files.exists(out.resolve("metrics.json")));
        String err = run.err();
        assertTrue(err.contains("musc: single: not scored: only 1 image: MuSc scores each image against the others "
                + "and needs at least 2"), err);
        assertTrue(err.contains("musc: pair: not scored: 2 images, fewer than RsCIN's window of 3 (the mvtec default "
                + "1,2,3); score it with --rscin 1,2 or --rscin off"), err);
        assertTrue(err.lines().anyMatch(l -> l.startsWith("musc: broken: not scored: ")
                && l.contains("no readable test image")), err);
        assertTrue(err.contains("musc: 3 of 4 categories not scored: pair, single, broken (reasons above and in "
                + "run.json)"), err);
        assertFalse(err.contains("--divide"), "never an option the user did not give");
        assertFalse(err.contains("\tat ") || err.contains("Exception"), err);
        assertTrue(run.out().lines().anyMatch(l -> l.matches("pair\\s+not scored: 2 images.*")), run::toString);
    }

    @Test
    void runJsonAndTheReportNameTheFailures() throws IOException {
        JsonObject failed = RunParityTest.json(out.resolve("run.json")).getAsJsonObject("failed");
        assertEquals(List.of("pair", "single", "broken"), List.copyOf(failed.keySet()));
        assertTrue(failed.get("single").getAsString().startsWith("only 1 image"));
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<b>pair</b>: 2 images, fewer than RsCIN's window of 3"), "report names the failure");
        assertTrue(html.contains("<b>single</b>: only 1 image"));
        assertFalse(Files.exists(out.resolve("pair")) || Files.exists(out.resolve("single")), "no files for them");
    }

    @Test
    void theFixWorks() {
        Cli.Outcome fixed = Cli.musc("run", "--data", data, "--format", "mvtec", "--category", "pair", "--rscin", "1,2",
                "--model", Cli.DINOV2, "--image-size", 112, "--heatmaps", "none", "--out", tmp.resolve("pair"));
        assertEquals(0, fixed.code(), fixed::toString);
        assertEquals(2, ScoresFile.read(tmp.resolve("pair/pair/scores.csv")).rows().size());
    }

    @Test
    void whenNoCategoryCanBeScoredOneLineSaysWhyBeforeTheModelLoads() {
        Cli.Outcome none = Cli.musc("run", "--data", data, "--format", "mvtec", "--category", "single,pair",
                "--model", Cli.DINOV2, "--out", tmp.resolve("none"));
        assertEquals(1, none.code(), none::toString);
        String[] lines = none.errLines();
        assertEquals(1, lines.length, none::toString);
        assertEquals("musc: single: only 1 image: MuSc scores each image against the others and needs at least 2 "
                + "(and 1 more categories cannot be scored)", lines[0]);
    }
}
