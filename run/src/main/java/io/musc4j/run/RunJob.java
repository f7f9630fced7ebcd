package io.musc4j.run;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.musc4j.batch.CategoryChecks;
import io.musc4j.batch.FormatDefaults;
import io.musc4j.batch.InputFingerprint;
import io.musc4j.engine.threshold.ThresholdRule;
import io.musc4j.datasets.Category;
import io.musc4j.datasets.DatasetFormat;
import io.musc4j.datasets.Datasets;
import io.musc4j.datasets.Warnings;
import io.musc4j.datasets.image.OpenCv;
import io.musc4j.datasets.output.HtmlReport;
import io.musc4j.datasets.output.MetricsFiles;
import io.musc4j.engine.Division;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.ProgressListener;
import io.musc4j.engine.lnamd.Aggregation;
import io.musc4j.engine.msm.ScoringKernel;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.engine.tiles.Tiling;
import io.musc4j.models.BackboneOptions;
import io.musc4j.models.hub.ConsoleProgress;
import io.musc4j.common.io.AtomicFiles;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One {@code musc run}: checks the options and the output folder, lists the categories and sets aside
 * those that cannot be scored (too few images for the configuration), loads the model once, scores
 * category after category (one that fails is reported and the others go on) and writes the run-level
 * files ({@code metrics.json}, {@code metrics.md}, {@code report.html}, {@code run.json}). A category's
 * results are complete once its {@code category.json} exists, which is what {@code --resume} looks for.
 */
public final class RunJob {

    /** Seed of {@code --divide-mode random}; recorded in run.json so a split can be repeated. */
    static final long DIVIDE_SEED = 42;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .disableHtmlEscaping().create();

    private final RunCommand o;
    private final MuscConfig config;
    private final CategoryRun.Outputs outputs;

    /**
     * The job of a parsed command line, its options checked and turned into the run's configuration
     * and outputs once, before any dataset or model is read.
     *
     * @throws IllegalArgumentException with a one-line message naming the option that does not fit
     */
    public RunJob(RunCommand options) {
        this.o = options;
        this.config = configuration(options.format);
        this.outputs = outputs(options);
    }

    /**
     * Runs the whole job in this process: categories one after another with one loaded model. A
     * distributed runner (musc4j-spark) uses the steps below instead of this method.
     */
    int execute() throws Exception {
        Instant started = Instant.now();
        // the image decoder's native library loads on the second core while the model loads on the first
        OpenCv.loadInBackground();
        Warnings warnings = warnings();
        OutputFolder.check(o.out, o.data);
        List<Category> listed = categories(warnings);
        Map<String, String> failures = problems(listed);
        List<Category> categories = listed.stream().filter(c -> !failures.containsKey(c.name())).toList();
        if (categories.isEmpty()) {
            Map.Entry<String, String> first = failures.entrySet().iterator().next();
            throw new IllegalArgumentException(first.getKey() + ": " + first.getValue() + (failures.size() == 1 ? ""
                    : " (and " + (failures.size() - 1) + " more categories cannot be scored)"));
        }
        try (OutputFolder out = OutputFolder.open(o.out, o.data, categories.stream().map(Category::name).toList(),
                o.overwrite, System.err)) {
            failures.forEach((name, why) -> System.err.println("musc: " + name + ": not scored: " + why));
            out.clearRunFiles();
            ConsoleBars bars = ConsoleBars.onStderr();
            try (MuSc musc = builder(bars).downloadProgress(ConsoleProgress.onStderr()).build()) {
                System.err.printf(Locale.ROOT, "musc: device %s; %s, %d blocks, layers %s, image size %d%n",
                        describe(musc.device()), musc.backboneSpec().profile(), musc.backboneSpec().blocks(),
                        Arrays.toString(musc.layers()), musc.imageSize());
                JsonObject config = config(musc);
                String fingerprint = fingerprint(config);
                Map<String, CategorySummary> results = new LinkedHashMap<>();
                int index = 0;
                for (Category category : categories) {
                    index++;
                    bars.prefix(String.format(Locale.ROOT, "[%d/%d] %s ", index, categories.size(), category.name()));
                    if (o.resume) {
                        Optional<CategorySummary> previous = CategorySummary.read(out.path().resolve(category.name()),
                                fingerprint, InputFingerprint.of(category), warnings);
                        if (previous.isPresent()) {
                            System.err.println("musc: " + category.name() + ": complete results found, skipped (--resume)");
                            results.put(category.name(), previous.get());
                            continue;
                        }
                    }
                    try {
                        CategorySummary done = categoryRun(musc, warnings)
                                .run(category, out.stage(category.name()), fingerprint);
                        out.commit(category.name());
                        results.put(category.name(), done);
                        System.err.println("musc: " + category.name() + ": " + Summary.counts(done));
                    } catch (IOException e) {
                        // a full disk: the partial files must not keep the space
                        out.discard(category.name());
                        throw e;
                    } catch (RuntimeException e) {
                        out.discard(category.name());
                        // one category that cannot be scored must not cost the others their results
                        if (o.verbose) {
                            e.printStackTrace(System.err);
                        }
                        failures.put(category.name(), OneLineErrors.describe(e));
                        System.err.println("musc: " + category.name() + ": not scored: " + failures.get(category.name()));
                    }
                }
                finish(results, failures, config, started, describe(musc.device()), warnings);
                out.recordRunFiles();
                if (failures.isEmpty()) {
                    return ExitCodes.OK;
                }
                System.err.println("musc: " + failures.size() + " of " + listed.size() + " categories not scored: "
                        + String.join(", ", failures.keySet()) + " (reasons above and in run.json)");
                return results.isEmpty() ? ExitCodes.ERROR : ExitCodes.SOME_CATEGORIES_FAILED;
            }
        }
    }

