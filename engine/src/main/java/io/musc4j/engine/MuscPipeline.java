package io.musc4j.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.musc4j.engine.lnamd.Aggregator;
import io.musc4j.engine.maps.PixelMaps;
import io.musc4j.engine.msm.FeatureChunks;
import io.musc4j.engine.msm.Pass;
import io.musc4j.engine.msm.PatchScorer;
import io.musc4j.engine.msm.ScoringPlan;
import io.musc4j.engine.rscin.Rscin;
import io.musc4j.engine.store.ResidentTokens;
import io.musc4j.engine.store.TokenStore;
import java.util.ArrayList;
import java.util.List;

/**
 * MuSc's stage chain, composed here and nowhere else: the tapped tokens of N unlabeled images in,
 * anomaly maps and image scores out.
 *
 * <ol>
 *   <li><b>aggregation</b> ({@link Aggregator}: LNAMD or SNAMD): per tapped layer, feature sets
 *       (N, L, C), read a block of images at a time;</li>
 *   <li><b>patch scoring</b> ({@link PatchScorer}: full MSM, aligned MSM, or against a bank): per
 *       {@link Pass} (layer, feature set), (N, L) float64 scores;</li>
 *   <li><b>averaging</b> ({@link #layerMeans}, {@link #patchMap}): the plain mean over layers per
 *       feature set, then over feature sets: the patch map (N, L);</li>
 *   <li><b>maps and image scores</b> ({@link PixelMaps}): the patch map upsampled to S×S (bilinear,
 *       align corners); the image score before RsCIN is its maximum;</li>
 *   <li><b>image re-scoring</b> ({@link #rescore}: RsCIN with the image features, or off).</li>
 * </ol>
 *
 * <p>{@link #score} runs them all on one set. Each stage can also run on its own, so that the work can
 * be spread: a worker computes {@link #scoreBlock} (aggregation and scoring of query images [from, to)
 * of one pass against the whole set); whoever gathers the blocks runs {@link #combine} (averaging, maps
 * and image scores) and {@link #rescore}. {@link MuSc} adds backbone, division and spilling around it;
 * the inspector feeds it a bank scorer instead of a set's ({@link #scorePasses}).
 *
 * <p>Memory: only one pass is worked on at a time, its features going chunk by chunk from the token
 * store into the scorer ({@link MemoryPlan}); every aggregation and scorer streams this way.
 */
public final class MuscPipeline {

    private final MuscConfig config;
    private final Aggregator aggregation;
    private final ProgressListener progress;

    /** A pipeline of a configuration whose image size is known (the pixel maps' side S). */
    public MuscPipeline(MuscConfig config) {
        this(config, ProgressListener.none());
    }

    /**
     * A pipeline that reports {@link ProgressListener#SCORING} after each scored pass: MSM is the long
     * part of a large set, minutes on a CPU.
     *
     * @throws IllegalArgumentException if the configuration's image size is not resolved (0)
     */
    public MuscPipeline(MuscConfig config, ProgressListener progress) {
        if (config.imageSize() < 1) {
            throw new IllegalArgumentException("the pipeline needs the image size S of the pixel maps; the"
                    + " configuration leaves it to the model (0)");
        }
        this.config = config;
        this.aggregation = config.aggregation().over(config.degrees());
        this.progress = progress;
    }

    /** The configuration. */
    public MuscConfig config() {
        return config;
    }

    /** The aggregation stage. */
    public Aggregator aggregation() {
        return aggregation;
    }

