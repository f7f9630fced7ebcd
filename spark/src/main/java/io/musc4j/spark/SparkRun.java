package io.musc4j.spark;

import com.google.gson.JsonObject;
import io.musc4j.batch.InputFingerprint;
import io.musc4j.run.CategorySummary;
import io.musc4j.run.ConsoleBars;
import io.musc4j.run.ExitCodes;
import io.musc4j.run.FolderLock;
import io.musc4j.run.Manifest;
import io.musc4j.run.RunJob;
import io.musc4j.datasets.Category;
import io.musc4j.datasets.Warnings;
import io.musc4j.engine.MuSc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * One {@code musc run} on Spark, driven from here: checks the options and lists the categories, then
 * scores them as {@link CategoryJobs} (one task per category) or {@link SplitJob} (each category
 * split over the cluster), and writes the run files {@code musc run} writes (run.json, metrics,
 * report) once the categories are published.
 */
final class SparkRun {

    private final JavaSparkContext sc;
    private final SparkOptions options;
    private final List<String> runArgs;
    private final ConsoleBars bars = ConsoleBars.onStderr();

    SparkRun(JavaSparkContext sc, SparkOptions options, List<String> runArgs) {
        this.sc = sc;
        this.options = options;
        this.runArgs = List.copyOf(runArgs);
    }

    /** Runs the job; exits as {@code musc run} does ({@link ExitCodes}). */
    int execute() throws Exception {
        Instant started = Instant.now();
        String data = require("--data");
        String out = require("--out");
        Storage storage = new Storage(hadoopSettings());
        org.apache.hadoop.fs.Path outLocation = Storage.location(out);
        Path scratch = RunContext.scratch("musc4j-driver");
        sc.sc().addSparkListener(new StageProgress(bars));
        FolderLock lock = null;
        try {
            // the driver works in the output folder itself when it is local, else in a local copy
            Path localOut = Storage.isLocal(outLocation) ? Storage.localPath(outLocation) : scratch.resolve("out");
            Files.createDirectories(localOut);
            // a local folder takes musc run's lock: no second run of either kind writes there meanwhile (a
            // Hadoop file system has no such lock; docs/spark.md)
            lock = Storage.isLocal(outLocation) ? FolderLock.acquire(localOut) : null;
            RunContext partial = new RunContext(new ArrayList<>(runArgs), data, out, null, storage);
            RunJob job = partial.job(partial.localData(null, scratch), localOut, null);
            Warnings warnings = RunJob.warnings();
            List<Category> categories = job.categories(warnings);
            // before any model loads or anything is written: the names this run writes are free or musc4j's
            OutputLocation output = OutputLocation.open(storage, outLocation,
                    categories.stream().map(Category::name).toList(), job.options().overwrite());
            output.clearRunFiles();
            SparkOptions.Mode mode = options.mode() == SparkOptions.Mode.AUTO
                    ? (categories.size() == 1 ? SparkOptions.Mode.SPLIT : SparkOptions.Mode.CATEGORIES) : options.mode();
            try (MuSc musc = job.builder(bars).build()) {
                System.err.printf(Locale.ROOT, "musc: spark %s (%s, %d cores), %s mode; %s, %d blocks, layers %s, "
                        + "image size %d%n", sc.sc().version(), sc.master(), sc.defaultParallelism(),
                        mode.name().toLowerCase(Locale.ROOT), musc.backboneSpec().profile(),
                        musc.backboneSpec().blocks(), Arrays.toString(musc.layers()), musc.imageSize());
                JsonObject config = job.config(musc);
                // as musc run records it, a local folder by its absolute path: --resume of either runner then
                // recognises the other's categories however the folder was spelled
                org.apache.hadoop.fs.Path dataLocation = Storage.location(data);
                config.addProperty("data", Storage.isLocal(dataLocation) ? Storage.localPath(dataLocation).toString()
                        : dataLocation.toString());
                String fingerprint = RunJob.fingerprint(config);
                RunContext context = new RunContext(new ArrayList<>(runArgs), data, out, fingerprint, storage);
                Map<String, CategorySummary> results = new LinkedHashMap<>();
                Map<String, String> failures = new LinkedHashMap<>();
                List<Category> todo = new ArrayList<>();
                for (Category c : categories) {
                    Optional<CategorySummary> previous = job.options().resume()
                            ? previous(storage, outLocation, localOut, c, fingerprint, warnings) : Optional.empty();
                    if (previous.isPresent()) {
                        System.err.println("musc: " + c.name() + ": complete results found, skipped (--resume)");
                        results.put(c.name(), previous.get());
                    } else {
                        todo.add(c);
                    }
                }
                if (mode == SparkOptions.Mode.CATEGORIES) {
                    CategoryJobs.Outcome outcome = CategoryJobs.run(sc, context, output, todo, warnings, bars);
                    results.putAll(outcome.results());
                    failures.putAll(outcome.failures());
                } else {
                    checkSplit(job);
                    Path split = scratch.resolve("split");
                    for (Category c : todo) {
                        try {
                            results.put(c.name(), new SplitJob(sc, context, options, job, musc, warnings).run(c, split, output));
                        } catch (Exception e) {
                            failures.put(c.name(), describe(e));
                            System.err.println("musc: " + c.name() + ": failed: " + failures.get(c.name()));
                        }
                    }
                }
                Map<String, CategorySummary> ordered = new LinkedHashMap<>();
                categories.forEach(c -> Optional.ofNullable(results.get(c.name())).ifPresent(r -> ordered.put(c.name(), r)));
                if (!Storage.isLocal(outLocation)) {
                    // the report's thumbnails are read from the published heatmaps
                    for (String name : ordered.keySet()) {
                        storage.download(new org.apache.hadoop.fs.Path(outLocation, name), localOut.resolve(name));
                    }
                }
                job.finish(ordered, failures, config, started, RunJob.describe(musc.device()), warnings);
                if (!Storage.isLocal(outLocation)) {
                    for (String file : Manifest.RUN_FILES) {
                        Path local = localOut.resolve(file);
                        if (Files.exists(local)) {
                            storage.write(new org.apache.hadoop.fs.Path(outLocation, file), o -> Files.copy(local, o));
                        }
                    }
                }
                output.recordRunFiles();
                storage.tidy(outLocation);
                // as musc run: 3 when some categories failed and the others were written, 1 when none was
                return failures.isEmpty() ? ExitCodes.OK
                        : ordered.isEmpty() ? ExitCodes.ERROR : ExitCodes.SOME_CATEGORIES_FAILED;
            }
        } finally {
            if (lock != null) {
                lock.close();
            }
            RunContext.delete(scratch);
        }
    }

