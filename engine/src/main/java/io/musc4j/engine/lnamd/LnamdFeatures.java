package io.musc4j.engine.lnamd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.musc4j.engine.msm.FeatureChunks;
import io.musc4j.engine.store.TokenStore;
import java.util.List;

/**
 * The LNAMD features of one layer at one degree, computed a block of images at a time from a
 * {@link TokenStore} as MSM reads them. LNAMD works image by image (its LayerNorm is per image, its
 * neighbourhood mean per image map), so a block gives the same values as the whole set, and the
 * (N, L, C) features never need to exist at once.
 */
public final class LnamdFeatures implements FeatureChunks {

    private final TokenStore tokens;
    private final int layer;
    private final List<Integer> degree;
    private final Lnamd lnamd;

    /**
     * @param tokens the image set's tokens
     * @param layer index of the tapped layer in the store
     * @param degree aggregation degree r (odd)
     */
    public LnamdFeatures(TokenStore tokens, int layer, int degree) {
        this.tokens = tokens;
        this.layer = layer;
        this.degree = List.of(degree);
        this.lnamd = new Lnamd(tokens.gridH(), tokens.gridW());
    }

    @Override
    public long images() {
        return tokens.images();
    }

    @Override
    public long patches() {
        return (long) tokens.gridH() * tokens.gridW();
    }

    @Override
    public long channels() {
        return tokens.channels();
    }

    @Override
    public NDArray read(long from, long to, NDManager manager) {
        return lnamd.aggregate(tokens.read(layer, from, to, manager), degree).get(0);
    }
}