    /** The options this job runs with. */
    public RunCommand options() {
        return o;
    }

    /** Warnings printed as they come and listed in run.json. */
    public static Warnings warnings() {
        return new Warnings(m -> System.err.println("warning: " + m));
    }

    /**
     * Checks the options and lists the selected categories of {@code --data} (never reading
     * {@code --out}), failing (one line) before any model loads when an option does not fit.
     */
    public List<Category> categories(Warnings warnings) {
        return Datasets.categories(o.format, o.data, o.categories, Optional.of(o.out), warnings);
    }

    /**
     * The categories that cannot be scored as configured, each with the reason and the fix, in listing
     * order; known before any model loads.
     */
    public Map<String, String> problems(List<Category> categories) {
        CategoryChecks checks = checks();
        Map<String, String> problems = new LinkedHashMap<>();
        for (Category c : categories) {
            checks.problem(c.samples().size()).ifPresent(p -> problems.put(c.name(), p));
        }
        return problems;
    }

    /** What a category must satisfy, in words naming only the options given. */
    CategoryChecks checks() {
        RscinWindows rscin = config.rscin();
        String origin = o.rscin != null ? "--rscin " + o.rscin : "the " + format().cliName() + " default "
                + rscin.windows().stream().map(String::valueOf).collect(Collectors.joining(","));
        return new CategoryChecks(o.model, config.division(), o.divide != 1, rscin, origin);
    }

    /** The per-category outputs and threshold rules the options ask for. */
    CategoryRun.Outputs outputs() {
        return outputs;
    }

    private static CategoryRun.Outputs outputs(RunCommand o) {
        ThresholdRule threshold = option("--threshold", () -> ThresholdRule.parse(o.threshold));
        ThresholdRule pixel = o.pixelThreshold == null ? null
                : option("--pixel-threshold", () -> ThresholdRule.parse(o.pixelThreshold));
        if (o.drawTiles && !o.tiling.tiled()) {
            throw new IllegalArgumentException("--draw-tiles needs --tiles RxC or --tile-size PX");
        }
        if (o.drawTiles && o.heatmaps == RunCommand.HeatmapMode.none) {
            throw new IllegalArgumentException("--draw-tiles draws on the heatmaps; --heatmaps none draws none");
        }
        return new CategoryRun.Outputs(o.heatmaps, o.saveMaps, o.saveMasks, threshold, pixel, o.drawTiles);
    }

