package io.musc4j.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.StageListener.Stage;
import io.musc4j.engine.lnamd.Aggregator;
import io.musc4j.engine.maps.PixelMaps;
import io.musc4j.engine.msm.FeatureChunks;
import io.musc4j.engine.msm.HeldReferences;
import io.musc4j.engine.msm.NeighbourhoodMaps;
import io.musc4j.engine.msm.Pass;
import io.musc4j.engine.msm.PatchScorer;
import io.musc4j.engine.msm.ScoringPlan;
import io.musc4j.engine.rscin.Rscin;
import io.musc4j.engine.store.ResidentTokens;
import io.musc4j.engine.store.SpilledTokens;
import io.musc4j.engine.store.TokenStore;
import io.musc4j.engine.tiles.TileGrid;
import io.musc4j.engine.tiles.TilePool;
import io.musc4j.engine.tiles.TileSets;
import io.musc4j.engine.tiles.Tiling;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;

/**
 * MuSc's chain of stages, run here and nowhere else: images (or their tapped tokens) in, anomaly maps
 * and image scores out.
 *
 * <ol>
 *   <li><b>backbone</b> ({@link FeatureExtractor}): per tapped layer the tokens of every image, and the
 *       image features RsCIN uses;</li>
 *   <li><b>aggregation</b> ({@link Aggregator}: LNAMD or SNAMD): per tapped layer, feature sets
 *       (N, L, C), read a block of images at a time;</li>
 *   <li><b>patch scoring</b> ({@link PatchScorer}: full MSM, aligned MSM; {@link HeldReferences}: against a bank): per
 *       {@link Pass} (layer, feature set), (N, L) float64 scores;</li>
 *   <li><b>averaging</b> ({@link #layerMeans}, {@link #patchMap}): the plain mean over layers per
 *       feature set, then over feature sets: the patch map (N, L);</li>
 *   <li><b>maps and image scores</b> ({@link PixelMaps}): the patch map upsampled to S×S (bilinear,
 *       align corners); the image score before RsCIN is its maximum;</li>
 *   <li><b>image re-scoring</b> ({@link #rescore}: RsCIN with the image features, or off).</li>
 * </ol>
 *
 * <p>Every way of running MuSc goes through these methods: a whole set, divided or not, its tokens in
 * memory or spilled ({@link #scoreSource}, which {@link MuSc} calls); the parts of a production line
 * against a bank of earlier parts ({@link #scoreQueries}, {@link #scoreHeld}: the inspector); a set
 * split over workers ({@link #aggregateUnits} on each worker's images, {@link #hold} and
 * {@link #scoreBlock} of query blocks against the held features of all images, then {@link #finish}
 * on the gathered scores); a set of images cut into tiles ({@link #scoreTiled}; split over workers,
 * each tile set as above up to {@link #finishUpToRscin}, then {@link #stitch}); and a set whose tokens
 * are arrays ({@link #score}). A
 * {@link StageListener} is told as each stage ends, which is how the benchmarks time them.
 *
 * <p>Memory: only one pass is worked on at a time, its features going chunk by chunk from the token
 * store into the scorer ({@link MemoryPlan}); every aggregation and scorer streams this way.
 */
public final class MuscPipeline {

    private final MuscConfig config;
    private final Aggregator aggregation;
    private final ProgressListener progress;
    private final StageListener stages;
    private final Scorers scorers;

    /** A pipeline of a configuration whose image size is known (the pixel maps' side S). */
    public MuscPipeline(MuscConfig config) {
        this(config, ProgressListener.none(), StageListener.none());
    }

    /**
     * A pipeline that reports {@link ProgressListener#FEATURES} as images pass the backbone and
     * {@link ProgressListener#SCORING} after each scored pass (MSM is the long part of a large set,
     * minutes on a CPU), and tells {@code stages} as each stage ends.
     *
     * @throws IllegalArgumentException if the configuration's image size is not resolved (0)
     */
    public MuscPipeline(MuscConfig config, ProgressListener progress, StageListener stages) {
        if (config.imageSize() < 1) {
            throw new IllegalArgumentException("the pipeline needs the image size S of the pixel maps; the"
                    + " configuration leaves it to the model (0)");
        }
        this.config = config;
        this.aggregation = config.aggregation().over(config.degrees());
        this.progress = progress;
        this.stages = stages;
        this.scorers = new Scorers(config);
    }

    private MuscPipeline(MuscPipeline of, StageListener stages) {
        this.config = of.config;
        this.aggregation = of.aggregation;
        this.progress = of.progress;
        this.stages = stages;
        this.scorers = of.scorers;
    }

    /** This pipeline (its scorer included) telling another listener as its stages end. */
    public MuscPipeline withStages(StageListener listener) {
        return new MuscPipeline(this, listener);
    }

    /** The configuration. */
    public MuscConfig config() {
        return config;
    }