    /**
     * Split mode runs any scorer, aggregation and tiling of the plain run; a divided category is not
     * split: its executors hold one reference of all the category's images per unit, where --divide
     * scores each subset against itself.
     */
    private static void checkSplit(RunJob job) {
        if (job.options().divide() != 1) {
            throw new IllegalArgumentException("--spark-mode split holds one reference of the whole category per "
                    + "unit, and --divide scores each subset against itself; use --spark-mode categories with --divide");
        }
    }

    private Optional<CategorySummary> previous(Storage storage, org.apache.hadoop.fs.Path out, Path localOut,
            Category c, String fingerprint, Warnings warnings) throws IOException {
        String category = c.name();
        if (!Storage.isLocal(out)) {
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(out, category),
                    CategorySummary.FILE);
            if (!storage.exists(file)) {
                return Optional.empty();
            }
            storage.download(file, localOut.resolve(category).resolve(CategorySummary.FILE));
        }
        return CategorySummary.read(localOut.resolve(category), fingerprint, InputFingerprint.of(c), warnings);
    }

    private String require(String option) {
        String v = RunArgs.value(runArgs, option);
        if (v == null) {
            throw new IllegalArgumentException("missing required option " + option);
        }
        return v;
    }

    /** The spark.hadoop.* settings, which Spark puts into every Hadoop Configuration it makes. */
    private Map<String, String> hadoopSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        for (Tuple2<String, String> t : sc.getConf().getAll()) {
            if (t._1().startsWith("spark.hadoop.")) {
                s.put(t._1().substring("spark.hadoop.".length()), t._2());
            }
        }
        return s;
    }

    /** One line for a failure: a failed Spark job's cause rather than its stage bookkeeping. */
    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int recent = m.indexOf("most recent failure: ");
        if (recent >= 0) {
            m = m.substring(recent + "most recent failure: ".length());
            int colon = m.indexOf("): ");
            if (colon >= 0) {
                m = m.substring(colon + 3);
            }
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
