package io.musc4j.engine.msm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The patch-scoring stage of MuSc: the (N, L, C) features of one {@link Pass} in, an anomaly score per
 * patch out, (N, L) float64. Each patch is scored by the MSM rule against reference images: per
 * reference image its nearest-patch distance, then the {@link MsmInterval} average of those distances.
 * Implementations differ in which patches they compare: {@link FullMsm} (the other images of the set,
 * every patch: the reference) or {@link AlignedMsm} (the other images, a window around the same grid
 * position). References held apart from the scored images (an inspector's bank) are {@link HeldReferences}.
 *
 * <p>The features are read through {@link FeatureChunks}, {@code chunkImages} images at a time, so a
 * scorer holds them at most once, in the form it compares (see {@link #plan}); it never needs them as
 * one (N, L, C) array.
 */
public interface PatchScorer {

    /**
     * Scores of every image.
     *
     * @param pass which layer and feature set the features are
     * @param features (N, L, C) L2-normalised float32
     * @param chunkImages images per read of {@code features}
     * @param manager owner of the result; its device computes
     * @return (N, L) float64 on {@code manager}
     */
    NDArray score(Pass pass, FeatureChunks features, int chunkImages, NDManager manager);

    /**
     * Rows [from, to) of {@link #score}: the query images' scores against all references, what one worker
     * computes on its own. Equal to those rows of {@code score} up to the float32 rounding of the distance
     * products where {@code score} reads a distance from the other image's side.
     *
     * @return (to − from, L) float64 on {@code manager}
     */
    NDArray scoreBlock(Pass pass, FeatureChunks features, int chunkImages, long from, long to, NDManager manager);

    /**
     * The features of all N reference images held in the form this scorer reads them, so that many
     * {@link #scoreBlock}s against them convert them once: by default a resident float32 copy.
     *
     * @param chunkImages images per read of {@code features}
     * @param manager owner of what is held
     */
    default FeatureChunks hold(FeatureChunks features, int chunkImages, NDManager manager) {
        return FeatureChunks.of(features.readAll(chunkImages, manager));
    }

    /** How scoring N images of L patches with C channels uses memory on {@code device}. */
    ScoringPlan plan(long images, long patches, long channels, Device device);

    /**
     * Whether {@link #scoreNeighbourhoods} scores maps of N images of L patches with C channels at D
     * degrees on {@code device}: every feature set of a layer from one product. A scorer that cannot is
     * given the sets pass by pass.
     */
    default boolean scoresNeighbourhoods(long images, long patches, long channels, int degrees, Device device) {
        return false;
    }

    /**
     * How scoring a layer's D degrees uses memory on {@code device}: at once where
     * {@link #scoresNeighbourhoods}, else pass by pass ({@link #plan}).
     */
    default ScoringPlan planNeighbourhoods(long images, long patches, long channels, int degrees, Device device) {
        return plan(images, patches, channels, device);
    }

    /**
     * The scores of every degree of one layer, equal to {@link #score} of each degree's features up to
     * float32 rounding of the products.
     *
     * @return (D, N, L) float64 on {@code manager}, degrees in the maps' order
     * @throws UnsupportedOperationException where the scorer cannot take the maps (a scorer that scores pass
     *     by pass; full MSM with half-precision products or a tile that would split a query image)
     */
    default NDArray scoreNeighbourhoods(NeighbourhoodMaps maps, int chunkImages, NDManager manager) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " scores pass by pass");
    }

    /**
     * Rows [from, to) of {@link #scoreNeighbourhoods}, from the query images' side (as {@link #scoreBlock}).
     *
     * @return (D, to − from, L) float64 on {@code manager}
     */
    default NDArray scoreNeighbourhoodsBlock(NeighbourhoodMaps maps, int chunkImages, long from, long to,
            NDManager manager) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " scores pass by pass");
    }
}
