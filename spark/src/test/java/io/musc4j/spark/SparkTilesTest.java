package io.musc4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.run.OneLineErrors;
import io.musc4j.run.RunCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Tiles on Spark: categories mode runs each category as {@code musc run --tiles} does (same scores and
 * stitched maps), split mode refuses tiles in one line.
 */
class SparkTilesTest {

    private static JavaSparkContext sc;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2,2]").setAppName("musc4j-tiles-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
        sc.setLogLevel("ERROR");
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.close();
        }
    }

    /** musc run's arguments for brick cut into 2x2 tiles, the stitched maps saved at each image's size. */
    private static List<String> tiled(Path out) {
        return new ArrayList<>(List.of("--data", SparkRunTest.DATA.toString(), "--format", "mvtec", "--category",
                "brick", "--model", SparkRunTest.model("dinov2-tiny").toString(), "--out", out.toString(),
                "--image-size", "112", "--tiles", "2x2", "--tile-overlap", "16", "--save-maps", "original",
                "--heatmaps", "none"));
    }

    private static int spark(List<String> args) throws Exception {
        SparkOptions.Parsed p = SparkOptions.parse(args);
        return new SparkRun(sc, p.options(), p.runArgs()).execute();
    }

    @Test
    void categoriesModeEqualsThePlainTiledRun() throws Exception {
        Path plain = tmp.resolve("plain");
        int code = new CommandLine(new RunCommand()).setExecutionExceptionHandler(new OneLineErrors())
                .execute(tiled(plain).toArray(String[]::new));
        assertEquals(0, code, "plain tiled run");
        Path out = tmp.resolve("categories");
        List<String> args = tiled(out);
        args.addAll(List.of("--spark-mode", "categories"));
        assertEquals(0, spark(args));
        double scores = Outputs.scoreDifference(plain.resolve("brick"), out.resolve("brick"));
        double maps = Outputs.mapDifference(plain.resolve("brick"), out.resolve("brick"));
        assertTrue(scores <= SparkRunTest.TOLERANCE, "scores differ by " + scores);
        assertTrue(maps <= SparkRunTest.TOLERANCE, "maps differ by " + maps);
    }

    @Test
    void splitModeRefusesTiles() {
        List<String> args = tiled(tmp.resolve("split"));
        args.addAll(List.of("--spark-mode", "split"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spark(args));
        assertEquals("--spark-mode split scores whole images read at the image size, and --tiles/--tile-size cut"
                + " each image at its own size; use --spark-mode categories with tiles", e.getMessage());
    }
}
