package io.musc4j.bench;

import io.musc4j.batch.FormatDefaults;
import io.musc4j.datasets.Category;
import io.musc4j.datasets.DatasetFormat;
import io.musc4j.datasets.Datasets;
import io.musc4j.datasets.Warnings;
import io.musc4j.batch.CategoryScorer;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.rscin.RscinWindows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code musc bench reproduce}: scores every category of a dataset with the paper's settings (S=518,
 * four evenly spaced layers — 5, 11, 17, 23 on CLIP ViT-L/14-336 —, degrees 1, 3, 5, interval
 * [0, 0.3], RsCIN windows of the dataset's family) and prints the metrics beside the published
 * ones. Exits 3 when a mean differs from the published mean by more than the tolerance.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = "Reproduce the paper's per-category table and compare with the published one.")
final class ReproduceCommand implements Callable<Integer> {

    /** Exit code when a mean misses the published one by more than the tolerance. */
    static final int MISMATCH = 3;

    @Option(names = "--format", required = true, description = "mvtec, visa or btad")
    String format;
    @Option(names = "--data", required = true, description = "dataset root")
    Path data;
    @Option(names = "--model", defaultValue = "openai/clip-vit-large-patch14-336", description = "HF id or folder")
    String model;
    @Option(names = "--image-size", defaultValue = "518")
    int imageSize;
    @Option(names = "--layers", split = ",", description = "default: four evenly spaced, ending at the last")
    int[] layers;
    @Option(names = "--batch", defaultValue = "4")
    int batch;
    @Option(names = "--tolerance", defaultValue = "0.5", description = "allowed |mean difference| in percentage points")
    double tolerance;
    @Option(names = "--out", description = "also write the table to this file")
    Path out;

    @Override
    public Integer call() throws Exception {
        DatasetFormat fmt = DatasetFormat.parse(format);
        PublishedResults published = PublishedResults.of(format);
        Warnings warnings = new Warnings(m -> System.err.println("warning: " + m));
        List<Category> categories = Datasets.categories(fmt, data, List.of("ALL"), warnings);
        RscinWindows rscin = FormatDefaults.rscinWindows(fmt);
        MuscConfig.Builder config = MuscConfig.builder().model(model).imageSize(imageSize).degrees(1, 3, 5)
                .interval(0, 0.3).rscin(rscin).batchSize(batch);
        if (layers != null) {
            config.layers(layers);
        }
        Map<String, Map<String, Double>> ours = new LinkedHashMap<>();
        try (MuSc musc = MuSc.builder().config(config.build()).build()) {
            for (Category c : categories) {
                long t = System.nanoTime();
                ours.put(c.name(), evaluate(musc, c, fmt, warnings));
                System.err.printf(Locale.ROOT, "musc bench: %s done in %.1f s%n", c.name(), (System.nanoTime() - t) / 1e9);
            }
        }
        ReproductionTable table = new ReproductionTable(published, ours);
        String text = table.render();
        System.out.print(text);
        if (out != null) {
            Files.writeString(out, text);
        }
        if (!table.passes(tolerance)) {
            System.err.printf(Locale.ROOT, "musc bench: a mean differs from the published one by more than %.2f points%n",
                    tolerance);
            return MISMATCH;
        }
        return 0;
    }

    /** Metrics of one category, as fractions keyed as in {@code Metrics.toMap()}. */
    static Map<String, Double> evaluate(MuSc musc, Category category, DatasetFormat format, Warnings warnings)
            throws java.io.IOException {
        if (!category.fullyLabelled()) {
            throw new IllegalArgumentException(category.name() + ": not every image has a label; nothing to compare");
        }
        return CategoryScorer.score(musc, category, format, warnings).metrics().orElseThrow().toMap();
    }
}
