package io.musc4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.musc4j.engine.lnamd.Aggregation;
import io.musc4j.engine.lnamd.LnamdFeatures;
import io.musc4j.engine.maps.AlignCornersUpsampler;
import io.musc4j.engine.msm.MsmScoring;
import io.musc4j.engine.msm.MutualScoring;
import io.musc4j.engine.rscin.Rscin;
import io.musc4j.engine.store.ResidentTokens;
import io.musc4j.engine.store.TokenStore;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The MuSc scoring core: tapped-layer tokens of N unlabeled images in, anomaly maps and scores out.
 *
 * <p>Per layer and aggregation degree r: LNAMD features, then MSM scores. The patch map is the plain
 * mean of the MSM scores over layers (per r) and then over degrees. Upsampled to S×S (bilinear,
 * align corners) it is the pixel map; the maximum of the pixel map is the image score before
 * RsCIN, which RsCIN then refines with the image features.
 *
 * <p>Only one (layer, degree) is in memory at a time: its LNAMD features go chunk by chunk from the
 * token store into MSM ({@link MemoryPlan} accounts for what is resident).
 *
 * <p>Options beyond the reference ({@link MuscConfig#scoring()}, {@link MuscConfig#aggregation()}):
 * aligned MSM replaces the MSM kernel; SNAMD replaces LNAMD with one feature set per layer, so the
 * "mean over degrees" runs over that one set. With either, one layer's features are aggregated whole.
 */
public final class MuscScorer {

    private static final int UPSAMPLE_CHUNK = 16;

    private final MuscConfig config;
    private final ProgressListener progress;

    public MuscScorer(MuscConfig config) {
        this(config, ProgressListener.none());
    }

    /**
     * A scorer that reports {@link ProgressListener#SCORING} after each scored (layer, degree): MSM is
     * the long part of a large set, minutes on a CPU.
     */
    public MuscScorer(MuscConfig config, ProgressListener progress) {
        this.config = config;
        this.progress = progress;
    }

    /**
     * Scores one set of images.
     *
     * @param layerTokens per tapped layer, tokens (N, 1+h·w, C) float32 (token 0 is ignored)
     * @param gridH patch rows h
     * @param gridW patch columns w
     * @param imageFeatures (N, D) image features for RsCIN; may be null when RsCIN is off
     * @return the immutable result
     */
    public MuscResult score(List<NDArray> layerTokens, int gridH, int gridW, NDArray imageFeatures) {
        TokenStore tokens = new ResidentTokens(layerTokens, gridH, gridW);
        float[][] features = config.rscin().isOff() || imageFeatures == null ? null : rows(imageFeatures, tokens.images());
        return score(tokens, features, layerTokens.get(0).getManager());
    }

    /**
     * Scores one set of images from a token store, holding one layer and degree at a time (see
     * {@link MemoryPlan}).
     *
     * @param tokens the set's tokens
     * @param imageFeatures N rows of image features for RsCIN; may be null when RsCIN is off
     * @param manager parent of the scoring's arrays; its device runs LNAMD and MSM
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
        int gridH = tokens.gridH();
        int gridW = tokens.gridW();
        int patches = gridH * gridW;
        List<Integer> degrees = config.aggregation().scoredDegrees(config.degrees());
        int layers = tokens.layers();
        double[][][] msm = new double[degrees.size()][layers][];
        int steps = layers * degrees.size();
        int step = 0;
        progress.progress(ProgressListener.SCORING, 0, steps);
        if (config.scoring().equals(MsmScoring.FULL) && config.aggregation() == Aggregation.LNAMD) {
            MemoryPlan plan = MemoryPlan.of(n, patches, tokens.channels(), layers, config, Float.BYTES,
                    tokens.resident(), manager.getDevice());
            MutualScoring scoring = new MutualScoring(config.interval(), config.memoryBudgetBytes(), config.precision());
            for (int li = 0; li < layers; li++) {
                for (int ri = 0; ri < degrees.size(); ri++) {
                    try (NDManager scope = manager.newSubManager()) {
                        msm[ri][li] = scoring.score(new LnamdFeatures(tokens, li, degrees.get(ri)), plan.lnamdChunk(),
                                scope).toDoubleArray();
                    }
                    progress.progress(ProgressListener.SCORING, ++step, steps);
                }
            }
        } else {
            UnaryOperator<NDArray> scoring = config.scoring().scorer(gridH, gridW, config.interval(),
                    config.memoryBudgetBytes(), config.precision());
            for (int li = 0; li < layers; li++) {
                try (NDManager scope = manager.newSubManager()) {
                    List<NDArray> z = config.aggregation().aggregate(tokens.read(li, 0, n, scope), gridH, gridW,
                            config.degrees());
                    for (int ri = 0; ri < degrees.size(); ri++) {
                        msm[ri][li] = scoring.apply(z.get(ri)).toDoubleArray();
                        progress.progress(ProgressListener.SCORING, ++step, steps);
                    }
                }
            }
        }
        double[][] layerMeans = new double[degrees.size()][];
        for (int ri = 0; ri < degrees.size(); ri++) {
            layerMeans[ri] = mean(msm[ri]);
        }
        double[] patchMap = mean(layerMeans);
        AlignCornersUpsampler upsampler = new AlignCornersUpsampler(gridH, gridW, config.imageSize());
        double[] before = new double[n];
        try (NDManager scope = manager.newSubManager()) {
            NDArray map = scope.create(patchMap, new Shape(n, patches));
            for (int i0 = 0; i0 < n; i0 += UPSAMPLE_CHUNK) {
                int i1 = Math.min(n, i0 + UPSAMPLE_CHUNK);
                double[] max = upsampler.upsample(map.get("{}:{}", i0, i1)).reshape(i1 - i0, -1)
                        .max(new int[] {1}).toDoubleArray();
                System.arraycopy(max, 0, before, i0, i1 - i0);
            }
        }
        float[] after = Rscin.rescore(before, config.rscin().isOff() ? null : imageFeatures, config.rscin());
        return new MuscResult(n, gridH, gridW, degrees, layers, config.keepLayerScores() ? msm : null,
                layerMeans, patchMap, before, after, upsampler);
    }

    private static float[][] rows(NDArray features, int n) {
        if (features == null || features.getShape().dimension() != 2 || features.getShape().get(0) != n) {
            throw new IllegalArgumentException("RsCIN needs image features (" + n + ", D), got "
                    + (features == null ? "none" : features.getShape()));
        }
        return PatchTokens.rows(features);
    }

    /** Element-wise plain mean of equally long arrays, summed in order as the reference does. */
    public static double[] mean(double[][] parts) {
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
