package io.musc4j.cli;

import io.musc4j.batch.CategoryChecks;
import io.musc4j.batch.CategoryDecision;
import io.musc4j.batch.CategoryScorer;
import io.musc4j.batch.InputFingerprint;
import io.musc4j.batch.ThresholdRule;
import io.musc4j.common.io.AtomicFiles;
import io.musc4j.datasets.Category;
import io.musc4j.datasets.DatasetFormat;
import io.musc4j.datasets.Sample;
import io.musc4j.datasets.Warnings;
import io.musc4j.datasets.output.HeatmapNorm;
import io.musc4j.datasets.output.Heatmaps;
import io.musc4j.datasets.output.RawMaps;
import io.musc4j.datasets.output.ResultPaths;
import io.musc4j.datasets.output.ScoreRow;
import io.musc4j.datasets.output.ScoresCsv;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.inspect.Region;
import io.musc4j.engine.metrics.Metrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores one category and writes its files: decode (once, resized to S) → MuSc → masks and metrics →
 * label-free verdicts → {@code scores.csv}, maps, heatmaps, predicted masks → {@code category.json}
 * last. Everything is written to a staging folder that replaces {@code OUT/<category>} only when
 * complete.
 */
final class CategoryRun {

    /**
     * What a run writes for each category besides the scores.
     *
     * @param heatmaps       the heatmaps' colour scale, or none
     * @param saveMaps       raw S×S maps as .npy
     * @param saveMasks      binary masks at the pixel threshold, and their regions
     * @param threshold      the image threshold rule
     * @param pixelThreshold the pixel threshold rule
     */
    record Outputs(RunCommand.HeatmapMode heatmaps, boolean saveMaps, boolean saveMasks, ThresholdRule threshold,
                   ThresholdRule pixelThreshold) {
    }

    private final MuSc musc;
    private final DatasetFormat format;
    private final Outputs outputs;
    private final CategoryChecks checks;
    private final Warnings warnings;
    private final Map<String, Long> timings = new LinkedHashMap<>();

    CategoryRun(MuSc musc, DatasetFormat format, Outputs outputs, CategoryChecks checks, Warnings warnings) {
        this.musc = musc;
        this.format = format;
        this.outputs = outputs;
        this.checks = checks;
        this.warnings = warnings;
    }

    CategorySummary run(Category category, OutputFolder out, String fingerprint, InputFingerprint inputs)
            throws IOException {
        CategoryScorer.Scored scored = CategoryScorer.score(musc, category, format, checks, warnings);
        timings.putAll(scored.timingsMs());
        long clock = System.nanoTime();
        CategoryDecision decision = CategoryDecision.of(scored, outputs.threshold(), outputs.pixelThreshold());
        Path dir = out.stage(category.name());
        int size = musc.imageSize();
        List<Sample> samples = scored.category().samples();
        List<String> keys = ResultPaths.keys(samples);
        float[][] maps = scored.maps();
        byte[][] masks = scored.masks();
        double[] scores = scored.result().scores();
        float[] scoresRscin = scored.result().scoresRscin();
        double threshold = decision.verdicts().threshold();
        List<ScoreRow> rows = new ArrayList<>();
        List<CategorySummary.Entry> entries = new ArrayList<>();
        HeatmapNorm whole = outputs.heatmaps() == RunCommand.HeatmapMode.whole ? HeatmapNorm.of(List.of(maps)) : null;
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            boolean anomalous = decision.verdicts().anomalous(i);
            rows.add(new ScoreRow(s.relativePath(), s.label(), scores[i], scoresRscin[i], threshold, anomalous));
            if (outputs.saveMaps()) {
                RawMaps.write(ResultPaths.map(dir, keys.get(i)), maps[i], size);
            }
            String heatmap = null;
            if (outputs.heatmaps() != RunCommand.HeatmapMode.none) {
                HeatmapNorm norm = whole != null ? whole : HeatmapNorm.of(maps[i]);
                byte[] truth = masks != null && s.mask().isPresent() ? masks[i] : null;
                Path file = ResultPaths.heatmap(dir, keys.get(i));
                Heatmaps.write(file, scored.images().get(i), maps[i], size, norm, truth, decision.pixelThreshold());
                heatmap = relative(dir, file);
            }
            String mask = null;
            List<CategorySummary.Box> regions = null;
            if (outputs.saveMasks()) {
                Path file = ResultPaths.mask(dir, keys.get(i));
                AtomicFiles.write(file, Heatmaps.maskPng(decision.mask(maps[i]), size));
                mask = relative(dir, file);
                regions = new ArrayList<>();
                for (Region r : decision.regions(maps[i], size)) {
                    regions.add(new CategorySummary.Box(r.box().x0(), r.box().y0(), r.box().x1(), r.box().y1(),
                            r.area(), r.peak()));
                }
            }
            entries.add(new CategorySummary.Entry(s.relativePath(), s.label().isPresent() ? s.label().getAsInt() : null,
                    scores[i], scoresRscin[i], anomalous ? "anomalous" : "normal", heatmap, mask, regions));
        }
        ScoresCsv.write(dir.resolve("scores.csv"), rows);
        timings.put("writing", (System.nanoTime() - clock) / 1_000_000);
        Map<String, Double> metrics = null;
        if (scored.metrics().isPresent()) {
            metrics = new LinkedHashMap<>(scored.metrics().map(Metrics::toMap).get());
            metrics.putAll(decision.atThreshold());
        }
        int anomalous = decision.verdicts().count();
        CategorySummary.Decision d = new CategorySummary.Decision(outputs.threshold().canonical(), threshold,
                outputs.threshold().describe(), outputs.pixelThreshold().canonical(), decision.pixelThreshold(),
                anomalous, samples.size() - anomalous);
        CategorySummary summary = new CategorySummary(category.name(), fingerprint, inputs, d, entries, metrics,
                timings, category.samples().size() - samples.size(), whole);
        summary.write(dir);
        out.commit(category.name());
        return summary;
    }

    private static String relative(Path dir, Path file) {
        return dir.relativize(file).toString().replace('\\', '/');
    }
}
