package io.musc4j.engine.lnamd;

import io.musc4j.engine.msm.FeatureChunks;
import io.musc4j.engine.msm.NeighbourhoodMaps;
import io.musc4j.engine.store.TokenStore;
import java.util.List;

/**
 * The aggregation stage of MuSc: the tapped tokens of a set in, per layer the feature sets MSM scores
 * out, each (N, L, C) L2-normalised float32 and read a block of images at a time ({@link FeatureChunks}),
 * so that no whole layer of features ever needs to exist. Aggregation works image by image, so a block
 * gives the same values as the whole set. Made by {@link Aggregation#over}.
 */
public interface Aggregator {

    /** The degree each feature set of a layer is recorded under, in scoring order: LNAMD has one set per
     *  degree r, SNAMD one fused set recorded under the largest degree (its window). */
    List<Integer> featureSets();

    /**
     * Feature set {@code set} of tapped layer {@code layer}.
     *
     * @param tokens the set's tokens, per layer (N, 1+L, C)
     * @return (N, L, C) features read on demand
     */
    FeatureChunks features(TokenStore tokens, int layer, int set);

    /** Token-sized arrays (1+L)·C float32 one image keeps resident while it is aggregated. */
    int tokenCopies();

    /** Whether the feature sets of a layer are box means of one map (LNAMD with several degrees), which
     *  {@link #neighbourhoods} gives. */
    default boolean givesNeighbourhoods() {
        return false;
    }

    /**
     * Every feature set of tapped layer {@code layer} as one layer-normed map with the inverse norms of
     * its box sums, so that a scorer can score them all from one product.
     *
     * @throws UnsupportedOperationException where {@link #givesNeighbourhoods} is false
     */
    default NeighbourhoodMaps neighbourhoods(TokenStore tokens, int layer) {
        throw new UnsupportedOperationException("these feature sets are not box means of one map");
    }
}
