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
import io.musc4j.common.image.RgbImage;
import java.util.Optional;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores one category and writes its files: decode (once, resized to S) → MuSc → masks and metrics →
 * {@code scores.csv}, maps, heatmaps → {@code category.json} last, which marks the category complete.
 * A runner that scores elsewhere (musc4j-spark's split of one category) writes the same files with
 * {@link #write}.
 */
public final class CategoryRun {

    /**
     * What a category's files are written from.
     *
     * @param category the category without the images that could not be read
     * @param images the decoded images resized to S×S, in sample order
     * @param maps the S×S pixel maps, in sample order
     * @param masks the S×S 0/1 masks, or null when the category has no mask at all
     * @param scoresBeforeRscin image scores before RsCIN
     * @param scores final image scores (after RsCIN)
     * @param metrics the category's metrics, when it is labelled
     * @param timingsMs wall milliseconds per stage so far
     */
    public record Scored(Category category, List<RgbImage> images, float[][] maps, byte[][] masks,
            double[] scoresBeforeRscin, float[] scores, Optional<Metrics> metrics, Map<String, Long> timingsMs) {
    }

    private final int size;
    private final DatasetFormat format;
    private final RunCommand.HeatmapMode heatmaps;
    private final boolean saveMaps;
    private final Warnings warnings;
    private final MuSc musc;

    CategoryRun(int size, DatasetFormat format, RunCommand.HeatmapMode heatmaps, boolean saveMaps, Warnings warnings,
            MuSc musc) {
        this.size = size;
        this.format = format;
        this.heatmaps = heatmaps;
        this.saveMaps = saveMaps;
        this.warnings = warnings;
        this.musc = musc;
    }

    /** Scores {@code category} with this run's model and writes its files into {@code out}. */
    public CategorySummary run(Category category, Path out, String fingerprint) throws IOException {
        CategoryScorer.Scored s = CategoryScorer.score(musc, category, format, warnings);
        return write(category, new Scored(s.category(), s.images(), s.maps(), s.masks(),
                s.result().scoresBeforeRscin(), s.result().scores(), s.metrics(), s.timingsMs()), out, fingerprint);
    }

    /**
     * Writes the files of {@code category} scored as {@code scored}: scores.csv, maps, heatmaps, and
     * category.json last.
     */
    public CategorySummary write(Category category, Scored scored, Path out, String fingerprint) throws IOException {
        Map<String, Long> timings = new LinkedHashMap<>(scored.timingsMs());
        long clock = System.nanoTime();
        List<Sample> samples = scored.category().samples();
        float[][] maps = scored.maps();
        byte[][] masks = scored.masks();
        double[] scores = scored.scoresBeforeRscin();
        float[] scoresRscin = scored.scores();
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
