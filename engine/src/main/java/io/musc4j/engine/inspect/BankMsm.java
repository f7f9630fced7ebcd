package io.musc4j.engine.inspect;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.msm.FeatureChunks;
import io.musc4j.engine.msm.MsmInterval;
import io.musc4j.engine.msm.NearestPatchMinima;
import io.musc4j.engine.msm.Pass;
import io.musc4j.engine.msm.PatchScorer;
import io.musc4j.engine.msm.ScoringPlan;

/**
 * The {@link PatchScorer} of the {@link Inspector}: query parts scored with the MSM rule against the
 * parts in the {@link FeatureBank} instead of against each other. Per patch, the distance to the
 * nearest patch of each bank part, then the interval mean of those M distances (every bank part is a
 * candidate: a query is never in the bank it is scored against).
 */
final class BankMsm implements PatchScorer {

    private final MsmInterval interval;
    private final NearestPatchMinima kernel;
    private final FeatureBank bank;

    BankMsm(MuscConfig config, FeatureBank bank) {
        this.interval = config.interval();
        this.kernel = new NearestPatchMinima(config.memoryBudgetBytes(), config.precision());
        this.bank = bank;
    }

    /** The bank must not be empty. */
    @Override
    public NDArray score(Pass pass, FeatureChunks queries, int chunkImages, NDManager manager) {
        return scoreBlock(pass, queries, chunkImages, 0, queries.images(), manager);
    }

    @Override
    public NDArray scoreBlock(Pass pass, FeatureChunks queries, int chunkImages, long from, long to,
            NDManager manager) {
        if (bank.size() == 0) {
            throw new IllegalStateException("the bank is empty: nothing to score against");
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray minima = kernel.cross(queries.read(from, to, scope), bank.productForm(pass.set(), pass.layer(),
                    scope));
            NDArray mean = interval.average(minima, bank.size());
            mean.attach(manager);
            return mean;
        }
    }

    /** The tile of one query image against the bank; the bank itself is counted by the bank. */
    @Override
    public ScoringPlan plan(long images, long patches, long channels, Device device) {
        NearestPatchMinima.TilePlan tile = kernel.plan(patches, channels, device);
        return new ScoringPlan(false, (int) images, tile,
                tile.bytes() + images * bank.size() * patches * (Float.BYTES + 24), 0);
    }
}
