package io.musc4j.engine.lnamd;

import ai.djl.ndarray.NDManager;
import io.musc4j.engine.msm.NeighbourhoodMaps;
import io.musc4j.engine.store.TokenStore;
import java.util.List;

/**
 * LNAMD of one tapped layer at every degree as {@link NeighbourhoodMaps}, computed a block of images at
 * a time from a {@link TokenStore} as MSM reads them (per-image, like {@link LayerFeatures}).
 */
final class LayerNeighbourhoods implements NeighbourhoodMaps {

    private final TokenStore tokens;
    private final int layer;
    private final List<Integer> degrees;
    private final Lnamd lnamd;

    LayerNeighbourhoods(TokenStore tokens, int layer, List<Integer> degrees) {
        this.tokens = tokens;
        this.layer = layer;
        this.degrees = List.copyOf(degrees);
        this.lnamd = new Lnamd(tokens.gridH(), tokens.gridW());
    }

    @Override
    public long images() {
        return tokens.images();
    }

    @Override
    public int gridH() {
        return tokens.gridH();
    }

    @Override
    public int gridW() {
        return tokens.gridW();
    }

    @Override
    public long channels() {
        return tokens.channels();
    }

    @Override
    public List<Integer> degrees() {
        return degrees;
    }

    @Override
    public Block read(long from, long to, NDManager manager) {
        return lnamd.neighbourhoods(tokens.read(layer, from, to, manager), degrees);
    }
}
