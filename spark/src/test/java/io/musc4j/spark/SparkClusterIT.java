package io.musc4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.run.OneLineErrors;
import io.musc4j.run.RunCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * musc4j's shaded jar on a Spark standalone cluster of separate JVMs on 127.0.0.1 (a master, two
 * workers of one core, an executor each, the driver through {@code spark-submit}), against the plain
 * {@code musc run} in this JVM on the parity fixtures: categories mode and split mode give the same
 * numbers (difference 0), and so does a split run whose executor is killed (SIGKILL) in the middle of
 * a task, which Spark retries on a new executor. Runs in {@code mvn verify} (after the jar is built):
 * docs/spark-cluster.md has the recipe it proves.
 */
class SparkClusterIT {

    /** Bound of each wait: the cluster's start, one application. */
    static final Duration TIMEOUT = Duration.ofMinutes(10);
    static final Path JAR = Path.of(System.getProperty("musc4j.spark.jar"));
    static final String MODEL = "dinov2-tiny";

    @TempDir
    static Path tmp;

    private static LocalCluster cluster;
    private static Path plain;

    @BeforeAll
    static void start() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " (built by mvn package)");
        long t0 = System.nanoTime();
        cluster = LocalCluster.start(tmp.resolve("cluster"), sparkJars(), 2, 1, "2g", TIMEOUT);
        System.out.printf(Locale.ROOT, "cluster: master and 2 workers registered in %.1f s (%s)%n",
                (System.nanoTime() - t0) / 1e9, cluster.masterUrl());
        plain = tmp.resolve("plain");
        t0 = System.nanoTime();
        int code = new CommandLine(new RunCommand()).setExecutionExceptionHandler(new OneLineErrors())
                .execute(args(plain, "brick,brick256").toArray(String[]::new));
        assertEquals(0, code, "plain run");
        System.out.printf(Locale.ROOT, "plain musc run brick,brick256: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * What a Spark distribution's jars folder holds for spark-core: the spark module's provided
     * dependencies (listed by the build) and slf4j's API, which Maven counts as musc4j's own.
     */
    static List<Path> sparkJars() throws IOException {
        List<Path> jars = new ArrayList<>();
        for (String entry : Files.readString(Path.of(System.getProperty("musc4j.spark.classpath"))).trim()
                .split(java.io.File.pathSeparator)) {
            jars.add(Path.of(entry));
        }
        try {
            jars.add(Path.of(org.slf4j.Logger.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        assertTrue(jars.stream().anyMatch(j -> j.getFileName().toString().startsWith("spark-core_2.13-")), "spark-core");
        assertFalse(jars.stream().anyMatch(j -> j.getFileName().toString().startsWith("api-0.")), "DJL is the jar's");
        return jars;
    }

    static List<String> args(Path out, String categories) {
        Path parity = Path.of(System.getProperty("musc4j.testdata"), "parity");
        return new ArrayList<>(List.of("--data", parity.resolve("data").toString(), "--format", "mvtec",
                "--category", categories, "--model", parity.resolve("models").resolve(MODEL).toString(),
                "--out", out.toString(), "--save-maps", "--heatmaps", "none"));
    }

    /** spark-submit of the shaded jar: {@code musc4j-spark run ARGS} with executors of 1 GiB heap. */
    static LocalCluster.Node submit(String name, List<String> conf, List<String> args) throws IOException {
        List<String> all = new ArrayList<>(List.of("spark.executor.memory=1g", "spark.executor.cores=1"));
        all.addAll(conf);
        List<String> app = new ArrayList<>(List.of("run"));
        app.addAll(args);
        return cluster.submit(name, JAR, "io.musc4j.spark.SparkMain", all, app);
    }

    /** Waits for the driver; exit code 0 and its wall time printed. */
    static void awaitSuccess(LocalCluster.Node driver, long started) throws Exception {
        int code = cluster.await(driver);
        System.out.printf(Locale.ROOT, "%s: exit %d in %.1f s%n", driver.name(), code, (System.nanoTime() - started) / 1e9);
        assertEquals(0, code, LocalCluster.tail(driver.log()));
    }

    static void assertSameAsPlain(Path out, String category) throws IOException {
        double scores = Outputs.scoreDifference(plain.resolve(category), out.resolve(category));
        double maps = Outputs.mapDifference(plain.resolve(category), out.resolve(category));
        double metrics = Outputs.metricsDifference(plain, out, category);
        System.out.printf(Locale.ROOT, "cluster %s %s: scores %.2e maps %.2e metrics %.2e%n", out.getFileName(),
                category, scores, maps, metrics);
        assertEquals(0.0, scores, category + " scores");
        assertEquals(0.0, maps, category + " maps");
        assertEquals(0.0, metrics, category + " metrics");
        assertFalse(Files.exists(out.resolve(Storage.TEMPORARY)), "no temporary files left");
        assertFalse(Files.exists(out.resolve(".musc4j-work")), "feature chunks are removed when done");
    }

    @Test
    void categoriesModeEqualsThePlainRun() throws Exception {
        Path out = tmp.resolve("categories");
        long t0 = System.nanoTime();
        LocalCluster.Node driver = submit("categories", List.of(),
                with(args(out, "brick,brick256"), "--spark-mode", "categories"));
        // while both executors run: the launcher's environment, and nothing listening beyond loopback
        cluster.await("executor on each worker", driver,
                () -> cluster.workers().stream().allMatch(w -> !w.executors().isEmpty()));
        for (LocalCluster.Node w : cluster.workers()) {
            Map<String, String> env = LocalCluster.environment(w.executors().get(0));
            ExecutorEnvironment.DEFAULTS.forEach((name, value) -> assertEquals(value, env.get(name), name));
        }
        Set<String> addresses = cluster.listeningAddresses();
        assertTrue(addresses.stream().allMatch(a -> a.equals("127.0.0.1") || a.equals("::ffff:127.0.0.1")),
                "listening on " + addresses);
        awaitSuccess(driver, t0);
        assertSameAsPlain(out, "brick");
        assertSameAsPlain(out, "brick256");
        // each worker's executor extracted libtorch into its node's DJL cache
        for (LocalCluster.Node w : cluster.workers()) {
            assertTrue(contains(w.djlCache(), "libtorch_cpu.so"), w.name() + " natives in " + w.djlCache());
        }
    }

    @Test
    void splitModeEqualsThePlainRun() throws Exception {
        Path out = tmp.resolve("split");
        long t0 = System.nanoTime();
        awaitSuccess(submit("split", List.of(), with(args(out, "brick"), "--spark-mode", "split",
                "--query-block", "5", "--partition-images", "8")), t0);
        assertSameAsPlain(out, "brick");
    }

    @Test
    void anExecutorKilledInTheMiddleOfATaskIsReplacedAndTheNumbersAreUnchanged() throws Exception {
        Path out = tmp.resolve("killed");
        Path executorTmp = Files.createDirectories(tmp.resolve("executor-tmp"));
        long t0 = System.nanoTime();
        LocalCluster.Node driver = submit("killed", List.of("spark.executor.extraJavaOptions=-Djava.io.tmpdir=" + executorTmp),
                with(args(out, "brick"), "--spark-mode", "split", "--query-block", "5", "--partition-images", "8"));
        LocalCluster.Node victim = cluster.workers().get(0);
        // the kill lands in musc4j's code: a task of the victim's executor runs and has made its scratch folder
        cluster.await("task of " + victim.name() + "'s executor at work", driver,
                () -> runningTask(victim) && (contains(victim.localDirs(), "musc4j-") || contains(executorTmp, "musc4j-")));
        ProcessHandle executor = victim.executors().get(0);
        assertTrue(executor.destroyForcibly(), "SIGKILL");
        System.out.printf(Locale.ROOT, "killed executor %d of %s after %.1f s%n", executor.pid(), victim.name(),
                (System.nanoTime() - t0) / 1e9);
        awaitSuccess(driver, t0);
        String log = Files.readString(driver.log());
        assertTrue(log.contains("ExecutorLostFailure"), "the running task was lost and retried\n" + LocalCluster.tail(driver.log()));
        assertSameAsPlain(out, "brick");
        // the killed task's scratch lies in Spark's local folders of the application, which the worker
        // deletes when the application ends; none in the executors' temporary folder
        assertFalse(contains(executorTmp, "musc4j-"), "scratch in java.io.tmpdir: " + list(executorTmp));
        cluster.await("cleaned local folders of " + victim.name(), victim, () -> !contains(victim.localDirs(), "musc4j-"));
    }

    static List<String> with(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }

    /** Whether the worker's executor has a task running (its log has started more tasks than it finished). */
    static boolean runningTask(LocalCluster.Node worker) {
        List<ProcessHandle> executors = worker.executors();
        if (executors.isEmpty()) {
            return false;
        }
        Path log = worker.executorLog(executors.get(0));
        try {
            if (!Files.exists(log)) {
                return false;
            }
            String text = Files.readString(log);
            return count(text, "Running task ") > count(text, "Finished task ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** Whether a file or folder under {@code folder} has a name starting with {@code prefix}. */
    static boolean contains(Path folder, String prefix) {
        return !list(folder).stream().filter(p -> p.getFileName().toString().startsWith(prefix)).toList().isEmpty();
    }

    private static List<Path> list(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(folder)) {
            return s.toList();
        } catch (IOException | UncheckedIOException e) {
            // a folder deleted while walking (a task's scratch): look again at the next poll
            return List.of();
        }
    }
}