    /** The patch-scoring stage for a set on an h×w patch grid (the configuration's kernel). */
    public PatchScorer scorer(int gridH, int gridW) {
        return config.scoring().scorer(gridH, gridW, config.interval(), config.memoryBudgetBytes(),
                config.precision());
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

    /**
     * Aggregation and scoring of query images [from, to) of one pass against the whole set: what one
     * worker computes on its own.
     *
     * @return (to − from, L) float64 on {@code manager}
     */
    public NDArray scoreBlock(TokenStore tokens, Pass pass, long from, long to, NDManager manager) {
        MemoryPlan plan = plan(tokens, manager.getDevice());
        PatchScorer scorer = scorer(tokens.gridH(), tokens.gridW());
        if (scoresLayers(tokens, manager.getDevice())) {
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

    /**
     * Whether a set of N images of h×w patches with C channels is scored a layer at a time: every feature
     * set of a layer from one product, where the aggregation gives its sets as one map (LNAMD with several
     * degrees) and the scorer takes them so ({@link PatchScorer#scoresNeighbourhoods}).
     */
    public boolean scoresLayers(long images, int gridH, int gridW, long channels, Device device) {
        return aggregation.givesNeighbourhoods() && scorer(gridH, gridW).scoresNeighbourhoods(images,
                (long) gridH * gridW, channels, aggregation.featureSets().size(), device);
    }

    private boolean scoresLayers(TokenStore tokens, Device device) {
        return scoresLayers(tokens.images(), tokens.gridH(), tokens.gridW(), tokens.channels(), device);
    }

    /**
     * The MSM scores of every pass of a set: aggregation and the configuration's scorer.
     *
     * @param manager its device computes; nothing stays on it
     * @return [feature set][layer] (N·L) float64 row-major
     */
    public double[][][] scorePasses(TokenStore tokens, NDManager manager) {
        MemoryPlan plan = plan(tokens, manager.getDevice());
        PatchScorer scorer = scorer(tokens.gridH(), tokens.gridW());
        if (!scoresLayers(tokens, manager.getDevice())) {
            return scorePasses(tokens.layers(), pass -> features(tokens, pass), scorer, plan.lnamdChunk(), manager);
        }
        // every feature set of a layer from one product: the same passes in the same order, a layer at a time
        int sets = aggregation.featureSets().size();
        int layers = tokens.layers();
        double[][][] msm = new double[sets][layers][];
        progress.progress(ProgressListener.SCORING, 0, sets * layers);
        for (int layer = 0; layer < layers; layer++) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray scores = scorer.scoreNeighbourhoods(aggregation.neighbourhoods(tokens, layer),
                        plan.lnamdChunk(), scope);
                for (int set = 0; set < sets; set++) {
                    msm[set][layer] = scores.get(set).toDoubleArray();
                }
            }
            progress.progress(ProgressListener.SCORING, (layer + 1) * sets, sets * layers);
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
        int sets = aggregation.featureSets().size();
        double[][][] msm = new double[sets][layers][];
        List<Pass> passes = passes(layers);
        int step = 0;
        progress.progress(ProgressListener.SCORING, 0, passes.size());
        for (Pass pass : passes) {
            try (NDManager scope = manager.newSubManager()) {
                msm[pass.set()][pass.layer()] = scorer.score(pass, features.features(pass), chunkImages, scope)
                        .toDoubleArray();
            }
            progress.progress(ProgressListener.SCORING, ++step, passes.size());
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
     * are those before RsCIN (as float32) until {@link #rescore} (see {@link #score}).
     *
     * @param msm [feature set][layer] (N·L) float64, as {@link #scorePasses} gives them
     * @param manager its device upsamples; nothing stays on it
     */
    public MuscResult combine(double[][][] msm, int images, int gridH, int gridW, NDManager manager) {
        double[][] layerMeans = layerMeans(msm);
        double[] patchMap = patchMap(layerMeans);
        PixelMaps maps = pixelMaps(gridH, gridW);
        double[] before = maps.scores(patchMap, images, manager);
        return new MuscResult(images, gridH, gridW, aggregation.featureSets(), msm[0].length,
                config.keepLayerScores() ? msm : null, layerMeans, patchMap, before, Rscin.unchanged(before), maps);
    }

    /**
     * Image re-scoring: RsCIN over the whole set with the configuration's windows, or, when off, the
     * scores unchanged (as float32).
     *
     * @param scoresBeforeRscin (N) image scores before RsCIN
     * @param imageFeatures N rows of image features; may be null when RsCIN is off
     */
    public float[] rescore(double[] scoresBeforeRscin, float[][] imageFeatures) {
        if (config.rscin().isOff()) {
            return Rscin.unchanged(scoresBeforeRscin);
        }
        if (imageFeatures == null || imageFeatures.length != scoresBeforeRscin.length) {
            throw new IllegalArgumentException("RsCIN needs image features of " + scoresBeforeRscin.length
                    + " images, got " + (imageFeatures == null ? "none" : imageFeatures.length));
        }
        return Rscin.rescore(scoresBeforeRscin, imageFeatures, config.rscin());
    }

    /**
     * Every stage on one set of images, from a token store, one pass at a time (see {@link MemoryPlan}).
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
        if (!config.rscin().isOff() && (imageFeatures == null || imageFeatures.length != n)) {
            throw new IllegalArgumentException("RsCIN needs image features of " + n + " images, got "
                    + (imageFeatures == null ? "none" : imageFeatures.length));
        }
        MuscResult result = combine(scorePasses(tokens, manager), n, tokens.gridH(), tokens.gridW(), manager);
        return result.withScores(rescore(result.scoresBeforeRscin(), imageFeatures));
    }

    /**
     * Every stage on one set of images whose tokens are arrays.
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
