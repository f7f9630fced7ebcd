package io.musc4j.engine.rscin;

import static io.musc4j.engine.ParityRun.maxAbs;
import static io.musc4j.engine.ParityRun.report;
import static io.musc4j.engine.ParityRun.toDoubles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.musc4j.engine.ParityRun;
import io.musc4j.engine.maps.AlignCornersUpsampler;
import io.musc4j.common.io.Npy;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RsCIN and the maps from the stored patch maps of all four runs (brick256 stores no tokens). */
class RscinParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"brick_dinov2-tiny_r135_k123", "brick_clip-tiny_r135_k123",
        "brick256_dinov2-tiny_r135_k123", "brick256_clip-tiny_r135_k123", "brick_dino-tiny_r135_k123"})
    void scoresFromStoredPatchMapMatchReference(String id) {
        ParityRun run = ParityRun.load(id);
        Npy.Array patchMap = run.array("patch_map.npy");
        int n = (int) patchMap.shape()[0];
        int grid = (int) Math.round(Math.sqrt(patchMap.shape()[1]));
        int size = run.imageSize();
        double[] before = new double[n];
        try (NDManager m = NDManager.newBaseManager()) {
            double[] pixels = new AlignCornersUpsampler(grid, grid, size)
                    .upsample(m.create(patchMap.toDoubles(), new Shape(patchMap.shape())))
                    .toDoubleArray();
            int per = size * size;
            for (int i = 0; i < n; i++) {
                before[i] = Arrays.stream(pixels, i * per, (i + 1) * per).max().orElseThrow();
            }
            int[] subset = run.subset("pixel_maps");
            double[] stored = run.array("pixel_maps.npy").toDoubles();
            for (int s = 0; s < subset.length; s++) {
                report(id, "pixel map " + subset[s], maxAbs(Arrays.copyOfRange(stored, s * per, (s + 1) * per),
                        Arrays.copyOfRange(pixels, subset[s] * per, (subset[s] + 1) * per)));
            }
        }
        report(id, "score before RsCIN", maxAbs(run.array("score_pre_rscin.npy").toDoubles(), before));
        float[][] features = rows(run.array("image_features.npy"));
        int[] k = run.ints("k_list").stream().mapToInt(Integer::intValue).toArray();
        report(id, "RsCIN (own pre-scores)", maxAbs(run.array("score_rscin.npy").toDoubles(),
                toDoubles(Rscin.rescore(before, features, RscinWindows.of(k)))));
        report(id, "RsCIN (ref pre-scores)", maxAbs(run.array("score_rscin.npy").toDoubles(),
                toDoubles(Rscin.rescore(run.array("score_pre_rscin.npy").toDoubles(), features, RscinWindows.of(k)))));
    }

    @Test
    void offReturnsScoresAndZeroWindowMeansOff() {
        double[] s = {0.5, 0.25, 2.0};
        assertArrayEquals(new float[] {0.5f, 0.25f, 2.0f}, Rscin.rescore(s, null, RscinWindows.off()));
        assertEquals(RscinWindows.off(), RscinWindows.of(1, 0, 3));
        assertEquals(RscinWindows.of(1, 8, 9), RscinWindows.Family.VISA.windows());
        assertEquals(RscinWindows.of(1, 2, 3), RscinWindows.Family.MVTEC_AD.windows());
    }

    @Test
    void windowOfOneWithCosineSimilarityGivesNormalisedScores() {
        // orthonormal features: every row's largest entry is itself, so S_1 = s'
        float[][] f = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        assertArrayEquals(new float[] {0.5f, 0f, 1f}, Rscin.rescore(new double[] {2, 1, 3}, f, RscinWindows.of(1)));
    }

    @Test
    void tiesKeepTheLowerIndex() {
        // identical features: every row of W ties everywhere; k = 1 keeps column 0, so S_1 = s'[0]
        float[][] same = {{1, 0}, {1, 0}, {1, 0}};
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, Rscin.rescore(new double[] {0.5, 0, 1}, same, RscinWindows.of(1)));
        assertThrows(IllegalArgumentException.class, () -> Rscin.rescore(new double[] {1, 2}, same, RscinWindows.of(1)));
        assertThrows(IllegalArgumentException.class, () -> Rscin.rescore(new double[] {1, 2, 3}, same, RscinWindows.of(4)));
    }

    private static float[][] rows(Npy.Array a) {
        int n = (int) a.shape()[0];
        int d = (int) a.shape()[1];
        float[] flat = a.toFloats();
        float[][] out = new float[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, out[i], 0, d);
        }
        return out;
    }
}
