package io.musc4j.engine;

import static io.musc4j.engine.ParityRun.flat;
import static io.musc4j.engine.ParityRun.maxAbs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.musc4j.engine.lnamd.Aggregation;
import io.musc4j.engine.lnamd.Lnamd;
import io.musc4j.engine.lnamd.Snamd;
import io.musc4j.engine.lnamd.LayerFeatures;
import io.musc4j.engine.msm.AlignedMsm;
import io.musc4j.engine.msm.FeatureChunks;
import io.musc4j.engine.msm.FullMsm;
import io.musc4j.engine.msm.MsmInterval;
import io.musc4j.models.Precision;
import io.musc4j.engine.msm.Pass;
import io.musc4j.engine.msm.ScoringKernel;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.engine.store.ResidentTokens;
import io.musc4j.engine.store.TokenStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every option streams: SNAMD and aligned MSM read their features a block of images at a time, as
 * LNAMD into full MSM does, and give exactly the numbers of aggregating a whole layer at once (how
 * they were computed before the pipeline streamed them). And the pipeline's stages run one at a time
 * (query blocks, then averaging, maps and RsCIN) give the numbers of one whole run.
 */
class StreamedStagesTest {

    private static final String RUN = "brick_dinov2-tiny_r135_k123";

    /** Two of the run's layers keep these tests short. */
    private static List<NDArray> twoLayers(ParityRun run, NDManager m) {
        return run.tokens(m).subList(0, 2);
    }

