package io.musc4j.engine;

import static io.musc4j.engine.ParityRun.flat;
import static io.musc4j.engine.ParityRun.maxAbs;
import static io.musc4j.engine.ParityRun.report;
import static io.musc4j.engine.ParityRun.toDoubles;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.musc4j.engine.lnamd.Lnamd;
import io.musc4j.engine.rscin.RscinWindows;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stage-by-stage parity with the reference runs, starting from the saved tokens (DINO v1: the backbone's
 * tokens, as the run stores only two images' worth) and image features.
 */
class MuscParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"brick_dinov2-tiny_r135_k123", "brick_clip-tiny_r135_k123", "brick_dino-tiny_r135_k123"})
    void lnamdMatchesReference(String id) {
        ParityRun run = ParityRun.load(id);
        int grid = run.grid();
        List<Integer> degrees = run.degrees();
        List<Integer> layers = run.layers();
        int[] subset = run.subset("lnamd");
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> tokens = run.tokens(m);
            for (int li = 0; li < layers.size(); li++) {
                List<NDArray> z = new Lnamd(grid, grid).aggregate(tokens.get(li), degrees);
                for (int ri = 0; ri < degrees.size(); ri++) {
                    float[] expected = run.array("lnamd_r" + degrees.get(ri) + "_layer" + layers.get(li) + ".npy").toFloats();
                    int per = expected.length / subset.length;
                    float[] actual = z.get(ri).toFloatArray();
                    double err = 0;
                    for (int s = 0; s < subset.length; s++) {
                        for (int k = 0; k < per; k++) {
                            err = Math.max(err, Math.abs(expected[s * per + k] - actual[subset[s] * per + k]));
                        }
                    }
                    report(id, "lnamd r" + degrees.get(ri) + " layer" + layers.get(li), err);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"brick_dinov2-tiny_r135_k123", "brick_clip-tiny_r135_k123", "brick_dino-tiny_r135_k123"})
    void everyStageFromTokensMatchesReference(String id) {
        ParityRun run = ParityRun.load(id);
        int grid = run.grid();
        List<Integer> degrees = run.degrees();
        List<Integer> layers = run.layers();
        MuscConfig config = MuscConfig.builder().degrees(degrees)
                .rscin(RscinWindows.of(run.ints("k_list").stream().mapToInt(Integer::intValue).toArray()))
                .imageSize(run.imageSize()).keepLayerScores(true).build();
        try (NDManager m = NDManager.newBaseManager()) {
            MuscResult result = new MuscPipeline(config).score(run.tokens(m), grid, grid,
                    run.floats(m, "image_features.npy"));
            for (int r : degrees) {
                for (int li = 0; li < layers.size(); li++) {
                    report(id, "msm r" + r + " layer" + layers.get(li),
                            maxAbs(run.array("msm_r" + r + "_layer" + layers.get(li) + ".npy").toDoubles(),
                                    flat(result.msm(r, li).orElseThrow())));
                }
                report(id, "layer mean r" + r,
                        maxAbs(run.array("msm_r" + r + "_layermean.npy").toDoubles(), flat(result.layerMean(r))));
            }
            report(id, "patch map", maxAbs(run.array("patch_map.npy").toDoubles(), flat(result.patchMap())));
            int[] subset = run.subset("pixel_maps");
            double[] pixels = run.array("pixel_maps.npy").toDoubles();
            int per = pixels.length / subset.length;
            assertEquals(run.imageSize() * run.imageSize(), per);
            for (int s = 0; s < subset.length; s++) {
                report(id, "pixel map " + subset[s], maxAbs(Arrays.copyOfRange(pixels, s * per, (s + 1) * per),
                        result.pixelMap(subset[s], m)));
            }
            report(id, "score before RsCIN", maxAbs(run.array("score_pre_rscin.npy").toDoubles(), result.scoresBeforeRscin()));
            float[] after = result.scores();
            report(id, "score after RsCIN", maxAbs(run.array("score_rscin.npy").toDoubles(),
                    toDoubles(after)));
        }
    }
}
