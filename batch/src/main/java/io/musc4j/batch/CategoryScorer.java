package io.musc4j.batch;

import io.musc4j.datasets.Category;
import io.musc4j.datasets.DatasetFormat;
import io.musc4j.datasets.Datasets;
import io.musc4j.datasets.DecodedCategory;
import io.musc4j.datasets.Sample;
import io.musc4j.datasets.Warnings;
import io.musc4j.datasets.image.ImageReadException;
import io.musc4j.datasets.image.MaskPreprocessor;
import io.musc4j.engine.ScoredSet;
import io.musc4j.engine.TiledSet;
import io.musc4j.engine.tiles.TilePool;
import io.musc4j.engine.tiles.Tiling;
import io.musc4j.common.image.RgbImage;
import io.musc4j.datasets.image.ImageIo;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.metrics.Metrics;
import io.musc4j.engine.metrics.MetricsEvaluator;
import io.musc4j.engine.metrics.PixelData;
import io.musc4j.engine.metrics.RankingScores;
import io.musc4j.common.image.ImageSize;
import io.musc4j.models.preprocess.Preprocessing;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scores one dataset category as a benchmark run does: decode every image once (resized to the
 * network size S; only its own size is kept beside the scores), score them together with {@link MuSc}, load the ground-truth
 * masks as the reference preprocesses them, and compute the metrics when labels exist. Unreadable
 * images are skipped and unreadable masks treated as empty, each with a warning naming the file. A set
 * that cannot be scored (too small once unreadable images are dropped, scores that are not numbers)
 * ends in a {@link CategoryException} saying why and what to change.
 */
public final class CategoryScorer {

    private CategoryScorer() {
    }

    /**
     * What scoring a category produced.
     *
     * @param category the category without the images that could not be read
     * @param sizes the images' own sizes, in sample order
     * @param result scores and maps
     * @param maps the S×S pixel maps, in sample order
     * @param masks the S×S 0/1 masks, or null when the category has no mask at all
     * @param metrics image metrics when every image is labelled, pixel metrics too when masks exist
     *     (NaN otherwise)
     * @param timingsMs wall milliseconds per stage: decode, musc, maps, metrics
     */
    public record Scored(Category category, List<ImageSize> sizes, ScoredSet result,
                         float[][] maps, byte[][] masks, Optional<Metrics> metrics, Map<String, Long> timingsMs) {
    }

    /** Scores {@code category} read in {@code format}'s layout; the engine's own errors pass through. */
    public static Scored score(MuSc musc, Category category, DatasetFormat format, Warnings warnings)
            throws IOException {
        return score(musc, category, format, CategoryChecks.none(musc.backboneSpec().profile().id()), warnings);
    }

    /**
     * Scores {@code category} read in {@code format}'s layout.
     *
     * @throws CategoryException when the images that could be read are too few for {@code checks}, or a
     *     score is not a number
     */
    public static Scored score(MuSc musc, Category category, DatasetFormat format, CategoryChecks checks,
                               Warnings warnings) throws IOException {
        Map<String, Long> timings = new LinkedHashMap<>();
        long clock = System.nanoTime();
        int size = musc.imageSize();
        Preprocessing preprocessing = musc.backboneSpec().preprocessing();
        DecodedCategory decoded = Datasets.decode(category, img -> preprocessing.resize(img, size), warnings);
        checks.require(decoded.images().size());
        clock = lap(timings, "decode", clock);

        ScoredSet result = musc.scoreImages(decoded.images());
        requireNumbers(result, decoded.category(), checks);
        clock = lap(timings, "musc", clock);
        float[][] maps = result.maps();
        clock = lap(timings, "maps", clock);

        Category kept = decoded.category();
        byte[][] masks = kept.hasMasks() ? masks(kept.samples(), size, format, warnings) : null;
        Optional<Metrics> metrics = metrics(kept, result.scores(), maps, masks, size);
        lap(timings, "metrics", clock);
        return new Scored(kept, decoded.sizes(), result, maps, masks, metrics, timings);
    }

    /**
     * What scoring a category cut into tiles produced.
     *
     * @param category the category without the images that could not be read
     * @param sizes the images' own sizes, in sample order
     * @param result scores, tile maps and each image's map stitched at its own size
     * @param metrics image metrics when every image is labelled; the pixel metrics are not computed (NaN):
     *     the reference defines them on S×S maps of whole images, which a tiled run does not have
     * @param timingsMs wall milliseconds per stage: decode, musc, metrics
     */
    public record TiledScored(Category category, List<ImageSize> sizes, TiledSet result, Optional<Metrics> metrics,
            Map<String, Long> timingsMs) {
    }