    @Test
    void snamdReadOneImageAtATimeEqualsTheWholeLayer() {
        ParityRun run = ParityRun.load(RUN);
        int grid = run.grid();
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> tokens = run.tokens(m);
            TokenStore store = new ResidentTokens(tokens, grid, grid);
            int n = store.images();
            float[] whole = new Snamd(grid, grid).aggregate(tokens.get(1), run.degrees()).toFloatArray();
            FeatureChunks streamed = LayerFeatures.snamd(store, 1, run.degrees());
            List<Float> read = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                for (float v : streamed.read(i, i + 1, m).toFloatArray()) {
                    read.add(v);
                }
            }
            assertEquals(whole.length, read.size());
            for (int k = 0; k < whole.length; k++) {
                assertEquals(whole[k], read.get(k), 0f, "value " + k);
            }
        }
    }

    /** The whole-layer way: every layer aggregated at once, each feature set scored whole, averaged. */
    private static double[] wholeLayerPatchMap(ParityRun run, Aggregation aggregation, ScoringKernel kernel,
            NDManager m) {
        int grid = run.grid();
        List<NDArray> tokens = twoLayers(run, m);
        List<Integer> degrees = run.degrees();
        int sets = aggregation == Aggregation.LNAMD ? degrees.size() : 1;
        double[][][] msm = new double[sets][tokens.size()][];
        for (int l = 0; l < tokens.size(); l++) {
            List<NDArray> z = aggregation == Aggregation.LNAMD ? new Lnamd(grid, grid).aggregate(tokens.get(l), degrees)
                    : List.of(new Snamd(grid, grid).aggregate(tokens.get(l), degrees));
            for (int s = 0; s < sets; s++) {
                NDArray scores = kernel.isAligned()
                        ? new AlignedMsm(grid, grid, kernel.window(), MsmInterval.DEFAULT, 1L << 30).score(z.get(s))
                        : new FullMsm(MsmInterval.DEFAULT, 1L << 30, Precision.FP32).score(z.get(s));
                msm[s][l] = scores.toDoubleArray();
            }
        }
        return MuscPipeline.patchMap(MuscPipeline.layerMeans(msm));
    }

    private static double[] pipelinePatchMap(ParityRun run, Aggregation aggregation, ScoringKernel kernel, NDManager m) {
        int grid = run.grid();
        MuscConfig config = MuscConfig.builder().degrees(run.degrees()).rscin(RscinWindows.off())
                .imageSize(run.imageSize()).aggregation(aggregation).scoring(kernel).build();
        return flat(new MuscPipeline(config).score(twoLayers(run, m), grid, grid, null).patchMap());
    }

    @Test
    void streamedSnamdScoresLikeTheWholeLayer() {
        ParityRun run = ParityRun.load(RUN);
        try (NDManager m = NDManager.newBaseManager()) {
            double err = maxAbs(wholeLayerPatchMap(run, Aggregation.SNAMD, ScoringKernel.FULL, m),
                    pipelinePatchMap(run, Aggregation.SNAMD, ScoringKernel.FULL, m));
            assertEquals(0.0, err, "SNAMD patch map, streamed vs whole layer");
        }
    }

    @Test
    void streamedAlignedMsmScoresLikeTheWholeLayer() {
        ParityRun run = ParityRun.load(RUN);
        try (NDManager m = NDManager.newBaseManager()) {
            double err = maxAbs(wholeLayerPatchMap(run, Aggregation.LNAMD, ScoringKernel.aligned(1), m),
                    pipelinePatchMap(run, Aggregation.LNAMD, ScoringKernel.aligned(1), m));
            assertEquals(0.0, err, "aligned patch map, streamed vs whole layer");
        }
    }

    @Test
    void alignedMsmReadOneImageAtATimeEqualsTheWholeArray() {
        ParityRun run = ParityRun.load(RUN);
        int grid = run.grid();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = new Lnamd(grid, grid).aggregate(run.tokens(m).get(0), List.of(3)).get(0);
            AlignedMsm aligned = new AlignedMsm(grid, grid, 2, MsmInterval.DEFAULT, 1L << 30);
            assertArrayEquals(aligned.score(z).toDoubleArray(),
                    aligned.score(FeatureChunks.of(z), 1, m).toDoubleArray(), 0.0);
        }
    }

    /**
     * A listener that times the stages apart ({@code bench speed}) makes the pipeline aggregate each unit
     * whole before scoring it, a chunk of images at a time: the numbers are exactly those of the streamed
     * run, and aggregation and scoring are reported once per unit. Two layers make two units either way:
     * LNAMD scores a layer's three degrees from one product, SNAMD has one feature set (degree 5) per
     * layer, scored pass by pass.
     */
    @ParameterizedTest
    @EnumSource(Aggregation.class)
    void stagesTimedApartGiveTheStreamedNumbers(Aggregation aggregation) {
        ParityRun run = ParityRun.load(RUN);
        int grid = run.grid();
        MuscConfig config = MuscConfig.builder().degrees(1, 3, 5).rscin(RscinWindows.of(1, 2, 3))
                .imageSize(run.imageSize()).aggregation(aggregation).build();
        List<StageListener.Stage> told = new ArrayList<>();
        StageListener apart = new StageListener() {
            @Override
            public void finished(Stage stage) {
                told.add(stage);
            }

            @Override
            public boolean separatesStages() {
                return true;
            }
        };
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> tokens = twoLayers(run, m);
            float[][] features = PatchTokens.rows(run.floats(m, "image_features.npy"));
            TokenStore store = new ResidentTokens(tokens, grid, grid);
            MuscResult streamed = new MuscPipeline(config).score(store, features, m);
            MuscResult timed = new MuscPipeline(config, ProgressListener.none(), apart).score(store, features, m);
            assertArrayEquals(flat(streamed.patchMap()), flat(timed.patchMap()));
            assertArrayEquals(streamed.scores(), timed.scores());
            assertEquals(2, told.stream().filter(st -> st == StageListener.Stage.AGGREGATION).count(), told.toString());
            assertEquals(2, told.stream().filter(st -> st == StageListener.Stage.SCORING).count(), told.toString());
        }
    }

    /**
     * What a distributed run does: every pass scored in query blocks on its own, then averaging, maps,
     * image scores and RsCIN from the gathered blocks; equal to one whole run up to the float32 rounding
     * of a distance read from the other image's side (the whole run keeps the symmetric store).
     */
    @Test
    void stagesRunOneAtATimeGiveTheWholeRun() {
        ParityRun run = ParityRun.load(RUN);
        int grid = run.grid();
        MuscConfig config = MuscConfig.builder().degrees(1, 3).rscin(RscinWindows.of(1, 2, 3))
                .imageSize(run.imageSize()).build();
        MuscPipeline pipeline = new MuscPipeline(config);
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> tokens = twoLayers(run, m);
            float[][] features = PatchTokens.rows(run.floats(m, "image_features.npy"));
            TokenStore store = new ResidentTokens(tokens, grid, grid);
            int n = store.images();
            MuscResult whole = pipeline.score(store, features, m);

            int blocks = 2;
            double[][][] msm = new double[2][tokens.size()][];
            for (Pass pass : pipeline.passes(tokens.size())) {
                double[] rows = new double[n * grid * grid];
                for (int b = 0; b < blocks; b++) {
                    int from = n * b / blocks;
                    int to = n * (b + 1) / blocks;
                    double[] block = pipeline.scoreBlock(store, pass, from, to, m).toDoubleArray();
                    System.arraycopy(block, 0, rows, from * grid * grid, block.length);
                }
                msm[pass.set()][pass.layer()] = rows;
            }
            MuscResult gathered = pipeline.combine(msm, n, grid, grid, m);
            float[] rescored = pipeline.rescore(gathered.scoresBeforeRscin(), features);

            double patch = maxAbs(flat(whole.patchMap()), flat(gathered.patchMap()));
            double before = maxAbs(whole.scoresBeforeRscin(), gathered.scoresBeforeRscin());
            double after = maxAbs(ParityRun.toDoubles(whole.scores()), ParityRun.toDoubles(rescored));
            System.out.printf("stages one at a time vs whole run: patch map %.2e, scores %.2e, RsCIN %.2e%n",
                    patch, before, after);
            assertTrue(patch < 1e-6 && before < 1e-6 && after < 1e-6, patch + " " + before + " " + after);
        }
    }
}
