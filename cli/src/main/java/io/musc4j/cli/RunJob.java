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
final class RunJob {

    /** Seed of {@code --divide-mode random}; recorded in run.json so a split can be repeated. */
    static final long DIVIDE_SEED = 42;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .disableHtmlEscaping().create();

    private final RunCommand o;

    RunJob(RunCommand options) {
        this.o = options;
    }

    int execute() throws Exception {
        Instant started = Instant.now();
        DatasetFormat format = DatasetFormat.parse(o.format.name());
        MuscConfig options = configuration(format);
        Warnings warnings = new Warnings(m -> System.err.println("warning: " + m));
        List<Category> categories = Datasets.categories(format, o.data, o.categories, warnings);
        checkDivision(categories, options.division());
        Files.createDirectories(o.out);
        ConsoleBars bars = ConsoleBars.onStderr();

        try (MuSc musc = MuSc.builder().config(options).progress(bars).downloadProgress(DownloadProgress.console())
                .build()) {
            System.err.printf(Locale.ROOT, "musc: device %s; %s, %d blocks, layers %s, image size %d%n",
                    describe(musc.device()), musc.backboneSpec().architecture(), musc.backboneSpec().blocks(),
                    Arrays.toString(musc.layers()), musc.imageSize());
            JsonObject config = configurationRecord(musc.config());
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
                CategoryRun run = new CategoryRun(musc, format, o.heatmaps, o.saveMaps, warnings);
                results.put(category.name(), run.run(category, categoryOut, fingerprint));
            }
            writeRunFiles(results, config, started, musc, warnings);
            System.out.print(Summary.table(results));
            System.out.println("results: " + o.out.toAbsolutePath() + "  (report: "
                    + o.out.resolve("report.html").toAbsolutePath() + ")");
            if (warnings.count() > 0) {
                System.err.println("musc: " + warnings.summary() + " (listed in run.json)");
            }
        }
        return 0;
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

    /**
     * What run.json records under {@code config}: the configuration's canonical description, resolved
     * against the model (its image size, layers and device), with the input and output options of the
     * command line.
     */
    private JsonObject configurationRecord(MuscConfig resolved) {
        JsonObject c = JsonParser.parseString(resolved.describe()).getAsJsonObject();
        c.addProperty("data", o.data.toAbsolutePath().normalize().toString());
        c.addProperty("format", o.format.name());
        c.addProperty("heatmaps", o.heatmaps.name());
        c.addProperty("save_maps", o.saveMaps);
        return c;
    }

    /** What {@code --resume} compares: a category computed under another record is redone. */
    static String fingerprint(JsonObject configurationRecord) {
        return GSON.toJson(configurationRecord);
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
    static String describe(ai.djl.Device device) {
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

    private void writeRunFiles(Map<String, CategorySummary> results, JsonObject config, Instant started,
                               MuSc musc, Warnings warnings) throws IOException {
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
        run.addProperty("device", describe(musc.device()));
        run.addProperty("started", started.toString());
        run.addProperty("finished", Instant.now().toString());
        run.add("config", config);
        JsonObject timings = new JsonObject();
        results.forEach((name, r) -> timings.add(name, GSON.toJsonTree(r.timingsMs())));
        run.add("timings_ms", timings);
        run.add("warnings", GSON.toJsonTree(warnings.all()));
        AtomicFiles.writeString(o.out.resolve("run.json"), GSON.toJson(run) + "\n");
    }

    static Gson gson() {
        return GSON;
    }
}