    /** The aggregation stage. */
    public Aggregator aggregation() {
        return aggregation;
    }

    /** The patch-scoring stage for a set on an h×w patch grid (the configuration's kernel), made once. */
    public PatchScorer scorer(int gridH, int gridW) {
        return scorers.of(gridH, gridW);
    }

    /** The maps stage for an h×w patch grid. */
    public PixelMaps pixelMaps(int gridH, int gridW) {
        return new PixelMaps(gridH, gridW, config.imageSize());
    }

    /** Every pass of a set with this many tapped layers, in scoring order: layer by layer, each layer's
     *  feature sets in order. */
    public List<Pass> passes(int layers) {
        List<Pass> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            for (int s = 0; s < aggregation.featureSets().size(); s++) {
                out.add(new Pass(l, s));
            }
        }
        return out;
    }

    /** How scoring a set of these tokens uses memory on {@code device}. */
    public MemoryPlan plan(TokenStore tokens, Device device) {
        long patches = (long) tokens.gridH() * tokens.gridW();
        PatchScorer scorer = scorer(tokens.gridH(), tokens.gridW());
        ScoringPlan msm = aggregation.givesNeighbourhoods()
                ? scorer.planNeighbourhoods(tokens.images(), patches, tokens.channels(),
                        aggregation.featureSets().size(), device)
                : scorer.plan(tokens.images(), patches, tokens.channels(), device);
        return MemoryPlan.of(tokens.images(), patches, tokens.channels(), tokens.layers(), aggregation, msm,
                config.memoryBudgetBytes(), Float.BYTES, tokens.resident(), device);
    }

    /** Aggregation of one pass: its (N, L, C) features, read on demand. */
    public FeatureChunks features(TokenStore tokens, Pass pass) {
        return aggregation.features(tokens, pass.layer(), pass.set());
    }

    // ---------------------------------------------------------------------------------------------
    // A whole set

    /**
     * Every stage on {@code count} images supplied one at a time, so a caller never holds them all
     * decoded. With the configuration's {@link Division}, each subset runs up to its image scores on its
     * own, and RsCIN then runs over all images. A subset whose tokens exceed the token budget keeps them
     * in a file in the spill folder while it is scored.
     *
     * @param device where the upsampling and scoring run (the backbone's)
     */
    public ScoredSet scoreSource(FeatureExtractor extractor, int count, FeatureExtractor.ImageSource source,
            Device device) throws IOException {
        Unrescored set = scoreUpToRscin(extractor, count, source, device);
        return set.scored(rescore(set.scores(), set.features()), device);
    }

    /**
     * A set scored up to its image scores before RsCIN, with the image features RsCIN would read: what
     * a tiled run gathers per tile set before it re-scores the images the tiles came from
     * ({@link #stitch}).
     *
     * @param parts per subset, what the pipeline computed for it
     * @param subsets per subset, the indices of its images in the set
     * @param scores (N) image scores before RsCIN
     * @param features (N) image features, rows of D
     */
    public record Unrescored(List<MuscResult> parts, int[][] subsets, double[] scores, float[][] features) {

        ScoredSet scored(float[] rescored, Device device) {
            return new ScoredSet(parts, subsets, scores, rescored, device);
        }
    }

    /** {@link #scoreSource} up to its image scores before RsCIN. */
    Unrescored scoreUpToRscin(FeatureExtractor extractor, int count, FeatureExtractor.ImageSource source,
            Device device) throws IOException {
        if (count < 2) {
            throw new IllegalArgumentException("MuSc scores images against each other and needs at least 2, got "
                    + count);
        }
        int[][] subsets = config.division().split(count);
        List<MuscResult> parts = new ArrayList<>();
        double[] scores = new double[count];
        float[][] features = new float[count][];
        long done = 0;
        for (int p = 0; p < subsets.length; p++) {
            int[] subset = subsets[p];
            int index = p;
            long offset = done;
            // extraction counts images of the whole set, scoring the passes of every subset
            ProgressListener extraction = (stage, d, t) -> progress.progress(stage, offset + d, count);
            ProgressListener scoring = (stage, d, t) -> progress.progress(stage, (long) index * t + d,
                    (long) subsets.length * t);
            FeatureExtractor.ImageSource part = k -> source.image(subset[k]);
            MuscResult result;
            float[][] rows;
            try (NDManager scope = NDManager.newBaseManager(device)) {
                int grid = extractor.grid();
                if (MemoryPlan.spills(subset.length, (long) grid * grid, extractor.channels(), extractor.layers(),
                        Float.BYTES, config.tokenBudgetBytes())) {
                    try (SpilledTokens store = SpilledTokens.create(config.spillDirectory(), subset.length,
                            extractor.layers(), grid, grid, extractor.channels())) {
                        List<float[]> gathered = new ArrayList<>();
                        extractor.extract(subset.length, part, scope, (tokens, f) -> {
                            store.append(tokens);
                            gathered.addAll(Arrays.asList(PatchTokens.rows(f)));
                        }, extraction);
                        finished(Stage.BACKBONE, null);
                        result = combine(scorePasses(store, scope, scoring), store.images(), grid, grid, scope);
                        rows = gathered.toArray(float[][]::new);
                    }
                } else {
                    try (PatchTokens tokens = extractor.extract(subset.length, part, scope, extraction)) {
                        finished(Stage.BACKBONE, tokens.imageFeatures());
                        TokenStore store = new ResidentTokens(tokens.layers(), tokens.gridH(), tokens.gridW());
                        result = combine(scorePasses(store, scope, scoring), store.images(), tokens.gridH(),
                                tokens.gridW(), scope);
                        rows = tokens.imageFeatureRows();
                    }
                }
            }
            double[] before = result.scoresBeforeRscin();
            for (int k = 0; k < subset.length; k++) {
                scores[subset[k]] = before[k];
                features[subset[k]] = rows[k];
            }
            parts.add(result);
            done += subset.length;
        }
        return new Unrescored(parts, subsets, scores, features);
    }

    /**
     * Every stage on {@code count} images cut into tiles ({@link Tiling}) that MuSc scores as images:
     * each image is decoded once and its tiles, resized to S, are held (N·R·C·S²·3 bytes); the tile sets
     * of {@link Tiling#pool()} run through {@link #scoreSource}'s stages up to their scores before RsCIN;
     * each image's map is stitched from its tiles' maps at its own size ({@link TileGrid#stitch}), and its
     * score before RsCIN is that map's maximum. RsCIN then runs over the N images, each image's feature
     * the mean of its tiles' image features: one global descriptor of the whole image, as RsCIN compares
     * whole images, which is the image's own feature where every tile is the same image.
     *
     * @param source the images at their own size
     * @throws IllegalArgumentException with a one-line message when an image cannot take the grid, or
     *     (pooled by position) gives another grid than the first image
     */
    public TiledSet scoreTiled(FeatureExtractor extractor, Tiling tiling, int count,
            FeatureExtractor.ImageSource source, Device device) throws IOException {
        if (count < 2 && tiling.pool() == TilePool.POSITION) {
            throw new IllegalArgumentException("MuSc scores images against each other and needs at least 2, got "
                    + count);
        }
        List<TileGrid> grids = new ArrayList<>(count);
        RgbImage[][] tiles = new RgbImage[count][];
        for (int k = 0; k < count; k++) {
            RgbImage image = source.image(k);
            TileGrid grid = tiling.grid(k, image.width(), image.height(), k == 0 ? null : grids.get(0));
            grids.add(grid);
            tiles[k] = new RgbImage[grid.count()];
            for (int p = 0; p < grid.count(); p++) {
                tiles[k][p] = tile(extractor, grid, image, p);
            }
        }
        TileSets sets = TileSets.of(tiling.pool(), grids);
        List<Unrescored> scored = new ArrayList<>();
        for (int s = 0; s < sets.count(); s++) {
            int set = s;
            scored.add(scoreUpToRscin(extractor, sets.size(s), t -> tiles[sets.image(set, t)][sets.tile(set, t)],
                    device));
        }
        return stitch(tiling, grids, scored, device);
    }

    /**
     * Tile {@code p} of {@code image} (at its own size, cut by {@code grid}) as the backbone takes it:
     * resized to S as a whole image is.
     */
    public RgbImage tile(FeatureExtractor extractor, TileGrid grid, RgbImage image, int p) {
        boolean whole = grid.count() == 1 && image.width() == grid.width() && image.height() == grid.height();
        return extractor.preprocessing().resize(whole ? image : grid.crop(image, p), config.imageSize());
    }

    /**
     * The stages after the tile sets' image scores, for N images cut by {@code grids} whose tile sets
     * ({@link TileSets} of {@link Tiling#pool()}) were scored up to RsCIN here ({@link #scoreTiled}) or
     * in parts elsewhere ({@link #finishUpToRscin} of a set's gathered scores): each image's map is
     * stitched from its tiles' maps at its own size ({@link TileGrid#stitch}), its score before RsCIN is
     * that map's maximum, and RsCIN re-scores the N images, each image's feature the mean of its tiles'
     * image features.
     *
     * @param sets per tile set, in {@link TileSets} order, its tiles scored up to RsCIN in member order
     * @param device where the tiles' pixel maps are upsampled
     */
    public TiledSet stitch(Tiling tiling, List<TileGrid> grids, List<Unrescored> sets, Device device) {
        TileSets layout = TileSets.of(tiling.pool(), grids);
        if (sets.size() != layout.count()) {
            throw new IllegalArgumentException(layout.count() + " tile sets expected, got " + sets.size());
        }
        List<ScoredSet> scored = new ArrayList<>();
        for (int s = 0; s < sets.size(); s++) {
            if (sets.get(s).scores().length != layout.size(s)) {
                throw new IllegalArgumentException("tile set " + s + " holds " + layout.size(s) + " tiles, got "
                        + sets.get(s).scores().length);
            }
            scored.add(sets.get(s).scored(Rscin.unchanged(sets.get(s).scores()), device));
        }
        int count = grids.size();
        int size = config.imageSize();
        TiledSet unscored = new TiledSet(tiling, grids, scored, size, new double[count], new float[count]);
        double[] mapMax = new double[count];
        float[][] features = new float[count][];
        for (int k = 0; k < count; k++) {
            mapMax[k] = unscored.map(k).max();
            for (int p = 0; p < layout.tiles(k); p++) {
                float[] row = sets.get(layout.set(k, p)).features()[layout.member(k, p)];
                features[k] = features[k] == null ? new float[row.length] : features[k];
                for (int d = 0; d < row.length; d++) {
                    features[k][d] += row[d];
                }
            }
            for (int d = 0; d < features[k].length; d++) {
                features[k][d] /= layout.tiles(k);
            }
        }
        return new TiledSet(tiling, grids, scored, size, mapMax, rescore(mapMax, features));
    }

    /**
     * How scoring one tile set of a tiled run of N images uses memory on {@code device}: N tiles pooled by
     * position, N·R·C pooled all together (the R·C of the first image's grid), shown before a run starts.
     */
    public MemoryPlan planTiled(FeatureExtractor extractor, Tiling tiling, int images, int tilesPerImage,
            Device device) {
        long set = tiling.pool() == TilePool.ALL ? (long) images * tilesPerImage : images;
        long patches = (long) extractor.grid() * extractor.grid();
        boolean resident = !MemoryPlan.spills(set, patches, extractor.channels(), extractor.layers(), Float.BYTES,
                config.tokenBudgetBytes());
        return MemoryPlan.of(set, patches, extractor.channels(), extractor.layers(), config, Float.BYTES, resident,
                device);
    }

    /**
     * Every stage after the backbone on one set of images, from a token store, one pass at a time (see
     * {@link MemoryPlan}).
     *
     * @param tokens the set's tokens
     * @param imageFeatures N rows of image features for RsCIN; may be null when RsCIN is off
     * @param manager its device runs aggregation, scoring and upsampling; nothing stays on it
     * @return the immutable result
     */
    public MuscResult score(TokenStore tokens, float[][] imageFeatures, NDManager manager) {
        int n = tokens.images();
        if (n < 2) {
            throw new IllegalArgumentException("MuSc needs at least 2 images to score each other, got " + n);
        }
        checkRscinFeatures(n, imageFeatures);
        return finish(scorePasses(tokens, manager), n, tokens.gridH(), tokens.gridW(), imageFeatures, manager);
    }

    /**
     * Every stage after the backbone on one set of images whose tokens are arrays.
     *
     * @param layerTokens per tapped layer, tokens (N, 1+h·w, C) float32 (token 0 is ignored)
     * @param gridH patch rows h
     * @param gridW patch columns w
     * @param imageFeatures (N, D) image features for RsCIN; may be null when RsCIN is off
     * @return the immutable result
     */
    public MuscResult score(List<NDArray> layerTokens, int gridH, int gridW, NDArray imageFeatures) {
        TokenStore tokens = new ResidentTokens(layerTokens, gridH, gridW);
        float[][] features = config.rscin().isOff() || imageFeatures == null ? null
                : rows(imageFeatures, tokens.images());
        return score(tokens, features, layerTokens.get(0).getManager());
    }

    /**
     * The MSM scores of every pass of a set: aggregation and the configuration's scorer.
     *
     * @param manager its device computes; nothing stays on it
     * @return [feature set][layer] (N·L) float64 row-major
     */
    public double[][][] scorePasses(TokenStore tokens, NDManager manager) {
        return scorePasses(tokens, manager, progress);
    }

    private double[][][] scorePasses(TokenStore tokens, NDManager manager, ProgressListener told) {
        MemoryPlan plan = plan(tokens, manager.getDevice());
        PatchScorer scorer = scorer(tokens.gridH(), tokens.gridW());
        if (!scoresLayers(tokens.images(), tokens.gridH(), tokens.gridW(), tokens.channels(), manager.getDevice())) {
            return scorePasses(tokens.layers(), pass -> features(tokens, pass), scorer, plan.lnamdChunk(), manager,
                    told);
        }
        return scoreLayers(tokens.layers(), tokens.images(), layer -> aggregation.neighbourhoods(tokens, layer), scorer,
                plan.lnamdChunk(), manager, told);
    }

    /**
     * Every feature set of a layer from one product: the same passes in the same order, a layer at a time.
     *
     * @return [feature set][layer] (N·L) float64 row-major
     */
    private double[][][] scoreLayers(int layers, long images, IntFunction<NeighbourhoodMaps> layerMaps,
            PatchScorer scorer, int chunkImages, NDManager manager, ProgressListener told) {
        int sets = aggregation.featureSets().size();
        double[][][] msm = new double[sets][layers][];
        told.progress(ProgressListener.SCORING, 0, sets * layers);
        for (int layer = 0; layer < layers; layer++) {
            try (NDManager scope = manager.newSubManager()) {
                NeighbourhoodMaps maps = layerMaps.apply(layer);
                if (stages.separatesStages() && maps.resident().isEmpty()) {
                    NeighbourhoodMaps.Block whole = maps.readAll(chunkImages, scope);
                    finished(Stage.AGGREGATION, whole.inverseNorms());
                    maps = NeighbourhoodMaps.of(whole, maps.gridH(), maps.gridW(), aggregation.featureSets());
                }
                NDArray scores = scorer.scoreNeighbourhoods(maps, chunkImages, scope);
                for (int set = 0; set < sets; set++) {
                    msm[set][layer] = scores.get(set).toDoubleArray();
                }
            }
            finished(Stage.SCORING, null);
            told.progress(ProgressListener.SCORING, (layer + 1) * sets, sets * layers);
        }
        return msm;
    }

    /** The features of a pass, wherever they come from. */
    @FunctionalInterface
    public interface PassFeatures {
        /** (N, L, C) features of the pass. */
        FeatureChunks features(Pass pass);
    }

    /**
     * The scores of every pass, from features of any source scored by any scorer (a set's tokens
     * aggregated, or features held already; the set's own images, or a bank).
     *
     * @param chunkImages images per read of the features
     * @param manager its device computes; nothing stays on it
     * @return [feature set][layer] (N·L) float64 row-major
     */
    public double[][][] scorePasses(int layers, PassFeatures features, PatchScorer scorer, int chunkImages,
            NDManager manager) {
        return scorePasses(layers, features, scorer, chunkImages, manager, progress);
    }

    private double[][][] scorePasses(int layers, PassFeatures features, PatchScorer scorer, int chunkImages,
            NDManager manager, ProgressListener told) {
        int sets = aggregation.featureSets().size();
        double[][][] msm = new double[sets][layers][];
        List<Pass> passes = passes(layers);
        int step = 0;
        told.progress(ProgressListener.SCORING, 0, passes.size());
        for (Pass pass : passes) {
            try (NDManager scope = manager.newSubManager()) {
                FeatureChunks z = features.features(pass);
                if (stages.separatesStages()) {
                    NDArray whole = z.readAll(chunkImages, scope);
                    finished(Stage.AGGREGATION, whole);
                    z = FeatureChunks.of(whole);
                }
                msm[pass.set()][pass.layer()] = scorer.score(pass, z, chunkImages, scope).toDoubleArray();
            }
            finished(Stage.SCORING, null);
            told.progress(ProgressListener.SCORING, ++step, passes.size());
        }
        return msm;
    }

    /** Averaging, first stage: per feature set, the plain mean over layers of its (N·L) scores. */
    public static double[][] layerMeans(double[][][] msm) {
        double[][] out = new double[msm.length][];
        for (int s = 0; s < msm.length; s++) {
            out[s] = mean(msm[s]);
        }
        return out;
    }

    /** Averaging, second stage: the patch map (N·L), the plain mean of the layer means over feature sets. */
    public static double[] patchMap(double[][] layerMeans) {
        return mean(layerMeans);
    }

    /**
     * Averaging, maps and image scores of a set from the scores of all its passes; the final scores
     * are those before RsCIN (as float32) until {@link #rescore} (see {@link #finish}).
     *
     * @param msm [feature set][layer] (N·L) float64, as {@link #scorePasses} gives them
     * @param manager its device upsamples; nothing stays on it
     */
    public MuscResult combine(double[][][] msm, int images, int gridH, int gridW, NDManager manager) {
        return combine(msm, images, gridH, gridW, false, manager).result();
    }

    /** What {@link #combine} computed, with the pixel maps where they were kept. */
    private record Combined(MuscResult result, float[][] maps) {
    }

    private Combined combine(double[][][] msm, int images, int gridH, int gridW, boolean keepMaps,
            NDManager manager) {
        double[][] layerMeans = layerMeans(msm);
        double[] patchMap = patchMap(layerMeans);
        PixelMaps maps = pixelMaps(gridH, gridW);
        PixelMaps.Upsampled upsampled = maps.all(patchMap, images, keepMaps, manager);
        double[] before = upsampled.scores();
        MuscResult result = new MuscResult(images, gridH, gridW, aggregation.featureSets(), msm[0].length,
                config.keepLayerScores() ? msm : null, layerMeans, patchMap, before, Rscin.unchanged(before), maps);
        finished(Stage.MAPS, null);
        return new Combined(result, upsampled.maps());
    }

    /**
     * Image re-scoring: RsCIN over the whole set with the configuration's windows, or, when off, the
     * scores unchanged (as float32).
     *
     * @param scoresBeforeRscin (N) image scores before RsCIN
     * @param imageFeatures N rows of image features; may be null when RsCIN is off
     */
    public float[] rescore(double[] scoresBeforeRscin, float[][] imageFeatures) {
        float[] out;
        if (config.rscin().isOff()) {
            out = Rscin.unchanged(scoresBeforeRscin);
        } else {
            checkRscinFeatures(scoresBeforeRscin.length, imageFeatures);
            out = Rscin.rescore(scoresBeforeRscin, imageFeatures, config.rscin());
        }
        finished(Stage.RESCORING, null);
        return out;
    }

    /**
     * The stages after patch scoring: averaging, maps, image scores and RsCIN, from the scores of all
     * passes of a set (computed here, or gathered from workers' {@link #scoreBlock}s).
     *
     * @param msm [feature set][layer] (N·L) float64
     * @param imageFeatures N rows of image features; may be null when RsCIN is off
     * @param manager its device upsamples; nothing stays on it
     */
    public MuscResult finish(double[][][] msm, int images, int gridH, int gridW, float[][] imageFeatures,
            NDManager manager) {
        MuscResult result = combine(msm, images, gridH, gridW, manager);
        return result.withScores(rescore(result.scoresBeforeRscin(), imageFeatures));
    }

    /**
     * The stages after patch scoring of one set, up to its image scores before RsCIN, from the scores of
     * all its passes gathered from workers' {@link #scoreBlock}s: what {@link #stitch} takes for each
     * tile set of a tiled run split over workers, as {@link #finish} is the whole of an untiled one.
     *
     * @param msm [feature set][layer] (N·L) float64
     * @param imageFeatures N rows of image features, which {@link #stitch} averages per image
     * @param manager its device upsamples; nothing stays on it
     */
    public Unrescored finishUpToRscin(double[][][] msm, int images, int gridH, int gridW, float[][] imageFeatures,
            NDManager manager) {
        MuscResult result = combine(msm, images, gridH, gridW, manager);
        int[] all = new int[images];
        Arrays.setAll(all, i -> i);
        return new Unrescored(List.of(result), new int[][] {all}, result.scoresBeforeRscin(), imageFeatures);
    }

    private void checkRscinFeatures(int n, float[][] imageFeatures) {
        if (!config.rscin().isOff() && (imageFeatures == null || imageFeatures.length != n)) {
            throw new IllegalArgumentException("RsCIN needs image features of " + n + " images, got "
                    + (imageFeatures == null ? "none" : imageFeatures.length));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Parts against a bank

    /**
     * What {@link #scoreQueries} computed for q parts: their features in the references' form (exactly one
     * of {@code features} and {@code maps} is present) and their pixel maps.
     *
     * @param features [feature set][layer] (q, L, C) features of the parts, owned by the call's manager;
     *     null where the references are held per layer
     * @param layers per tapped layer the parts' maps, owned by the call's manager; null where the
     *     references are held per pass
     * @param maps the parts' pixel maps and their maxima (the scores before RsCIN); null where there
     *     were no references to score against
     */
    public record Queried(NDArray[][] features, NeighbourhoodMaps.Block[] layers, PixelMaps.Upsampled maps) {
    }

    /**
     * The stages up to the pixel maps for q images scored against references held elsewhere (an
     * inspector's bank) rather than against each other (or against both, where
     * {@link HeldReferences#queriesReferEachOther}); there is no RsCIN, which needs a whole set.
     * The features are aggregated in the references' form, per layer or per pass, so that the images
     * can become references themselves.
     *
     * @param references the references; with none yet ({@link HeldReferences#size} 0, and the images no
     *     references for each other) the features are still computed
     * @param manager owner of the features; its device computes
     */
    public Queried scoreQueries(FeatureExtractor extractor, List<RgbImage> images, HeldReferences references,
            NDManager manager) throws IOException {
        int q = images.size();
        boolean score = references.size() > 0 || references.queriesReferEachOther() && q > 1;
        try (PatchTokens tokens = extractor.extract(q, images::get, manager, ProgressListener.none())) {
            finished(Stage.BACKBONE, tokens.imageFeatures());
            TokenStore store = new ResidentTokens(tokens.layers(), tokens.gridH(), tokens.gridW());
            int layers = store.layers();
            int sets = aggregation.featureSets().size();
            double[][][] msm = new double[sets][layers][];
            NDArray[][] z = null;
            NeighbourhoodMaps.Block[] blocks = null;
            if (references.layered()) {
                blocks = new NeighbourhoodMaps.Block[layers];
                for (int layer = 0; layer < layers; layer++) {
                    blocks[layer] = aggregation.neighbourhoods(store, layer).read(0, q, manager);
                }
                finished(Stage.AGGREGATION, blocks[layers - 1].inverseNorms());
                for (int layer = 0; score && layer < layers; layer++) {
                    try (NDManager scope = manager.newSubManager()) {
                        NDArray scores = references.scoreLayer(layer, NeighbourhoodMaps.of(blocks[layer],
                                tokens.gridH(), tokens.gridW(), aggregation.featureSets()), scope);
                        for (int set = 0; set < sets; set++) {
                            msm[set][layer] = scores.get(set).toDoubleArray();
                        }
                    }
                }
            } else {
                z = new NDArray[sets][layers];
                NDArray last = null;
                for (Pass pass : passes(layers)) {
                    last = features(store, pass).read(0, q, manager);
                    z[pass.set()][pass.layer()] = last;
                }
                finished(Stage.AGGREGATION, last);
                for (Pass pass : score ? passes(layers) : List.<Pass>of()) {
                    try (NDManager scope = manager.newSubManager()) {
                        msm[pass.set()][pass.layer()] = references.scorePass(pass, z[pass.set()][pass.layer()], scope)
                                .toDoubleArray();
                    }
                }
            }
            if (!score) {
                return new Queried(z, blocks, null);
            }
            finished(Stage.SCORING, null);
            Combined c = combine(msm, q, tokens.gridH(), tokens.gridW(), true, manager);
            return new Queried(z, blocks, new PixelMaps.Upsampled(c.maps(), c.result().scoresBeforeRscin()));
        }
    }

    /**
     * The stages from patch scoring to the image scores before RsCIN on a set whose features are held
     * already per pass (an inspector's bank scored mutually), with the configuration's scorer.
     *
     * @param manager its device computes; nothing stays on it
     */
    public MuscResult scoreHeld(int images, int layers, PassFeatures features, int gridH, int gridW,
            NDManager manager) {
        return combine(scorePasses(layers, features, scorer(gridH, gridW), images, manager, ProgressListener.none()),
                images, gridH, gridW, manager);
    }

    /**
     * {@link #scoreHeld} for a set held per tapped layer ({@code layerMaps}: every degree of a layer as one
     * {@link NeighbourhoodMaps}, resident), scored a layer at a time from one product; the configuration's
     * scorer must take the maps ({@link #scoresLayers}).
     */
    public MuscResult scoreHeldLayers(int images, int layers, IntFunction<NeighbourhoodMaps> layerMaps, int gridH,
            int gridW, NDManager manager) {
        return combine(scoreLayers(layers, images, layerMaps, scorer(gridH, gridW), images, manager,
                ProgressListener.none()), images, gridH, gridW, manager);
    }

    // ---------------------------------------------------------------------------------------------
    // A set split over workers

    /**
     * Whether a set of N images of h×w patches with C channels is scored a layer at a time: every feature
     * set of a layer from one product, where the aggregation gives its sets as one map (LNAMD with several
     * degrees) and the scorer takes them so ({@link PatchScorer#scoresNeighbourhoods}). A worker of a
     * split set then scores a layer (a unit) at a time too, else a pass.
     */
    public boolean scoresLayers(long images, int gridH, int gridW, long channels, Device device) {
        return aggregation.givesNeighbourhoods() && scorer(gridH, gridW).scoresNeighbourhoods(images,
                (long) gridH * gridW, channels, aggregation.featureSets().size(), device);
    }

    /** Receives what a worker's images give per scoring unit, batch by batch; the arrays are freed after
     *  each call. */
    public interface UnitSink {
        /** Pass {@code unit} (in {@link #passes} order): the batch's features (b, L, C) float32. */
        void pass(int unit, NDArray features) throws IOException;

        /** Tapped layer {@code layer}: the batch's layer-normed map, its box sums' inverse norms and the
         *  squares of its unit features. */
        void layer(int layer, NeighbourhoodMaps.Block maps) throws IOException;

        /** The batch's image features (b, D). */
        void imageFeatures(NDArray features) throws IOException;
    }

    /**
     * Backbone and aggregation of some of a set's images, per scoring unit: a layer where {@code layered}
     * ({@link #scoresLayers} of the whole set), else a pass. Batches of the extractor's size, so that a
     * worker whose images start at a multiple of it sees the batches the whole set does.
     */
    public void aggregateUnits(FeatureExtractor extractor, List<RgbImage> images, boolean layered, UnitSink sink,
            NDManager manager) throws IOException {
        int grid = extractor.grid();
        extractor.extract(images.size(), images::get, manager, (tokens, f) -> {
            ResidentTokens batch = new ResidentTokens(tokens, grid, grid);
            if (layered) {
                for (int layer = 0; layer < tokens.size(); layer++) {
                    try (NDManager unit = manager.newSubManager()) {
                        sink.layer(layer, aggregation.neighbourhoods(batch, layer).read(0, batch.images(), unit));
                    }
                }
            } else {
                List<Pass> passes = passes(tokens.size());
                for (int k = 0; k < passes.size(); k++) {
                    try (NDManager unit = manager.newSubManager()) {
                        sink.pass(k, features(batch, passes.get(k)).read(0, batch.images(), unit)
                                .toType(DataType.FLOAT32, false));
                    }
                }
            }
            sink.imageFeatures(f);
        }, ProgressListener.none());
    }

    /**
     * The features of all N images of one pass, held in the form the scorer reads them, so that a worker
     * scores many query blocks against them without converting them each time.
     *
     * @param chunkImages images per read of {@code features}
     * @param manager owner of what is held; close it to free it
     */
    public FeatureChunks hold(FeatureChunks features, int chunkImages, int gridH, int gridW, NDManager manager) {
        return scorer(gridH, gridW).hold(features, chunkImages, manager);
    }

    /**
     * Patch scoring of query images [from, to) of one pass against all N images held by {@link #hold}:
     * what one worker computes on its own.
     *
     * @return (to − from, L) float64 on {@code manager}
     */
    public NDArray scoreBlock(Pass pass, FeatureChunks held, int gridH, int gridW, long from, long to,
            NDManager manager) {
        return scorer(gridH, gridW).scoreBlock(pass, held, Math.toIntExact(held.images()), from, to, manager);
    }

    /**
     * Patch scoring of query images [from, to) of every feature set of one layer against all N images:
     * (sets, to − from, L) float64 on {@code manager}.
     */
    public NDArray scoreBlock(NeighbourhoodMaps maps, long from, long to, NDManager manager) {
        return scorer(maps.gridH(), maps.gridW()).scoreNeighbourhoodsBlock(maps, Math.toIntExact(maps.images()),
                from, to, manager);
    }

    /**
     * Aggregation and scoring of query images [from, to) of one pass against the whole set, from the
     * set's tokens.
     *
     * @return (to − from, L) float64 on {@code manager}
     */
    public NDArray scoreBlock(TokenStore tokens, Pass pass, long from, long to, NDManager manager) {
        MemoryPlan plan = plan(tokens, manager.getDevice());
        PatchScorer scorer = scorer(tokens.gridH(), tokens.gridW());
        if (scoresLayers(tokens.images(), tokens.gridH(), tokens.gridW(), tokens.channels(), manager.getDevice())) {
            // the whole run's kernel (every set of the layer, this pass's kept), so that gathered blocks
            // give its numbers
            try (NDManager scope = manager.newSubManager()) {
                NDArray rows = scorer.scoreNeighbourhoodsBlock(aggregation.neighbourhoods(tokens, pass.layer()),
                        plan.lnamdChunk(), from, to, scope).get(pass.set());
                rows.attach(manager);
                return rows;
            }
        }
        return scorer.scoreBlock(pass, features(tokens, pass), plan.lnamdChunk(), from, to, manager);
    }

    // ---------------------------------------------------------------------------------------------

    /** Tells the listener that {@code stage} ended, first waiting for the device where the stages are
     *  timed apart ({@code sync}: an array the stage computed, or null where its results are on the host). */
    private void finished(Stage stage, NDArray sync) {
        if (sync != null && stages.separatesStages()) {
            await(sync);
        }
        stages.finished(stage);
    }

    /** Waits for an asynchronous device by reading one element back. */
    private static void await(NDArray a) {
        int dims = a.getShape().dimension();
        NDArray first = dims == 0 ? a : a.get(new NDIndex(String.join(",", Collections.nCopies(dims, "0"))));
        first.toType(DataType.FLOAT32, false).toFloatArray();
    }

    /** The patch scorer of the configuration, made once per grid and shared by the pipelines derived
     *  with {@link #withStages}. */
    private static final class Scorers {
        private final MuscConfig config;
        private PatchScorer scorer;
        private int gridH;
        private int gridW;

        Scorers(MuscConfig config) {
            this.config = config;
        }

        synchronized PatchScorer of(int h, int w) {
            if (scorer == null || h != gridH || w != gridW) {
                scorer = config.scoring().scorer(h, w, config.interval(), config.memoryBudgetBytes(),
                        config.precision().products());
                gridH = h;
                gridW = w;
            }
            return scorer;
        }
    }

    private static float[][] rows(NDArray features, int n) {
        if (features.getShape().dimension() != 2 || features.getShape().get(0) != n) {
            throw new IllegalArgumentException("RsCIN needs image features (" + n + ", D), got "
                    + features.getShape());
        }
        return PatchTokens.rows(features);
    }

    /** Element-wise plain mean of equally long arrays, summed in order as the reference does. */
    private static double[] mean(double[][] parts) {
        double[] out = new double[parts[0].length];
        for (double[] p : parts) {
            for (int i = 0; i < out.length; i++) {
                out[i] += p[i];
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= parts.length;
        }
        return out;
    }
}
