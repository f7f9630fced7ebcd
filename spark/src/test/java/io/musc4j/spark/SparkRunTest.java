package io.musc4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.run.FolderLock;
import io.musc4j.run.OneLineErrors;
import io.musc4j.run.RunCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code musc run} on Spark in local mode (two task threads, two attempts per task) against the plain
 * {@code musc run} on the parity fixtures with both tiny backbones: the same scores, maps and metrics
 * in both modes, query blocks smaller than N, a retried task, and outputs that are whole or absent.
 */
class SparkRunTest {

    /** The bound for Spark against the plain run; never loosen it. */
    static final double TOLERANCE = 1e-6;

    static final Path PARITY = Path.of(System.getProperty("musc4j.testdata"), "parity");
    static final Path DATA = PARITY.resolve("data");

    private static JavaSparkContext sc;
    private static final Map<String, Path> PLAIN = new ConcurrentHashMap<>();

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2,2]").setAppName("musc4j-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
        sc.setLogLevel("ERROR");
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.close();
        }
    }

    static Path model(String name) {
        return PARITY.resolve("models").resolve(name);
    }

    /** The plain run of brick and brick256 with a backbone, computed once. */
    static Path plain(String backbone) {
        return PLAIN.computeIfAbsent(backbone, b -> {
            Path out = tmp.resolve("plain-" + b);
            // musc run, as the cli's Main runs it
            int code = new CommandLine(new RunCommand()).setExecutionExceptionHandler(new OneLineErrors())
                    .execute(common(b, out, "brick,brick256").toArray(String[]::new));
            assertEquals(0, code, "plain run");
            return out;
        });
    }

    static List<String> common(String backbone, Path out, String categories) {
        return new ArrayList<>(List.of("--data", DATA.toString(), "--format", "mvtec", "--category", categories,
                "--model", model(backbone).toString(), "--out", out.toString(), "--save-maps", "--heatmaps", "none"));
    }

    /** musc run on the shared local Spark context with extra Spark options. */
    static int spark(String backbone, Path out, String categories, String... sparkOptions) throws Exception {
        List<String> args = common(backbone, out, categories);
        args.addAll(List.of(sparkOptions));
        SparkOptions.Parsed p = SparkOptions.parse(args);
        return new SparkRun(sc, p.options(), p.runArgs()).execute();
    }

    static void assertSame(Path expected, Path actual, String category) throws IOException {
        double scores = Outputs.scoreDifference(expected.resolve(category), actual.resolve(category));
        double maps = Outputs.mapDifference(expected.resolve(category), actual.resolve(category));
        double metrics = Outputs.metricsDifference(expected, actual, category);
        System.out.printf("spark %s %s: scores %.2e maps %.2e metrics %.2e%n", actual.getFileName(), category,
                scores, maps, metrics);
        assertTrue(scores <= TOLERANCE, category + " scores differ by " + scores);
        assertTrue(maps <= TOLERANCE, category + " maps differ by " + maps);
        assertTrue(metrics <= TOLERANCE, category + " metrics differ by " + metrics);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dinov2-tiny", "clip-tiny"})
    void splitModeEqualsThePlainRun(String backbone) throws Exception {
        Path out = tmp.resolve("split-" + backbone);
        // query blocks of 5 of the 18 images: four MSM tasks per pass, the last one shorter
        assertEquals(0, spark(backbone, out, "brick", "--spark-mode", "split", "--query-block", "5",
                "--partition-images", "8"));
        assertSame(plain(backbone), out, "brick");
        assertFalse(Files.exists(out.resolve(".musc4j-work")), "feature chunks are removed when done");
        assertFalse(Files.exists(out.resolve(Storage.TEMPORARY)), "no temporary files left");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dinov2-tiny", "clip-tiny"})
    void categoriesModeEqualsThePlainRun(String backbone) throws Exception {
        Path out = tmp.resolve("categories-" + backbone);
        assertEquals(0, spark(backbone, out, "brick,brick256", "--spark-mode", "categories"));
        assertSame(plain(backbone), out, "brick");
        assertSame(plain(backbone), out, "brick256");
        for (String f : List.of("run.json", "metrics.json", "metrics.md", "report.html")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
    }

    /** musc run's arguments for brick cut into 2x2 tiles, the stitched maps saved at each image's size. */
    private static List<String> tiled(Path out) {
        return tiled(out, List.of());
    }

    /** {@link #tiled(Path)} with more options, which replace its own (e.g. --tile-size for --tiles). */
    private static List<String> tiled(Path out, List<String> options) {
        List<String> args = new ArrayList<>(List.of("--data", DATA.toString(), "--format", "mvtec", "--category",
                "brick", "--model", model("dinov2-tiny").toString(), "--out", out.toString(), "--image-size", "112",
                "--tile-overlap", "16", "--save-maps", "original"));
        if (!options.contains("--tile-size") && !options.contains("--tiles")) {
            args.addAll(List.of("--tiles", "2x2"));
        }
        if (!options.contains("--heatmaps")) {
            args.addAll(List.of("--heatmaps", "none"));
        }
        args.addAll(options);
        return args;
    }

    /** Categories mode runs a tiled category as musc run does: the same scores and stitched maps. */
    @Test
    void categoriesModeTilesAsThePlainRun() throws Exception {
        Path plain = tmp.resolve("plain-tiled");
        int code = new CommandLine(new RunCommand()).setExecutionExceptionHandler(new OneLineErrors())
                .execute(tiled(plain).toArray(String[]::new));
        assertEquals(0, code, "plain tiled run");
        Path out = tmp.resolve("categories-tiled");
        List<String> args = tiled(out);
        args.addAll(List.of("--spark-mode", "categories"));
        SparkOptions.Parsed p = SparkOptions.parse(args);
        assertEquals(0, new SparkRun(sc, p.options(), p.runArgs()).execute());
        double scores = Outputs.scoreDifference(plain.resolve("brick"), out.resolve("brick"));
        double maps = Outputs.mapDifference(plain.resolve("brick"), out.resolve("brick"));
        assertTrue(scores <= TOLERANCE, "scores differ by " + scores);
        assertTrue(maps <= TOLERANCE, "maps differ by " + maps);
    }

    /**
     * Split mode runs a tiled category as musc run does, the tiles being the images its blocks share
     * out: the same scores, stitched maps, masks, regions and heatmaps with their tile outlines. By
     * position: 4 sets of 18 tiles; all together: one set of 162 tiles of 96 px (--tile-size), whose
     * feature partitions of 8 tiles cut through images' tiles.
     */
    @ParameterizedTest
    @ValueSource(strings = {"--tiles 2x2 --tile-pool position", "--tile-size 96 --tile-pool all"})
    void splitModeTilesAsThePlainRun(String tiles) throws Exception {
        String name = tiles.replaceAll("[^a-z0-9]", "");
        List<String> options = new ArrayList<>(List.of(tiles.split(" ")));
        options.addAll(List.of("--save-masks", "--heatmaps", "single", "--draw-tiles"));
        Path plain = tmp.resolve("plain-" + name);
        assertEquals(0, new CommandLine(new RunCommand()).setExecutionExceptionHandler(new OneLineErrors())
                .execute(tiled(plain, options).toArray(String[]::new)), "plain tiled run");
        Path out = tmp.resolve("split-" + name);
        List<String> args = tiled(out, options);
        args.addAll(List.of("--spark-mode", "split", "--query-block", "5", "--partition-images", "8"));
        SparkOptions.Parsed p = SparkOptions.parse(args);
        assertEquals(0, new SparkRun(sc, p.options(), p.runArgs()).execute());
        double scores = Outputs.scoreDifference(plain.resolve("brick"), out.resolve("brick"));
        double maps = Outputs.mapDifference(plain.resolve("brick"), out.resolve("brick"));
        System.out.printf("spark split %s: scores %.2e maps %.2e%n", tiles, scores, maps);
        assertTrue(scores <= TOLERANCE, "scores differ by " + scores);
        assertTrue(maps <= TOLERANCE, "maps differ by " + maps);
        assertEquals(Outputs.files(plain.resolve("brick")), Outputs.files(out.resolve("brick")), "the same files");
        for (String f : Outputs.files(plain.resolve("brick"))) {
            if (f.endsWith(".png")) {
                assertArrayEquals(Files.readAllBytes(plain.resolve("brick").resolve(f)),
                        Files.readAllBytes(out.resolve("brick").resolve(f)), f);
            }
        }
        assertEquals(Outputs.results(plain.resolve("brick/category.json")),
                Outputs.results(out.resolve("brick/category.json")), "category.json");
        assertFalse(Files.exists(out.resolve(SplitJob.WORK)), "feature chunks are removed when done");
    }

    /** A tiled split run is resumed, and redone with other tile options (they are part of the configuration). */
    @Test
    void aTiledSplitRunResumes() throws Exception {
        Path out = tmp.resolve("split-tiled-resumed");
        List<String> split = tiled(out, List.of("--spark-mode", "split"));
        Outcome first = sparkMain(split);
        assertEquals(0, first.code(), first::toString);
        // query blocks sized by tiles: two per core of the two, 18 tiles per set
        assertTrue(first.err().contains("brick: 4 tile sets x 4 layers of N=18 in query blocks of 5"), first::toString);
        String written = Files.readString(out.resolve("brick/category.json"));
        List<String> again = new ArrayList<>(split);
        again.add("--resume");
        Outcome resumed = sparkMain(again);
        assertEquals(0, resumed.code(), resumed::toString);
        assertTrue(resumed.err().contains("brick: complete results found, skipped (--resume)"), resumed::toString);
        assertEquals(written, Files.readString(out.resolve("brick/category.json")), "not written again");
        List<String> other = tiled(out, List.of("--spark-mode", "split", "--resume", "--tile-pool", "all"));
        Outcome redone = sparkMain(other);
        assertEquals(0, redone.code(), redone::toString);
        assertFalse(redone.err().contains("skipped (--resume)"), redone::toString);
        assertTrue(redone.err().contains(
                "brick: tiles 2x2 overlap 16px pool all, 4 tiles per 224x224 image, 1 set of 72 tiles"), redone::toString);
        assertTrue(redone.err().contains("brick: 1 tile set x 4 layers of N=72 in query blocks of 18"),
                redone::toString);
        assertNotEquals(written, Files.readString(out.resolve("brick/category.json")));
    }

    @Test
    void oneQueryBlockEqualsSmallBlocks() throws Exception {
        Path whole = tmp.resolve("one-block");
        Path small = tmp.resolve("small-blocks");
        assertEquals(0, spark("dinov2-tiny", whole, "brick", "--spark-mode", "split", "--query-block", "18"));
        assertEquals(0, spark("dinov2-tiny", small, "brick", "--spark-mode", "split", "--query-block", "4"));
        assertEquals(0.0, Outputs.scoreDifference(whole.resolve("brick"), small.resolve("brick")));
        assertEquals(0.0, Outputs.mapDifference(whole.resolve("brick"), small.resolve("brick")));
    }

    @Test
    void splitModePassByPassEqualsThePlainRun() throws Exception {
        // one degree: the pipeline scores pass by pass, and so do the executors (features, not maps)
        Path plain = tmp.resolve("plain-r3");
        List<String> args = common("dinov2-tiny", plain, "brick");
        args.addAll(List.of("--degrees", "3"));
        assertEquals(0, new CommandLine(new RunCommand()).setExecutionExceptionHandler(new OneLineErrors())
                .execute(args.toArray(String[]::new)));
        Path out = tmp.resolve("split-r3");
        assertEquals(0, spark("dinov2-tiny", out, "brick", "--degrees", "3", "--spark-mode", "split",
                "--query-block", "5"));
        assertSame(plain, out, "brick");
    }

    /** Aligned scoring and SNAMD run split as in the plain run: the executors score through the same pipeline. */
    @ParameterizedTest
    @ValueSource(strings = {"--scoring aligned:1", "--aggregation snamd"})
    void splitModeRunsEveryScorerAndAggregation(String option) throws Exception {
        String name = option.replaceAll("[^a-z0-9]", "");
        Path plain = tmp.resolve("plain-" + name);
        List<String> args = common("dinov2-tiny", plain, "brick");
        args.addAll(List.of(option.split(" ")));
        assertEquals(0, new CommandLine(new RunCommand()).setExecutionExceptionHandler(new OneLineErrors())
                .execute(args.toArray(String[]::new)));
        Path out = tmp.resolve("split-" + name);
        List<String> split = new ArrayList<>(List.of(option.split(" ")));
        split.addAll(List.of("--spark-mode", "split", "--query-block", "5"));
        assertEquals(0, spark("dinov2-tiny", out, "brick", split.toArray(String[]::new)));
        assertSame(plain, out, "brick");
    }

    @Test
    void aFailedTaskIsRetriedAndTheResultIsUnchanged() throws Exception {
        Path out = tmp.resolve("retried");
        int before = Faults.INJECTED.get();
        sc.setLocalProperty(Faults.PROPERTY, "msm:once");
        try {
            assertEquals(0, spark("dinov2-tiny", out, "brick", "--spark-mode", "split", "--query-block", "6"));
        } finally {
            sc.setLocalProperty(Faults.PROPERTY, null);
        }
        // one failure per MSM job (one per tapped layer, whose three degrees are scored from one product):
        // each job's first task fails once and is retried
        assertEquals(4, Faults.INJECTED.get() - before);
        assertSame(plain("dinov2-tiny"), out, "brick");
    }

    @Test
    void aCategoryThatKeepsFailingLeavesNoFilesAndTheOthersAreWritten() throws Exception {
        Path out = tmp.resolve("failing");
        sc.setLocalProperty(Faults.PROPERTY, "publish:brick256:always");
        try {
            assertEquals(3, spark("dinov2-tiny", out, "brick,brick256", "--spark-mode", "categories"), "some failed");
        } finally {
            sc.setLocalProperty(Faults.PROPERTY, null);
        }
        assertFalse(Files.exists(out.resolve("brick256")), "the failed category's folder");
        assertFalse(Files.exists(out.resolve(Storage.TEMPORARY)), "temporary files");
        assertSame(plain("dinov2-tiny"), out, "brick");
        assertTrue(Outputs.json(out.resolve("run.json")).getAsJsonObject("failed").get("brick256").getAsString()
                .contains("injected failure"));
    }

    @Test
    void aSplitCategoryThatFailsInMsmWritesNothing() throws Exception {
        Path out = tmp.resolve("failing-split");
        sc.setLocalProperty(Faults.PROPERTY, "msm:always");
        try {
            assertEquals(1, spark("dinov2-tiny", out, "brick", "--spark-mode", "split"));
        } finally {
            sc.setLocalProperty(Faults.PROPERTY, null);
        }
        assertEquals(List.of(".musc.lock", ".musc4j-manifest", "report.html", "run.json"), Outputs.files(out),
                "only the run's own files");
    }

    /** musc run on the shared local Spark context as SparkMain runs it, with what it printed on stderr. */
    record Outcome(int code, String err) {
    }

    static Outcome sparkMain(Path out, String... options) {
        List<String> args = common("dinov2-tiny", out, "brick");
        args.addAll(List.of(options));
        args.addAll(List.of("--spark-mode", "categories"));
        return sparkMain(args);
    }

    /** SparkMain's run of the command line {@code args}. */
    static Outcome sparkMain(List<String> args) {
        SparkOptions.Parsed p = SparkOptions.parse(args);
        RunArgs.parse(p.runArgs());
        return captured(() -> SparkMain.run(sc, p, false));
    }

    /** A run's exit code with what it printed on stderr. */
    static Outcome captured(java.util.function.IntSupplier run) {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream before = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            return new Outcome(run.getAsInt(), err.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setErr(before);
        }
    }

    static int plainRun(Path out, String... options) {
        List<String> args = common("dinov2-tiny", out, "brick");
        args.addAll(List.of(options));
        return new CommandLine(new RunCommand()).setExecutionExceptionHandler(new OneLineErrors())
                .execute(args.toArray(String[]::new));
    }

    static List<String> manifest(Path out) throws IOException {
        List<String> written = new ArrayList<>();
        Outputs.json(out.resolve(".musc4j-manifest")).getAsJsonArray("written").forEach(e -> written.add(e.getAsString()));
        return written;
    }

    static String refusal(Path out, String what) {
        return "musc: " + Storage.location(out.toString()) + ": " + what + "; it is left as it is. Choose another --out, "
                + "move it away, or pass --overwrite to replace it";
    }

    /** A user's folder named like a category, holding thesis/ch1.tex (returned), and a user's report.html. */
    static Path userFiles(Path out) throws IOException {
        Path thesis = Files.createDirectories(out.resolve("brick/thesis"));
        Files.writeString(thesis.resolve("ch1.tex"), "chapter one");
        Files.writeString(out.resolve("report.html"), "my report");
        return thesis;
    }

    /** A user's folder named like a category and a user's report.html are refused, as musc run refuses them. */
    @Test
    void namesMusc4jDidNotWriteAreRefusedBeforeAnyScoring() throws Exception {
        Path out = tmp.resolve("theirs");
        Path thesis = userFiles(out);
        Outcome r = sparkMain(out);
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains(refusal(out, "report.html is not a file musc4j wrote here")), r::toString);
        assertFalse(r.err().contains("musc: spark "), "refused before the model loads: " + r);
        assertEquals("my report", Files.readString(out.resolve("report.html")));
        assertEquals("chapter one", Files.readString(thesis.resolve("ch1.tex")));

        Files.move(out.resolve("report.html"), tmp.resolve("report-moved.html"));
        r = sparkMain(out);
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains(refusal(out, "brick is not a folder musc4j wrote here")), r::toString);
        assertEquals("chapter one", Files.readString(thesis.resolve("ch1.tex")));
        assertEquals(List.of(".musc.lock", "brick/thesis/ch1.tex"), Outputs.files(out),
                "nothing written but the lock, as musc run");
    }

    /** --overwrite replaces those names, lists them as musc4j's, and leaves every other name alone. */
    @Test
    void overwriteReplacesThemAndNothingElse() throws Exception {
        Path out = tmp.resolve("overwritten");
        Path thesis = userFiles(out);
        Files.writeString(out.resolve("notes.txt"), "mine");
        Files.createDirectories(out.resolve("notes/.musc4j-temporary"));
        Files.writeString(out.resolve("notes/.musc4j-temporary/draft"), "draft");
        Outcome r = sparkMain(out, "--overwrite");
        assertEquals(0, r.code(), r::toString);
        assertFalse(Files.exists(thesis), "--overwrite replaces the folder of that name");
        assertTrue(Files.isRegularFile(out.resolve("brick/scores.csv")));
        assertFalse(Files.readString(out.resolve("report.html")).equals("my report"));
        assertEquals("mine", Files.readString(out.resolve("notes.txt")));
        assertEquals("draft", Files.readString(out.resolve("notes/.musc4j-temporary/draft")));
        List<String> written = manifest(out);
        assertTrue(written.containsAll(List.of("brick/", "brick/scores.csv", "brick/category.json", "report.html",
                "run.json")), written::toString);
        assertFalse(written.stream().anyMatch(w -> w.startsWith("notes")), written::toString);
    }

    /** Its own earlier results are musc4j's: replaced by a second run, kept by --resume; a file added is refused. */
    @Test
    void aSecondRunOnItsOwnFolderIsAllowed() throws Exception {
        Path out = tmp.resolve("own");
        assertEquals(0, sparkMain(out).code());
        Outcome resumed = sparkMain(out, "--resume");
        assertEquals(0, resumed.code(), resumed::toString);
        assertTrue(resumed.err().contains("brick: complete results found, skipped (--resume)"), resumed::toString);
        Outcome again = sparkMain(out);
        assertEquals(0, again.code(), again::toString);
        assertTrue(manifest(out).containsAll(List.of("brick/", "brick/scores.csv", "run.json")));
        assertSame(plain("dinov2-tiny"), out, "brick");

        Files.writeString(out.resolve("brick/my-notes.txt"), "notes");
        Outcome refused = sparkMain(out);
        assertEquals(1, refused.code(), refused::toString);
        assertTrue(refused.err().contains(refusal(out, "brick holds my-notes.txt, which musc4j did not write")),
                refused::toString);
        assertEquals("notes", Files.readString(out.resolve("brick/my-notes.txt")));
    }

    /**
     * A local output folder that another run is writing to (it holds musc run's lock) is refused before
     * anything is scored or written; once that run is done, the folder takes the job.
     */
    @Test
    void aLocalFolderAnotherRunIsWritingToIsRefused() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("busy"));
        try (FolderLock other = FolderLock.acquire(out)) {
            Outcome r = sparkMain(out);
            assertEquals(1, r.code(), r::toString);
            assertTrue(r.err().contains(out + ": another musc run is writing to this folder; wait for it or choose "
                    + "another --out"), r::toString);
            assertFalse(r.err().contains("musc: spark "), "refused before the model loads: " + r);
            assertEquals(List.of(".musc.lock"), Outputs.files(out), "nothing written");
        }
        Outcome after = sparkMain(out);
        assertEquals(0, after.code(), after::toString);
        assertSame(plain("dinov2-tiny"), out, "brick");
    }

    /** One manifest for both runners: each accepts the folder the other wrote, in either order. */
    @Test
    void foldersWrittenByMuscRunAndBySparkAreRecognisedByBoth() throws Exception {
        Path out = tmp.resolve("both");
        Outcome first = sparkMain(out);
        assertEquals(0, first.code(), first::toString);
        assertEquals(0, plainRun(out), "musc run on the Spark runner's folder");
        Outcome after = sparkMain(out);
        assertEquals(0, after.code(), "the Spark runner on musc run's folder: " + after);
        assertEquals(0, plainRun(out, "--resume"));
        List<String> written = manifest(out);
        assertTrue(written.containsAll(List.of("brick/", "brick/scores.csv", "run.json", "report.html")),
                written::toString);
        try (java.util.stream.Stream<Path> files = Files.walk(out)) {
            assertEquals(List.of(), files.map(p -> out.relativize(p).toString())
                    .filter(n -> n.endsWith(".crc") || n.contains("musc4j-temporary")).toList());
        }
    }

    /** Both runners record a local data folder by its absolute path, so that --resume of one recognises the
     *  other's categories however the folder was spelled (here a file: URI against a plain path). */
    @Test
    void aResumeRecognisesTheOtherRunnersCategoryWhateverSpellingOfTheDataFolder() throws Exception {
        Path out = tmp.resolve("spelled");
        List<String> args = common("dinov2-tiny", out, "brick");
        args.set(args.indexOf("--data") + 1, DATA.toUri().toString());
        args.addAll(List.of("--spark-mode", "categories"));
        Outcome first = sparkMain(args);
        assertEquals(0, first.code(), first::toString);
        Outcome resumed = captured(() -> plainRun(out, "--resume"));
        assertEquals(0, resumed.code(), resumed::toString);
        assertTrue(resumed.err().contains("brick: complete results found, skipped (--resume)"), resumed::toString);
    }

    /** Split mode's chunks go under a name only musc4j uses in --spark-work, whose own content stays. */
    @Test
    void aSparkWorkFolderKeepsWhatItHeld() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work/brick"));
        Files.writeString(work.resolve("mine.txt"), "mine");
        Path out = tmp.resolve("split-work");
        assertEquals(0, spark("dinov2-tiny", out, "brick", "--spark-mode", "split", "--spark-work",
                tmp.resolve("work").toString()));
        assertEquals(List.of("brick/mine.txt"), Outputs.files(tmp.resolve("work")));
        assertFalse(Files.exists(tmp.resolve("work").resolve(SplitJob.WORK)), "feature chunks are removed when done");
    }
}