    /** The dataset layout of {@code --format}. */
    public DatasetFormat format() {
        return o.format;
    }

    /** A MuSc builder with the command's configuration (the model is loaded by {@code build()}). */
    public MuSc.Builder builder(ProgressListener progress) {
        return MuSc.builder().config(config).progress(progress);
    }

    /**
     * The command line's options as the run's configuration, every one checked before any dataset or
     * model is read; a bad value is a one-line error naming its option.
     */
    MuscConfig configuration(DatasetFormat format) {
        MuscConfig.Builder c = MuscConfig.builder();
        option("--model", () -> c.model(o.model));
        if (o.imageSize != null) {
            try {
                c.imageSize(o.imageSize);
            } catch (IllegalArgumentException e) {
                // the builder's own words, the option named where they name the value
                throw new IllegalArgumentException(e.getMessage().replaceFirst("^image size", "--image-size"), e);
            }
        }
        if (o.layers != null) {
            option("--layers", () -> c.layers(o.layers));
        }
        option("--degrees", () -> c.degrees(o.degrees));
        if (o.interval.length != 2) {
            throw new IllegalArgumentException("--interval takes two numbers LO,HI, e.g. 0,0.3");
        }
        option("--interval", () -> c.interval(o.interval[0], o.interval[1]));
        c.scoring(scoring(o.scoring)).aggregation(aggregation(o.aggregation)).rscin(rscin(o.rscin, format));
        option("--divide", () -> c.division(new Division(o.divide, o.divideMode, DIVIDE_SEED)));
        option("--batch", () -> c.batchSize(o.batch));
        option("--device", () -> c.device(BackboneOptions.DeviceChoice.parse(o.device)));
        c.precision(o.precision);
        c.tiling(tiling(o));
        return option("--precision", c::build);
    }

    /** {@code --tiles}, {@code --tile-size}, {@code --tile-overlap}, {@code --tile-pool}: each bad value a
     *  one-line error naming its option. */
    static Tiling tiling(RunCommand o) {
        Tiling tiling = o.tiling.tiling();
        if (!tiling.isOff() && o.saveMaps == RunCommand.SavedMaps.network) {
            throw new IllegalArgumentException("--save-maps: a tiled image has no single S×S map; use --save-maps"
                    + " original (the stitched map at the image's size)");
        }
        return tiling;
    }

    /** Runs a configuration step, naming the option in its one-line error. */
    private static <T> T option(String name, java.util.function.Supplier<T> step) {
        return OneLineErrors.prefixed(name + ": ", step);
    }

    /** Scores and writes one category at a time with {@code musc}. */
    public CategoryRun categoryRun(MuSc musc, Warnings warnings) {
        return new CategoryRun(musc.imageSize(), o.format, outputs, checks(), warnings, musc);
    }

    /** The text of {@link #config}: what category.json records and {@code --resume} compares (a category
     *  computed under another record is redone). */
    public static String fingerprint(JsonObject config) {
        return GSON.toJson(config);
    }

    /**
     * Writes the run-level files into {@code --out} and prints the summary table.
     *
     * @param failures category name → one-line reason, for categories that could not be scored (they
     *     are listed in run.json and the report, and left out of the other files)
     * @param device the device the scoring ran on, as {@link #describe} writes it
     */
    public void finish(Map<String, CategorySummary> results, Map<String, String> failures, JsonObject config,
            Instant started, String device, Warnings warnings) throws IOException {
        writeRunFiles(results, failures, config, started, device, warnings);
        System.out.print(Summary.table(results, failures));
        if (!results.isEmpty()) {
            System.out.println("results: " + o.out.toAbsolutePath() + "  (report: "
                    + o.out.resolve("report.html").toAbsolutePath() + ")");
        }
        if (warnings.count() > 0) {
            System.err.println("musc: " + warnings.summary() + " (listed in run.json)");
        }
    }

