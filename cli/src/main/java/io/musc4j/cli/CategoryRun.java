package io.musc4j.cli;

import io.musc4j.datasets.Category;
import io.musc4j.datasets.DatasetFormat;
import io.musc4j.datasets.Sample;
import io.musc4j.datasets.Warnings;
import io.musc4j.datasets.output.HeatmapNorm;
import io.musc4j.datasets.output.Heatmaps;
import io.musc4j.datasets.output.RawMaps;
import io.musc4j.datasets.output.ScoreRow;
import io.musc4j.datasets.output.ScoresCsv;
import io.musc4j.batch.CategoryScorer;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.metrics.Metrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores one category and writes its files: decode (once, resized to S) → MuSc → masks and metrics →
 * {@code scores.csv}, maps, heatmaps → {@code category.json} last, which marks the category complete.
 */
final class CategoryRun {

    private final MuSc musc;
    private final DatasetFormat format;
    private final RunCommand.HeatmapMode heatmaps;
    private final boolean saveMaps;
    private final Warnings warnings;
    private final Map<String, Long> timings = new LinkedHashMap<>();

    CategoryRun(MuSc musc, DatasetFormat format, RunCommand.HeatmapMode heatmaps, boolean saveMaps, Warnings warnings) {
        this.musc = musc;
        this.format = format;
        this.heatmaps = heatmaps;
        this.saveMaps = saveMaps;
        this.warnings = warnings;
    }

    CategorySummary run(Category category, Path out, String fingerprint) throws IOException {
        CategoryScorer.Scored scored = CategoryScorer.score(musc, category, format, warnings);
        timings.putAll(scored.timingsMs());
        long clock = System.nanoTime();
        int size = musc.imageSize();
        List<Sample> samples = scored.category().samples();
        float[][] maps = scored.maps();
        byte[][] masks = scored.masks();
        double[] scores = scored.result().scoresBeforeRscin();
        float[] scoresRscin = scored.result().scores();
        List<ScoreRow> rows = new ArrayList<>();
        List<CategorySummary.Entry> entries = new ArrayList<>();
        HeatmapNorm whole = heatmaps == RunCommand.HeatmapMode.whole ? HeatmapNorm.of(List.of(maps)) : null;
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            rows.add(new ScoreRow(s.relativePath(), s.label(), scores[i], scoresRscin[i]));
            if (saveMaps) {
                RawMaps.write(out, s, maps[i], size);
            }
            String heatmap = null;
            if (heatmaps != RunCommand.HeatmapMode.none) {
                HeatmapNorm norm = whole != null ? whole : HeatmapNorm.of(maps[i]);
                byte[] mask = masks != null && s.mask().isPresent() ? masks[i] : null;
                Path file = Heatmaps.write(out, s, scored.images().get(i), maps[i], size, norm, mask);
                heatmap = out.relativize(file).toString().replace('\\', '/');
            }
            entries.add(new CategorySummary.Entry(s.relativePath(), s.label().isPresent() ? s.label().getAsInt() : null,
                    scores[i], scoresRscin[i], heatmap));
        }
        ScoresCsv.write(out.resolve("scores.csv"), rows);
        timings.put("writing", (System.nanoTime() - clock) / 1_000_000);
        CategorySummary summary = new CategorySummary(category.name(), fingerprint, entries,
                scored.metrics().map(Metrics::toMap).orElse(null), timings, category.samples().size() - samples.size());
        summary.write(out);
        return summary;
    }
}
