package io.musc4j.engine.msm;

import io.musc4j.models.Precision;
import static io.musc4j.engine.ParityRun.maxAbs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.musc4j.engine.lnamd.Lnamd;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tiles a GPU gets (sized to the byte budget, not to a CPU's caches: many query images against
 * many reference images in one product), run here on the CPU through {@link FullMsm}'s test-only
 * planning device, give MSM's numbers: the direct float64 definition, and the CPU's tiles' scores.
 */
class GpuTilesTest {

    private static final int N = 20;
    private static final int L = 256;
    private static final int C = 16;
    private static final long BUDGET = 64L << 20;

    @Test
    void theGpuPlanIsManyImagesAgainstManyWithRemainders() {
        ScoringPlan plan = new FullMsm(MsmInterval.DEFAULT, BUDGET, Precision.FP32).plan(N, L, C, Device.gpu());
        // the kernel's quarter of 64 MiB: a pair's product is 256·256·4 = 256 KiB and one query image's left
        // operand 3·256·18·4 = 54 KiB; ⌊√(16 MiB − 54 KiB) / 256 KiB)⌋ = 7 query images, then
        // ⌊(16 MiB − 7·54 KiB) / (7·256 KiB)⌋ = 8 reference images per product
        assertEquals(new NearestPatchMinima.TilePlan(7, 8, L, plan.tile().bytes()), plan.tile());
        assertTrue(plan.symmetric());
    }

    @Test
    void gpuTilesOnTheCpuGiveTheDefinitionAndTheCpuTilesScores() {
        float[] f = MsmDefinition.unitFeatures(N, L, C, 21);
        double[] expected = MsmDefinition.msm(f, N, L, C, MsmInterval.DEFAULT);
        FullMsm gpu = new FullMsm(MsmInterval.DEFAULT, BUDGET, Precision.FP32, Device.gpu());
        FullMsm cpu = new FullMsm(MsmInterval.DEFAULT, BUDGET, Precision.FP32);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray z = m.create(f, new Shape(N, L, C));
            double[] mutual = gpu.score(FeatureChunks.of(z), 5, m).toDoubleArray();
            assertTrue(maxAbs(expected, mutual) < 1e-6, "symmetric store: " + maxAbs(expected, mutual));
            assertTrue(maxAbs(cpu.score(FeatureChunks.of(z), 5, m).toDoubleArray(), mutual) < 1e-6);
            // query images [3, 17) from their own side: two blocks of 7 query images per product
            double[] block = gpu.scoreBlock(new Pass(0, 0), FeatureChunks.of(z), 5, 3, 17, m).toDoubleArray();
            double[] rows = Arrays.copyOfRange(expected, 3 * L, 17 * L);
            assertTrue(maxAbs(rows, block) < 1e-6, "query blocks: " + maxAbs(rows, block));
        }
    }

    @Test
    void gpuTilesScoreEveryDegreeOfALayerAsTheCpuTilesDo() {
        // a 16x16 grid of LNAMD maps: with 1 GiB the GPU plan puts 15 whole query images in one product (a
        // sixteenth of the budget less a query image's operand: ⌊√((64 MiB − 54 KiB) / 256 KiB)⌋), the CPU's
        // product stays near its caches; every degree's box sums and minima come out the same (up to the
        // products' rounding)
        List<Integer> degrees = List.of(1, 3, 5);
        long budget = 1L << 30;
        FullMsm gpu = new FullMsm(MsmInterval.DEFAULT, budget, Precision.FP32, Device.gpu());
        FullMsm cpu = new FullMsm(MsmInterval.DEFAULT, budget, Precision.FP32);
        NearestPatchMinima.TilePlan gpuTile = gpu.planNeighbourhoods(N, L, C, degrees.size(), Device.gpu()).tile();
        assertEquals(15, gpuTile.queryImages());
        assertTrue(gpuTile.queryImages() > cpu.planNeighbourhoods(N, L, C, degrees.size(), Device.cpu()).tile()
                .queryImages(), "the CPU's tile is smaller");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            m.getEngine().setRandomSeed(22);
            NDArray tokens = m.randomNormal(new Shape(N, 1 + L, C));
            NeighbourhoodMaps maps = NeighbourhoodMaps.of(new Lnamd(16, 16).neighbourhoods(tokens, degrees), 16, 16,
                    degrees);
            assertTrue(gpu.scoresNeighbourhoods(N, L, C, degrees.size(), Device.cpu()));
            double[] onGpuTiles = gpu.scoreNeighbourhoods(maps, 5, m).toDoubleArray();
            double[] onCpuTiles = cpu.scoreNeighbourhoods(maps, 5, m).toDoubleArray();
            assertTrue(maxAbs(onCpuTiles, onGpuTiles) < 1e-6, "by layer: " + maxAbs(onCpuTiles, onGpuTiles));
        }
    }
}