    static RscinWindows rscin(String option, DatasetFormat format) {
        if (option == null) {
            return FormatDefaults.rscinWindows(format);
        }
        if (option.equalsIgnoreCase("off")) {
            return RscinWindows.off();
        }
        try {
            return RscinWindows.of(Arrays.stream(option.split(",")).map(String::trim)
                    .mapToInt(Integer::parseInt).toArray());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--rscin takes window sizes such as 1,2,3, or off; got '" + option + "'");
        }
    }

    /** "cpu" or "gpu 0": DJL's own form, "cpu()", reads like a bug in a log. */
    public static String describe(ai.djl.Device device) {
        return device.isGpu() ? "gpu " + device.getDeviceId() : "cpu";
    }

    /** {@code --scoring}: full, aligned or aligned:W. */
    static ScoringKernel scoring(String option) {
        try {
            return ScoringKernel.parse(option);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
    }

    /** {@code --aggregation}: lnamd or snamd. */
    static Aggregation aggregation(String option) {
        try {
            return Aggregation.parse(option);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
    }

    /**
     * What run.json records under {@code config} and category.json compares: the configuration's
     * canonical description, resolved against the model (its image size, layers and device), with the
     * input and output options of the command line.
     */
    public JsonObject config(MuSc musc) {
        JsonObject c = musc.config().json();
        c.addProperty("data", o.data.toAbsolutePath().normalize().toString());
        c.addProperty("format", o.format.cliName());
        c.addProperty("heatmaps", o.heatmaps.name());
        c.addProperty("save_maps", o.saveMaps.name());
        c.addProperty("save_masks", o.saveMasks);
        if (o.drawTiles) {
            // only when asked, so that the descriptions of runs recorded before it stay as they were
            c.addProperty("draw_tiles", true);
        }
        c.addProperty("rule", outputs.threshold().canonical());
        c.addProperty("pixel_rule", outputs.pixelThreshold() == null ? "image" : outputs.pixelThreshold().canonical());
        return c;
    }

    private void writeRunFiles(Map<String, CategorySummary> results, Map<String, String> failures, JsonObject config,
            Instant started, String device, Warnings warnings) throws IOException {
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        results.forEach((name, r) -> r.metricsIfAny().ifPresent(m -> metrics.put(name, m)));
        if (!metrics.isEmpty()) {
            MetricsFiles.writeJson(o.out.resolve("metrics.json"), metrics);
            MetricsFiles.writeMarkdown(o.out.resolve("metrics.md"), metrics);
        }
        HtmlReport.Builder report = HtmlReport.builder().title("musc4j: " + o.data.getFileName() + " with " + o.model)
                .metrics(metrics).notes(warnings.all());
        failures.forEach(report::failure);
        results.forEach((name, r) -> report.category(r.reportCategory(o.out.resolve(name))));
        report.build().write(o.out.resolve("report.html"));

        JsonObject run = new JsonObject();
        run.addProperty("musc4j", Versions.MUSC4J);
        run.addProperty("djl", Versions.DJL);
        run.addProperty("pytorch", Versions.PYTORCH);
        run.addProperty("java", Runtime.version().toString());
        run.addProperty("device", device);
        run.addProperty("started", started.toString());
        run.addProperty("finished", Instant.now().toString());
        run.add("config", config);
        JsonObject thresholds = new JsonObject();
        results.forEach((name, r) -> thresholds.add(name, GSON.toJsonTree(r.decision())));
        run.add("thresholds", thresholds);
        JsonObject timings = new JsonObject();
        results.forEach((name, r) -> timings.add(name, GSON.toJsonTree(r.timingsMs())));
        run.add("timings_ms", timings);
        run.add("failed", GSON.toJsonTree(failures));
        run.add("warnings", GSON.toJsonTree(warnings.all()));
        AtomicFiles.writeString(o.out.resolve("run.json"), GSON.toJson(run) + "\n");
    }

    static Gson gson() {
        return GSON;
    }
}
