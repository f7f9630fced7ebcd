package io.musc4j.engine;

import static io.musc4j.engine.ParityRun.flat;
import static io.musc4j.engine.ParityRun.maxAbs;
import static io.musc4j.engine.ParityRun.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.musc4j.engine.lnamd.Aggregation;
import io.musc4j.engine.lnamd.Lnamd;
import io.musc4j.engine.msm.AlignedMsm;
import io.musc4j.engine.msm.MsmInterval;
import io.musc4j.engine.msm.ScoringKernel;
import io.musc4j.engine.rscin.RscinWindows;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The options beyond the reference, run through the scorer on the parity fixtures. */
class OptionsParityTest {

    private static MuscResult score(ParityRun run, ScoringKernel scoring, Aggregation aggregation, long budget) {
        int grid = run.grid();
        MuscConfig config = MuscConfig.builder().degrees(run.degrees())
                .rscin(RscinWindows.off()).imageSize(run.imageSize()).keepLayerScores(true)
                .memoryBudgetBytes(budget).scoring(scoring).aggregation(aggregation).build();
        try (NDManager m = NDManager.newBaseManager()) {
            return new MuscPipeline(config).score(run.tokens(m), grid, grid, null);
        }
    }

    /**
     * A window covering the whole grid compares every patch with every patch: full MSM exactly.
     * (Such a window costs L offsets, so one layer per run keeps this test short.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"brick_dinov2-tiny_r135_k123", "brick_clip-tiny_r135_k123"})
    void alignedWithAWholeGridWindowIsFullMsm(String id) {
        ParityRun run = ParityRun.load(id);
        int grid = run.grid();
        int layer = run.layers().get(run.layers().size() - 1);
        List<Integer> degrees = run.degrees();
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> z = new Lnamd(grid, grid).aggregate(run.floats(m, "tokens_layer" + layer + ".npy"), degrees);
            AlignedMsm aligned = new AlignedMsm(grid, grid, grid - 1, MsmInterval.DEFAULT, 1L << 30);
            for (int ri = 0; ri < degrees.size(); ri++) {
                report(id, "aligned msm r" + degrees.get(ri) + " layer" + layer,
                        maxAbs(run.array("msm_r" + degrees.get(ri) + "_layer" + layer + ".npy").toDoubles(),
                                aligned.score(z.get(ri)).toDoubleArray()));
            }
        }
    }

    /** A narrow window can only find farther (or equal) nearest patches: scores never drop. */
    @ParameterizedTest
    @ValueSource(strings = {"brick_dinov2-tiny_r135_k123"})
    void narrowerWindowsNeverScoreLower(String id) {
        ParityRun run = ParityRun.load(id);
        double[] full = run.array("msm_r1_layer" + run.layers().get(0) + ".npy").toDoubles();
        double[] w1 = flat(score(run, ScoringKernel.aligned(1), Aggregation.LNAMD, 1L << 30).msm(1, 0).orElseThrow());
        double[] w0 = flat(score(run, ScoringKernel.aligned(0), Aggregation.LNAMD, 1L << 30).msm(1, 0).orElseThrow());
        boolean differs = false;
        for (int k = 0; k < full.length; k++) {
            assertTrue(w1[k] >= full[k] - 1e-5 && w0[k] >= w1[k] - 1e-5, "patch " + k);
            differs |= w0[k] > full[k] + 1e-3;
        }
        assertTrue(differs, "a 1x1 window must change some score on real images");
    }

    /** SNAMD scores one feature set per layer, recorded under the largest degree. */
    @ParameterizedTest
    @ValueSource(strings = {"brick_clip-tiny_r135_k123"})
    void snamdScoresOncePerLayer(String id) {
        ParityRun run = ParityRun.load(id);
        MuscResult result = score(run, ScoringKernel.FULL, Aggregation.SNAMD, 1L << 30);
        assertEquals(List.of(5), result.degrees());
        double[][] patchMap = result.patchMap();
        double[][] mean = result.layerMean(5);
        for (int i = 0; i < patchMap.length; i++) {
            for (int p = 0; p < patchMap[i].length; p++) {
                assertEquals(mean[i][p], patchMap[i][p], 0.0);
                assertTrue(Double.isFinite(patchMap[i][p]) && patchMap[i][p] > 0);
            }
        }
    }
}