    /**
     * Scores {@code category} with the tiling of {@code musc}'s configuration: each readable image is read
     * once to learn its size and once more, at its own size, to be cut into tiles ({@link MuSc#scoreTiled}).
     *
     * @throws CategoryException as {@link #score}
     */
    public static TiledScored scoreTiled(MuSc musc, Category category, CategoryChecks checks, Warnings warnings,
            java.util.function.Consumer<String> planned) throws IOException {
        Map<String, Long> timings = new LinkedHashMap<>();
        long clock = System.nanoTime();
        // only the sizes are kept: the images are read again one at a time while they are cut
        DecodedCategory decoded = Datasets.decode(category, img -> PLACEHOLDER, warnings);
        checks.require(decoded.images().size());
        clock = lap(timings, "decode", clock);
        List<Sample> kept = decoded.category().samples();
        Tiling tiling = musc.config().tiling();
        ImageSize first = decoded.sizes().get(0);
        int tiles = tiling.grid(first.width(), first.height()).count();
        planned.accept(describeTiles(tiling, first, kept.size()) + "; scoring each set: "
                + musc.pipeline().planTiled(musc.extractor(), tiling, kept.size(), tiles, musc.device()).describe());
        TiledSet result = musc.scoreTiledSource(kept.size(), k -> ImageIo.readRgb(kept.get(k).image()));
        lap(timings, "musc", clock);
        return tiledScored(decoded.category(), decoded.sizes(), result, checks, timings);
    }

    /**
     * What a tiled scoring of {@code kept} (here, or elsewhere: musc4j-spark's split of one category)
     * comes to: its scores checked to be numbers, and its image metrics.
     *
     * @param timingsMs the stages so far, to which "metrics" is added
     * @throws CategoryException when a score is not a number
     */
    public static TiledScored tiledScored(Category kept, List<ImageSize> sizes, TiledSet result,
            CategoryChecks checks, Map<String, Long> timingsMs) {
        Map<String, Long> timings = new LinkedHashMap<>(timingsMs);
        long clock = System.nanoTime();
        requireNumbers(result.mapMax(), result.scores(), kept, checks);
        Optional<Metrics> metrics = metrics(kept, result.scores(), null, null, 0);
        lap(timings, "metrics", clock);
        return new TiledScored(kept, sizes, result, metrics, timings);
    }

    /** How {@code images} images, the first of size {@code first}, are cut and pooled, e.g. {@code 2x2 overlap
     *  16px pool all, 4 tiles per 224x224 image, 1 set of 72 tiles}. */
    public static String describeTiles(Tiling tiling, ImageSize first, int images) {
        int tiles = tiling.grid(first.width(), first.height()).count();
        return tiling.describe() + ", " + tiles + " tiles per " + first + " image, "
                + (tiling.pool() == TilePool.ALL ? "1 set of " + (long) tiles * images + " tiles"
                        : tiles + " sets of " + images + " tiles");
    }

    private static final RgbImage PLACEHOLDER = new RgbImage(1, 1, new byte[3]);

    private static void requireNumbers(ScoredSet result, Category category, CategoryChecks checks) {
        requireNumbers(result.mapMax(), result.scores(), category, checks);
    }

    private static void requireNumbers(double[] before, float[] after, Category category, CategoryChecks checks) {
        for (int i = 0; i < before.length; i++) {
            if (!Double.isFinite(before[i])) {
                throw new CategoryException(checks.notANumber(category.samples().get(i).relativePath(), true, before));
            }
        }
        for (int i = 0; i < after.length; i++) {
            if (!Float.isFinite(after[i])) {
                throw new CategoryException(checks.notANumber(category.samples().get(i).relativePath(), false, before));
            }
        }
    }

    /** The S×S 0/1 masks of {@code samples} as the reference preprocesses them; an unreadable mask is
     *  empty, with a warning. */
    public static byte[][] masks(List<Sample> samples, int size, DatasetFormat format, Warnings warnings) {
        byte[][] masks = new byte[samples.size()][];
        for (int i = 0; i < masks.length; i++) {
            try {
                masks[i] = MaskPreprocessor.load(samples.get(i).mask(), size, format.maskRule());
            } catch (ImageReadException e) {
                warnings.add(e.getMessage() + "; mask ignored");
                masks[i] = new byte[size * size];
            }
        }
        return masks;
    }

    /**
     * The metrics of a scored category: image metrics from the RsCIN scores when every image is
     * labelled, pixel metrics too when {@code masks} is not null; empty when some label is unknown.
     */
    public static Optional<Metrics> metrics(Category c, float[] rscin, float[][] maps, byte[][] masks, int size) {
        if (!c.fullyLabelled()) {
            return Optional.empty();
        }
        int[] labels = c.samples().stream().mapToInt(s -> s.label().getAsInt()).toArray();
        double[] scores = new double[rscin.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = rscin[i];
        }
        if (masks == null) {
            RankingScores none = new RankingScores(Double.NaN, Double.NaN, Double.NaN);
            return Optional.of(Metrics.of(RankingScores.of(labels, scores), none, Double.NaN, Double.NaN));
        }
        return Optional.of(MetricsEvaluator.evaluate(labels, scores, PixelData.ofFloats(size, size, maps, masks)));
    }

    private static long lap(Map<String, Long> timings, String stage, long since) {
        long now = System.nanoTime();
        timings.merge(stage, (now - since) / 1_000_000, Long::sum);
        return now;
    }
}
