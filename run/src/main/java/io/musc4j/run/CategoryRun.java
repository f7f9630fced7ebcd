package io.musc4j.run;

import io.musc4j.batch.CategoryChecks;
import io.musc4j.batch.CategoryDecision;
import io.musc4j.batch.CategoryScorer;
import io.musc4j.batch.DefinedMetrics;
import io.musc4j.batch.InputFingerprint;
import io.musc4j.engine.threshold.ThresholdRule;
import io.musc4j.common.image.ImageSize;
import io.musc4j.common.image.PillowResize;
import io.musc4j.common.io.AtomicFiles;
import io.musc4j.datasets.Category;
import io.musc4j.datasets.DatasetFormat;
import io.musc4j.datasets.Sample;
import io.musc4j.datasets.Warnings;
import io.musc4j.datasets.image.GrayImage;
import io.musc4j.datasets.image.ImageIo;
import io.musc4j.datasets.image.ImageReadException;
import io.musc4j.datasets.output.HeatmapNorm;
import io.musc4j.datasets.output.Heatmaps;
import io.musc4j.datasets.output.RawMaps;
import io.musc4j.datasets.output.ResultPaths;
import io.musc4j.datasets.output.ScoreRow;
import io.musc4j.datasets.output.ScoresCsv;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.TiledSet;
import io.musc4j.engine.tiles.TileGrid;
import io.musc4j.engine.inspect.PartRegions;
import io.musc4j.engine.inspect.Region;
import io.musc4j.engine.maps.ImageMap;
import io.musc4j.engine.metrics.Metrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Scores one category and writes its files: decode (once, resized to S) → MuSc → masks and metrics →
 * label-free verdicts → {@code scores.csv}, maps, heatmaps, predicted masks → {@code category.json}
 * last, which marks the category complete. Masks, regions and heatmaps are at each image's own size:
 * its S×S map is read back to W×H ({@link ImageMap#fromNetwork}) one image at a time, with the image
 * read again from its file for the heatmap, so no more than one original-size map per thread is held. {@code musc run} writes into a staging folder that replaces
 * {@code OUT/<category>} only when complete ({@link OutputFolder}). A runner that scores elsewhere
 * (musc4j-spark's split of one category) writes the same files with {@link #write}.
 */
public final class CategoryRun {

    /**
     * What a run writes for each category besides the scores.
     *
     * @param heatmaps       the heatmaps' colour scale, or none
     * @param saveMaps       raw maps as .npy, and at which size
     * @param saveMasks      binary masks at the pixel threshold, and their regions
     * @param threshold      the image threshold rule, on map_max
     * @param pixelThreshold the pixel threshold rule, on map_max; null: the image threshold itself
     * @param drawTiles      a tiled run's heatmaps outline each image's tiles
     */
    record Outputs(RunCommand.HeatmapMode heatmaps, RunCommand.SavedMaps saveMaps, boolean saveMasks,
                   ThresholdRule threshold, ThresholdRule pixelThreshold, boolean drawTiles) {
    }

    /**
     * What a category's files are written from.
     *
     * @param category the category without the images that could not be read
     * @param sizes the images' own sizes, in sample order
     * @param maps the S×S pixel maps, in sample order
     * @param scoresBeforeRscin image scores before RsCIN
     * @param scores final image scores (after RsCIN)
     * @param metrics the category's metrics, when it is labelled
     * @param timingsMs wall milliseconds per stage so far
     * @param tiled a tiled run's result, which stitches each image's map at its own size from its tiles'
     *     maps and knows its tile grid (then {@code maps} are every tile's S×S maps, which give the
     *     heatmaps' colour range); null when whole images were scored
     */
    public record Scored(Category category, List<ImageSize> sizes, float[][] maps,
            double[] scoresBeforeRscin, float[] scores, Optional<Metrics> metrics, Map<String, Long> timingsMs,
            TiledSet tiled) {

        /** Whole images scored: {@code maps} are each image's S×S map. */
        public Scored(Category category, List<ImageSize> sizes, float[][] maps, double[] scoresBeforeRscin,
                float[] scores, Optional<Metrics> metrics, Map<String, Long> timingsMs) {
            this(category, sizes, maps, scoresBeforeRscin, scores, metrics, timingsMs, null);
        }
    }

    private final int size;
    private final DatasetFormat format;
    private final Outputs outputs;
    private final CategoryChecks checks;
    private final Warnings warnings;
    private final MuSc musc;

    CategoryRun(int size, DatasetFormat format, Outputs outputs, CategoryChecks checks, Warnings warnings, MuSc musc) {
        this.size = size;
        this.format = format;
        this.outputs = outputs;
        this.checks = checks;
        this.warnings = warnings;
        this.musc = musc;
    }

    /**
     * Scores {@code category} with this run's model and writes its files into {@code folder}.
     *
     * @throws io.musc4j.batch.CategoryException when the category cannot be scored (too few readable
     *     images, scores that are not numbers)
     */
    public CategorySummary run(Category category, Path folder, String fingerprint) throws IOException {
        if (!musc.config().tiling().isOff()) {
            return write(category, tiled(CategoryScorer.scoreTiled(musc, category, checks, warnings,
                    plan -> System.err.println("musc: " + category.name() + ": tiles " + plan))), folder, fingerprint);
        }
        CategoryScorer.Scored s = CategoryScorer.score(musc, category, format, checks, warnings);
        return write(category, new Scored(s.category(), s.sizes(), s.maps(),
                s.result().mapMax(), s.result().scores(), s.metrics(), s.timingsMs()), folder, fingerprint);
    }

    /**
     * Writes the files of {@code category} whose tiled run was scored elsewhere (musc4j-spark's split of
     * one category), as {@link #run} writes a tiled category's: its scores checked, its image metrics.
     *
     * @param kept the category without the images that could not be read
     * @param sizes the kept images' own sizes
     * @param timingsMs wall milliseconds per stage so far
     * @throws io.musc4j.batch.CategoryException when a score is not a number
     */
    public CategorySummary writeTiled(Category category, Category kept, List<ImageSize> sizes, TiledSet result,
            Map<String, Long> timingsMs, Path folder, String fingerprint) throws IOException {
        return write(category, tiled(CategoryScorer.tiledScored(kept, sizes, result, checks, timingsMs)), folder,
                fingerprint);
    }

    /** A tiled category's files are written from: every tile's S×S map (the heatmaps' colour range). */
    private static Scored tiled(CategoryScorer.TiledScored t) {
        TiledSet r = t.result();
        List<float[]> tiles = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
            for (int p = 0; p < r.grid(i).count(); p++) {
                tiles.add(r.tileMap(i, p));
            }
        }
        return new Scored(t.category(), t.sizes(), tiles.toArray(float[][]::new), r.mapMax(), r.scores(),
                t.metrics(), t.timingsMs(), r);
    }

    /**
     * Decides and writes the files of {@code category} scored as {@code scored} into {@code folder}:
     * scores.csv, maps, heatmaps, masks, and category.json last.
     */
    public CategorySummary write(Category category, Scored scored, Path folder, String fingerprint) throws IOException {
        Map<String, Long> timings = new LinkedHashMap<>(scored.timingsMs());
        long clock = System.nanoTime();
        List<Sample> samples = scored.category().samples();
        List<String> keys = ResultPaths.keys(samples);
        float[][] maps = scored.maps();
        double[] mapMax = scored.scoresBeforeRscin();
        float[] scores = scored.scores();
        CategoryDecision decision = CategoryDecision.of(scored.category(), mapMax, outputs.threshold(),
                outputs.pixelThreshold());
        decision.outsideRange(category.name().isEmpty() ? "(all images)" : category.name()).ifPresent(warnings::add);
        double threshold = decision.threshold();
        HeatmapNorm whole = outputs.heatmaps() == RunCommand.HeatmapMode.whole ? HeatmapNorm.of(List.of(maps)) : null;
        // each image's pictures are independent: rendering and encoding them on every core
        SampleFiles[] files = new SampleFiles[samples.size()];
        IOException[] failed = new IOException[samples.size()];
        // every task ends before a failure is reported, so none writes into a folder being removed
        IntStream.range(0, samples.size()).parallel().forEach(i -> {
            try {
                TiledSet tiled = scored.tiled();
                ImageMap full = tiled != null ? tiled.map(i)
                        : ImageMap.fromNetwork(maps[i], size, scored.sizes().get(i).width(),
                                scored.sizes().get(i).height());
                int[][] tiles = tiled != null && outputs.drawTiles() ? outlines(tiled.grid(i)) : null;
                files[i] = writeFiles(folder, keys.get(i), i, samples.get(i), scored.sizes().get(i),
                        tiled != null ? null : maps[i], full, tiles, whole, decision);
            } catch (UncheckedIOException e) {
                failed[i] = e.getCause();
            }
        });
        for (IOException e : failed) {
            if (e != null) {
                throw e;
            }
        }
        List<ScoreRow> rows = new ArrayList<>();
        List<CategorySummary.Entry> entries = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            boolean anomalous = decision.verdicts().anomalous(i);
            ScoreRow row = new ScoreRow(s.relativePath(), s.label(), scores[i], mapMax[i], threshold,
                    outputs.threshold().canonical(), anomalous);
            rows.add(row);
            entries.add(new CategorySummary.Entry(s.relativePath(), s.label().isPresent() ? s.label().getAsInt() : null,
                    scores[i], mapMax[i], row.ratio(), anomalous ? "anomalous" : "normal", files[i].heatmap(),
                    files[i].mask(), scored.sizes().get(i).width(), scored.sizes().get(i).height(),
                    CategorySummary.IMAGE_PIXELS, files[i].regions()));
        }
        ScoresCsv.write(folder.resolve("scores.csv"), rows);
        timings.put("writing", (System.nanoTime() - clock) / 1_000_000);
        Map<String, Double> metrics = null;
        if (scored.metrics().isPresent()) {
            metrics = new LinkedHashMap<>(scored.metrics().get().toMap());
            metrics.putAll(decision.atThreshold());
            metrics = DefinedMetrics.of(scored.category(), metrics);
        }
        int anomalous = decision.verdicts().count();
        CategorySummary.Decision d = new CategorySummary.Decision(outputs.threshold().canonical(), threshold,
                outputs.threshold().describe(), decision.how(),
                outputs.pixelThreshold() == null ? "image" : outputs.pixelThreshold().canonical(),
                decision.pixelThreshold(), anomalous, samples.size() - anomalous);
        CategorySummary summary = new CategorySummary(category.name(), fingerprint, InputFingerprint.of(category), d,
                entries, metrics, timings, category.samples().size() - samples.size(), whole);
        summary.write(folder);
        return summary;
    }

    /** Each tile's rectangle {x0, y0, x1, y1} (ends exclusive) in image pixels, for the heatmap's outlines. */
    private static int[][] outlines(TileGrid grid) {
        int[][] boxes = new int[grid.count()][];
        for (int k = 0; k < boxes.length; k++) {
            boxes[k] = new int[] {grid.x(k), grid.y(k), grid.x(k) + grid.tileWidth(), grid.y(k) + grid.tileHeight()};
        }
        return boxes;
    }

    /** The files written for one image, relative to the category folder; null where not asked for. */
    private record SampleFiles(String heatmap, String mask, List<CategorySummary.Box> regions) {
    }

    /**
     * Writes one image's raw map, heatmap and predicted mask as {@link #outputs} asks, from its map read
     * back to the image's own size ({@code map}: the S×S map, null for a tiled run whose {@code full} map
     * was stitched). Its regions are an anomalous part's (always listed), a normal part's
     * only with --save-masks (listed and in its mask); the heatmap outlines an anomalous part's alone, as
     * the report says.
     */
    private SampleFiles writeFiles(Path folder, String key, int i, Sample s, ImageSize own, float[] map,
            ImageMap full, int[][] tiles, HeatmapNorm whole, CategoryDecision decision) {
        try {
            if (outputs.saveMaps() == RunCommand.SavedMaps.network) {
                RawMaps.write(ResultPaths.map(folder, key), map, size, size);
            } else if (outputs.saveMaps() == RunCommand.SavedMaps.original) {
                RawMaps.write(ResultPaths.map(folder, key), full.values(), full.width(), full.height());
            }
            PartRegions shown = decision.regions(i, full, outputs.saveMasks());
            // the regions' pixels, drawn once: the mask file and an anomalous part's outline are the same
            // pixels (a fallback region's included), so a mask never disagrees with the heatmap beside it
            byte[] pixels = shown.outline(full);
            String heatmap = null;
            if (outputs.heatmaps() != RunCommand.HeatmapMode.none) {
                // the network map's range: reading it back cannot leave it, so colours mean the same at any size
                HeatmapNorm norm = whole != null ? whole : HeatmapNorm.of(map != null ? map : full.values());
                Path file = ResultPaths.heatmap(folder, key);
                Heatmaps.write(file, ImageIo.readRgb(s.image()), full.values(), full.width(), full.height(), norm,
                        truth(s, own), decision.verdicts().anomalous(i) ? pixels : null, decision.pixelThreshold(),
                        tiles);
                heatmap = relative(folder, file);
            }
            List<CategorySummary.Box> regions = new ArrayList<>();
            for (PartRegions.Found f : shown.found()) {
                Region r = f.region();
                regions.add(new CategorySummary.Box(r.box().x0(), r.box().y0(), r.box().x1(), r.box().y1(),
                        r.area(), r.peak(), f.belowPixelThreshold()));
            }
            if (!outputs.saveMasks()) {
                return new SampleFiles(heatmap, null, regions);
            }
            Path file = ResultPaths.mask(folder, key);
            byte[] mask = pixels != null ? pixels : new byte[full.width() * full.height()];
            AtomicFiles.write(file, Heatmaps.maskPng(mask, full.width(), full.height()));
            return new SampleFiles(heatmap, relative(folder, file), regions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The ground truth at the image's own size for the heatmap's outline: any non-zero pixel of the mask
     * file (a mask of another size is resized, bilinear, and kept where at least half covered); null
     * when the sample has no mask or it cannot be read (decoding already warned).
     */
    private static byte[] truth(Sample s, ImageSize own) {
        if (s.mask().isEmpty()) {
            return null;
        }
        GrayImage mask;
        try {
            mask = ImageIo.readBinaryMask(s.mask().get());
        } catch (ImageReadException e) {
            return null;
        }
        byte[] px = mask.pixels();
        if (mask.width() != own.width() || mask.height() != own.height()) {
            px = PillowResize.resize(px, mask.width(), mask.height(), 1, own.width(), own.height(),
                    PillowResize.Filter.BILINEAR);
        }
        byte[] out = new byte[px.length];
        for (int p = 0; p < px.length; p++) {
            out[p] = (px[p] & 0xFF) >= 128 ? (byte) 1 : 0;
        }
        return out;
    }

    private static String relative(Path dir, Path file) {
        return dir.relativize(file).toString().replace('\\', '/');
    }
}
