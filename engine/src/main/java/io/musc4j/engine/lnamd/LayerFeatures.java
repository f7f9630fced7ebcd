package io.musc4j.engine.lnamd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.musc4j.engine.msm.FeatureChunks;
import io.musc4j.engine.store.TokenStore;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The aggregated features of one tapped layer, computed a block of images at a time from a
 * {@link TokenStore} as MSM reads them. LNAMD and SNAMD both work image by image (a per-image
 * LayerNorm, neighbourhoods and weights within one image's map), so a block gives the same values as
 * the whole set, and the (N, L, C) features never need to exist at once.
 */
public final class LayerFeatures implements FeatureChunks {

    private final TokenStore tokens;
    private final int layer;
    /** Tokens (n, 1+L, C) of a block of images → their unit features (n, L, C). */
    private final UnaryOperator<NDArray> aggregate;

    private LayerFeatures(TokenStore tokens, int layer, UnaryOperator<NDArray> aggregate) {
        this.tokens = tokens;
        this.layer = layer;
        this.aggregate = aggregate;
    }

    /** LNAMD of layer {@code layer} (index in the store) at one odd degree r. */
    public static LayerFeatures lnamd(TokenStore tokens, int layer, int degree) {
        Lnamd lnamd = new Lnamd(tokens.gridH(), tokens.gridW());
        List<Integer> r = List.of(degree);
        return new LayerFeatures(tokens, layer, t -> lnamd.aggregate(t, r).get(0));
    }

    /** SNAMD of layer {@code layer} (index in the store), its odd degrees fused into one feature set. */
    public static LayerFeatures snamd(TokenStore tokens, int layer, List<Integer> degrees) {
        Snamd snamd = new Snamd(tokens.gridH(), tokens.gridW());
        List<Integer> r = List.copyOf(degrees);
        return new LayerFeatures(tokens, layer, t -> snamd.aggregate(t, r));
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
        return aggregate.apply(tokens.read(layer, from, to, manager));
    }
}
