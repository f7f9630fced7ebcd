package io.musc4j.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.musc4j.batch.FormatDefaults;
import io.musc4j.datasets.Category;
import io.musc4j.datasets.DatasetFormat;
import io.musc4j.datasets.Datasets;
import io.musc4j.datasets.Warnings;
import io.musc4j.datasets.output.HtmlReport;
import io.musc4j.datasets.output.MetricsFiles;
import io.musc4j.engine.Division;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.ProgressListener;
import io.musc4j.engine.lnamd.Aggregation;
import io.musc4j.engine.msm.MsmPrecision;
import io.musc4j.engine.msm.ScoringKernel;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.models.BackboneOptions;
import io.musc4j.models.hub.DownloadProgress;
import io.musc4j.common.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code musc run}: checks the options, loads the model once, scores category after category and
 * writes the run-level files ({@code metrics.json}, {@code metrics.md}, {@code report.html},
 * {@code run.json}). A category's results are complete once its {@code category.json} exists, which
 * is what {@code --resume} looks for.
 */
public final class RunJob {

    /** Seed of {@code --divide-mode random}; recorded in run.json so a split can be repeated. */
    static final long DIVIDE_SEED = 42;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .disableHtmlEscaping().create();

    private final RunCommand o;

    public RunJob(RunCommand options) {
        this.o = options;
    }

    /**
     * Runs the whole job in this process: categories one after another with one loaded model. A
     * distributed runner (musc4j-spark) uses the steps below instead of this method.
     */
    int execute() throws Exception {
        Instant started = Instant.now();
        Warnings warnings = warnings();
        List<Category> categories = categories(warnings);
        Files.createDirectories(o.out);
        ConsoleBars bars = ConsoleBars.onStderr();
        try (MuSc musc = builder(bars).downloadProgress(DownloadProgress.console()).build()) {
            System.err.printf(Locale.ROOT, "musc: device %s; %s, %d blocks, layers %s, image size %d%n",
                    describe(musc.device()), musc.backboneSpec().profile(), musc.backboneSpec().blocks(),
                    Arrays.toString(musc.layers()), musc.imageSize());
            JsonObject config = config(musc);
            String fingerprint = fingerprint(config);
            Map<String, CategorySummary> results = new LinkedHashMap<>();
            int index = 0;
            for (Category category : categories) {
                index++;
                Path categoryOut = o.out.resolve(category.name());
                bars.prefix(String.format(Locale.ROOT, "[%d/%d] %s ", index, categories.size(), category.name()));
                if (o.resume) {
                    Optional<CategorySummary> previous = CategorySummary.read(categoryOut, fingerprint, warnings);
                    if (previous.isPresent()) {
                        System.err.println("musc: " + category.name() + ": complete results found, skipped (--resume)");
                        results.put(category.name(), previous.get());
                        continue;
                    }
                }
                results.put(category.name(), categoryRun(musc, warnings).run(category, categoryOut, fingerprint));
            }
            finish(results, Map.of(), config, started, describe(musc.device()), warnings);
        }
        return 0;
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
     * Checks the options and lists the selected categories of {@code --data}, failing (one line) before
     * any model loads when an option or a category does not fit.
     */
    public List<Category> categories(Warnings warnings) {
        DatasetFormat format = format();
        MuscConfig options = configuration(format);
        List<Category> categories = Datasets.categories(format, o.data, o.categories, warnings);
        checkDivision(categories, options.division());
        return categories;
    }

    /** The dataset layout of {@code --format}. */
    public DatasetFormat format() {
        return DatasetFormat.parse(o.format.name());
    }

    /** A MuSc builder with the command's configuration (the model is loaded by {@code build()}). */
    public MuSc.Builder builder(ProgressListener progress) {
        return MuSc.builder().config(configuration(format())).progress(progress);
    }

    /**
     * The command line's options as the run's configuration, every one checked before any dataset or
     * model is read; a bad value is a one-line error naming its option.
     */
    MuscConfig configuration(DatasetFormat format) {
        MuscConfig.Builder c = MuscConfig.builder();
        option("--model", () -> c.model(o.model));
        if (o.imageSize != null) {
            option("--image-size", () -> c.imageSize(o.imageSize));
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
        option("--divide", () -> c.division(new Division(o.divide,
                o.divideMode == RunCommand.DivideMode.random ? Division.Mode.RANDOM : Division.Mode.SEQUENTIAL,
                DIVIDE_SEED)));
        option("--batch", () -> c.batchSize(o.batch));
        option("--device", () -> c.device(BackboneOptions.DeviceChoice.parse(o.device)));
        c.precision(o.precision == RunCommand.PrecisionChoice.fp16 ? MsmPrecision.FP16 : MsmPrecision.FP32);
        return option("--precision", c::build);
    }

    /** Runs a configuration step, naming the option in its one-line error. */
    private static <T> T option(String name, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    /** Scores and writes one category at a time with {@code musc}. */
    public CategoryRun categoryRun(MuSc musc, Warnings warnings) {
        return new CategoryRun(musc.imageSize(), format(), o.heatmaps, o.saveMaps, warnings, musc);
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
     *     are listed in run.json and left out of the other files)
     * @param device the device the scoring ran on, as {@link #describe} writes it
     */
    public void finish(Map<String, CategorySummary> results, Map<String, String> failures, JsonObject config,
            Instant started, String device, Warnings warnings) throws IOException {
        writeRunFiles(results, failures, config, started, device, warnings);
        System.out.print(Summary.table(results));
        failures.forEach((name, why) -> System.out.println(name + ": FAILED: " + why));
        System.out.println("results: " + o.out.toAbsolutePath() + "  (report: "
                + o.out.resolve("report.html").toAbsolutePath() + ")");
        if (warnings.count() > 0) {
            System.err.println("musc: " + warnings.summary() + " (listed in run.json)");
        }
    }

    /** Fails before the model loads if some category is too small for {@code --divide}. */
    private static void checkDivision(List<Category> categories, Division division) {
        for (Category c : categories) {
            try {
                division.split(c.samples().size());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(c.name() + ": " + e.getMessage() + " (--divide "
                        + division.parts() + ")");
            }
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
        JsonObject c = JsonParser.parseString(musc.config().describe()).getAsJsonObject();
        c.addProperty("data", o.data.toAbsolutePath().normalize().toString());
        c.addProperty("format", o.format.name());
        c.addProperty("heatmaps", o.heatmaps.name());
        c.addProperty("save_maps", o.saveMaps);
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
        results.forEach((name, r) -> report.category(name, r.reportImages(o.out.resolve(name))));
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
        JsonObject timings = new JsonObject();
        results.forEach((name, r) -> timings.add(name, GSON.toJsonTree(r.timingsMs())));
        run.add("timings_ms", timings);
        if (!failures.isEmpty()) {
            run.add("failed", GSON.toJsonTree(failures));
        }
        run.add("warnings", GSON.toJsonTree(warnings.all()));
        AtomicFiles.writeString(o.out.resolve("run.json"), GSON.toJson(run) + "\n");
    }

    static Gson gson() {
        return GSON;
    }
}
