package io.musc4j.engine.lnamd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.musc4j.engine.msm.FeatureChunks;
import io.musc4j.engine.store.TokenStore;
import java.util.List;

/**
 * The SNAMD features of one layer, computed a block of images at a time from a {@link TokenStore} as
 * MSM reads them. SNAMD works image by image (its weights compare a token with its own image's
 * neighbours), so a block gives the same values as the whole set.
 */
public final class SnamdFeatures implements FeatureChunks {

    private final TokenStore tokens;
    private final int layer;
    private final List<Integer> degrees;
    private final Snamd snamd;

    /**
     * @param tokens the image set's tokens
     * @param layer index of the tapped layer in the store
     * @param degrees odd aggregation degrees, fused into one feature set
     */
    public SnamdFeatures(TokenStore tokens, int layer, List<Integer> degrees) {
        this.tokens = tokens;
        this.layer = layer;
        this.degrees = List.copyOf(degrees);
        this.snamd = new Snamd(tokens.gridH(), tokens.gridW());
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
        return snamd.aggregate(tokens.read(layer, from, to, manager), degrees);
    }
}
