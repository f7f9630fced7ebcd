package io.musc4j.engine.msm;

/**
 * One MSM pass of a set: the features of one tapped layer at one feature set (for LNAMD one
 * aggregation degree r; SNAMD has one set per layer). The scores of all passes are averaged into the
 * patch map.
 *
 * @param layer index into the tapped layers (not the block number)
 * @param set index into the aggregation's feature sets
 */
public record Pass(int layer, int set) {

    public Pass {
        if (layer < 0 || set < 0) {
            throw new IllegalArgumentException("a pass has a layer and a feature set >= 0, got " + layer + ", " + set);
        }
    }
}
