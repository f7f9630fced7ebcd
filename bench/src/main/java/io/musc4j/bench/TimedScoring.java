package io.musc4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.musc4j.engine.MuscPipeline;
import io.musc4j.engine.msm.FeatureChunks;
import io.musc4j.engine.msm.NeighbourhoodMaps;
import io.musc4j.engine.msm.Pass;
import io.musc4j.engine.msm.PatchScorer;
import io.musc4j.engine.store.TokenStore;
import java.util.Collections;

/**
 * The pipeline's aggregation and patch scoring as its benchmarks time them: the way the pipeline
 * itself scores the set (a layer at a time where {@link MuscPipeline#scoresLayers}, else pass by pass),
 * but with each unit's features read whole and waited for first, so that aggregation and MSM are timed
 * apart (the pipeline streams one into the other).
 */
final class TimedScoring {

    /** Called after each unit's features are ready, then after its scores are. */
    interface Laps {
        void aggregated();

        void scored();
    }

    /**
     * @param msm [feature set][layer] (N·L) float64, as {@link MuscPipeline#scorePasses} gives them
     * @param productFlops FLOPs of the products computed (each unordered image pair once)
     * @param setsPerProduct feature sets each product served: the degrees where scored by layer, else 1
     */
    record Result(double[][][] msm, double productFlops, int setsPerProduct) {
    }

    private TimedScoring() {
    }

    static Result score(MuscPipeline pipeline, TokenStore store, NDManager root, Laps laps) {
        int n = store.images();
        int gridH = store.gridH();
        int gridW = store.gridW();
        long l = (long) gridH * gridW;
        PatchScorer scorer = pipeline.scorer(gridH, gridW);
        boolean byLayer = pipeline.scoresLayers(n, gridH, gridW, store.channels(), root.getDevice());
        int sets = pipeline.aggregation().featureSets().size();
        double[][][] msm = new double[sets][store.layers()][];
        double flops = 0;
        for (Pass pass : pipeline.passes(store.layers())) {
            if (byLayer && pass.set() > 0) {
                continue;
            }
            try (NDManager scope = root.newSubManager()) {
                if (byLayer) {
                    NeighbourhoodMaps.Block whole = pipeline.aggregation().neighbourhoods(store, pass.layer())
                            .read(0, n, scope);
                    await(whole.inverseNorms());
                    laps.aggregated();
                    NDArray scores = scorer.scoreNeighbourhoods(NeighbourhoodMaps.of(whole, gridH, gridW,
                            pipeline.aggregation().featureSets()), n, scope);
                    for (int set = 0; set < sets; set++) {
                        msm[set][pass.layer()] = scores.get(set).toDoubleArray();
                    }
                } else {
                    NDArray z = pipeline.features(store, pass).read(0, n, scope);
                    await(z);
                    laps.aggregated();
                    msm[pass.set()][pass.layer()] = scorer.score(pass, FeatureChunks.of(z), n, scope).toDoubleArray();
                }
                flops += ScoringBench.msmFlops(n, l, store.channels());
                laps.scored();
            }
        }
        return new Result(msm, flops, byLayer ? sets : 1);
    }

    /** Waits for an asynchronous device by reading one element back. */
    static void await(NDArray a) {
        int dims = a.getShape().dimension();
        NDArray first = dims == 0 ? a : a.get(new NDIndex(String.join(",", Collections.nCopies(dims, "0"))));
        first.toType(DataType.FLOAT32, false).toFloatArray();
    }
}
