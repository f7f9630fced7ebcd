package io.musc4j.engine.inspect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.msm.FullMsm;
import io.musc4j.engine.msm.HeldReferences;
import io.musc4j.engine.msm.MsmInterval;
import io.musc4j.engine.msm.NearestPatchMinima;
import io.musc4j.engine.msm.NeighbourhoodMaps;
import io.musc4j.engine.msm.Pass;

/**
 * The {@link Inspector}'s references: query parts scored with the MSM rule against the parts in the
 * {@link FeatureBank} instead of against each other. Per patch, the distance to the nearest patch of
 * each bank part, then the interval mean of those M distances (every bank part is a candidate: a query
 * is never in the bank it is scored against). A bank per layer is scored a layer at a time from one
 * product per tile, as the batch path scores a set ({@link FullMsm#scoreNeighbourhoodsAgainst}); a bank
 * per pass a pass at a time.
 *
 * <p>Where the queries of a call are the tiles of one part pooled with every tile ({@code amongQueries}),
 * each is also scored against the call's other queries (never itself): the interval mean of its
 * M + Q − 1 distances, as in the batch run's set of every tile.
 */
final class BankMsm implements HeldReferences {

    private final MsmInterval interval;
    private final NearestPatchMinima kernel;
    private final FullMsm layers;
    private final FeatureBank bank;
    private final boolean amongQueries;

    BankMsm(MuscConfig config, FeatureBank bank, boolean amongQueries) {
        this.interval = config.interval();
        this.kernel = new NearestPatchMinima(config.memoryBudgetBytes(), config.precision().products());
        this.layers = new FullMsm(config.interval(), config.memoryBudgetBytes(), config.precision().products());
        this.bank = bank;
        this.amongQueries = amongQueries;
    }

    @Override
    public int size() {
        return bank.size();
    }

    @Override
    public boolean layered() {
        return bank.layered();
    }

    @Override
    public boolean queriesReferEachOther() {
        return amongQueries;
    }

    @Override
    public NDArray scorePass(Pass pass, NDArray queries, NDManager manager) {
        int others = amongQueries ? Math.toIntExact(queries.getShape().get(0)) - 1 : 0;
        requireCandidates(others);
        try (NDManager scope = manager.newSubManager()) {
            NDArray minima = null;
            if (bank.size() > 0) {
                minima = kernel.cross(queries, bank.productForm(pass.set(), pass.layer(), scope));
                minima.attach(scope);
            }
            if (others > 0) {
                // (Q, Q, L), +∞ where a query meets itself: it ranks last and is no candidate
                NDArray own = kernel.mutual(queries);
                own.attach(scope);
                minima = minima == null ? own : minima.concat(own, 1);
            }
            NDArray mean = interval.average(minima, bank.size() + others);
            mean.attach(manager);
            return mean;
        }
    }

    @Override
    public NDArray scoreLayer(int layer, NeighbourhoodMaps queries, NDManager manager) {
        requireCandidates(amongQueries ? Math.toIntExact(queries.images()) - 1 : 0);
        try (NDManager scope = manager.newSubManager()) {
            NeighbourhoodMaps held = bank.size() == 0 ? null : NeighbourhoodMaps.of(bank.maps(layer, scope),
                    queries.gridH(), queries.gridW(), queries.degrees());
            NDArray scores = layers.scoreNeighbourhoodsAgainst(queries, held, amongQueries, scope);
            scores.attach(manager);
            return scores;
        }
    }

    private void requireCandidates(int others) {
        if (bank.size() + others == 0) {
            throw new IllegalStateException("the bank is empty: nothing to score against");
        }
    }
}
