package io.musc4j.cli;

import io.musc4j.datasets.Category;
import io.musc4j.datasets.DatasetFormat;
import io.musc4j.datasets.DecodedCategory;
import io.musc4j.datasets.Datasets;
import io.musc4j.datasets.Sample;
import io.musc4j.datasets.Warnings;
import io.musc4j.datasets.image.ImageReadException;
import io.musc4j.datasets.image.MaskPreprocessor;
import io.musc4j.datasets.output.HeatmapNorm;
import io.musc4j.datasets.output.Heatmaps;
import io.musc4j.datasets.output.RawMaps;
import io.musc4j.datasets.output.ScoreRow;
import io.musc4j.datasets.output.ScoresCsv;
import io.musc4j.engine.BatchResult;
import io.musc4j.engine.FeatureExtractor;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.metrics.Metrics;
import io.musc4j.engine.metrics.MetricsEvaluator;
import io.musc4j.engine.metrics.PixelData;
import io.musc4j.engine.metrics.RankingScores;
import io.musc4j.models.preprocess.Preprocessing;
import io.musc4j.models.preprocess.RgbImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    private long clock;

    CategoryRun(MuSc musc, DatasetFormat format, RunCommand.HeatmapMode heatmaps, boolean saveMaps, Warnings warnings) {
        this.musc = musc;
        this.format = format;
        this.heatmaps = heatmaps;
        this.saveMaps = saveMaps;
        this.warnings = warnings;
    }

    CategorySummary run(Category category, Path out, String fingerprint) throws IOException {
        int size = musc.imageSize();
        clock = System.nanoTime();
        Preprocessing preprocessing = FeatureExtractor.preprocessing(musc.backboneSpec().architecture());
        DecodedCategory decoded = Datasets.decode(category, img -> preprocessing.resize(img, size), warnings);
        List<Sample> samples = decoded.category().samples();
        List<RgbImage> images = decoded.images();
        lap("decode");

        BatchResult result = musc.scoreImages(images);
        lap("musc");
        float[][] maps = new float[samples.size()][];
        for (int i = 0; i < maps.length; i++) {
            maps[i] = result.map(i);
        }
        lap("maps");

        Category kept = decoded.category();
        byte[][] masks = kept.hasMasks() ? masks(samples, size) : null;
        Optional<Map<String, Double>> metrics = metrics(kept, result, maps, masks, size);
        lap("metrics");

        double[] scores = result.scores();
        float[] scoresRscin = result.scoresRscin();
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
                Path file = Heatmaps.write(out, s, images.get(i), maps[i], size, norm, mask);
                heatmap = out.relativize(file).toString().replace('\\', '/');
            }
            entries.add(new CategorySummary.Entry(s.relativePath(), s.label().isPresent() ? s.label().getAsInt() : null,
                    scores[i], scoresRscin[i], heatmap));
        }
        ScoresCsv.write(out.resolve("scores.csv"), rows);
        lap("writing");
        CategorySummary summary = new CategorySummary(category.name(), fingerprint, entries,
                metrics.orElse(null), timings, category.samples().size() - samples.size());
        summary.write(out);
        return summary;
    }

    private byte[][] masks(List<Sample> samples, int size) {
        byte[][] masks = new byte[samples.size()][];
        for (int i = 0; i < masks.length; i++) {
            Sample s = samples.get(i);
            try {
                masks[i] = MaskPreprocessor.load(s.mask(), size, format.maskRule());
            } catch (ImageReadException e) {
                warnings.add(e.getMessage() + "; mask ignored");
                masks[i] = new byte[size * size];
            }
        }
        return masks;
    }

    /** Image metrics when every image is labelled; pixel metrics too when masks exist. */
    private static Optional<Map<String, Double>> metrics(Category c, BatchResult result, float[][] maps,
                                                         byte[][] masks, int size) {
        if (!c.fullyLabelled()) {
            return Optional.empty();
        }
        int[] labels = c.samples().stream().mapToInt(s -> s.label().getAsInt()).toArray();
        float[] rscin = result.scoresRscin();
        double[] scores = new double[rscin.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = rscin[i];
        }
        Metrics m;
        if (masks != null) {
            m = MetricsEvaluator.evaluate(labels, scores, PixelData.ofFloats(size, size, maps, masks));
        } else {
            RankingScores none = new RankingScores(Double.NaN, Double.NaN, Double.NaN);
            m = Metrics.of(RankingScores.of(labels, scores), none, Double.NaN, Double.NaN);
        }
        return Optional.of(m.toMap());
    }

    private void lap(String stage) {
        long now = System.nanoTime();
        timings.merge(stage, (now - clock) / 1_000_000, Long::sum);
        clock = now;
    }
}
