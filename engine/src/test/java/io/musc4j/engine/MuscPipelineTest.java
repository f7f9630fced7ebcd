package io.musc4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.musc4j.engine.rscin.RscinWindows;
import java.util.List;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

class MuscPipelineTest {

    private static final MuscConfig CONFIG = MuscConfig.builder().imageSize(32).build();

    @Test
    void threeImagesGiveFiniteScoresAndMaps() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(11);
            List<NDArray> tokens = List.of(m.randomNormal(new Shape(3, 17, 8)), m.randomNormal(new Shape(3, 17, 8)));
            MuscResult r = new MuscPipeline(CONFIG).score(tokens, 4, 4, m.randomNormal(new Shape(3, 5)));
            assertTrue(DoubleStream.of(r.scoresBeforeRscin()).allMatch(Double::isFinite));
            for (float s : r.scores()) {
                assertTrue(Float.isFinite(s));
            }
            double[] pixels = r.pixelMap(2, m);
            assertEquals(32 * 32, pixels.length);
            // the score is the maximum of the pixel map
            assertEquals(r.scoresBeforeRscin()[2], DoubleStream.of(pixels).max().orElseThrow(), 1e-12);
            assertTrue(r.msm(1, 0).isEmpty(), "per-layer scores are kept only on request");
        }
    }

    @Test
    void oneImageIsAnErrorWithAOneLineMessage() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MuscPipeline(CONFIG)
                    .score(List.of(m.zeros(new Shape(1, 17, 8))), 4, 4, null));
            assertEquals("MuSc needs at least 2 images to score each other, got 1", e.getMessage());
        }
    }

    @Test
    void rscinOffNeedsNoFeatures() {
        try (NDManager m = NDManager.newBaseManager()) {
            MuscConfig off = MuscConfig.builder().imageSize(8).degrees(1).rscin(RscinWindows.off()).build();
            MuscResult r = new MuscPipeline(off).score(List.of(m.randomNormal(new Shape(2, 5, 4))), 2, 2, null);
            double[] before = r.scoresBeforeRscin();
            float[] after = r.scores();
            for (int i = 0; i < 2; i++) {
                assertEquals((float) before[i], after[i]);
            }
        }
    }
}
