package io.musc4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.musc4j.engine.MuscConfig;
import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** Split mode's memory formula and its early failure, from a Spark configuration (no cluster needed). */
class ExecutorMemoryTest {

    /** N = 2000 images of L = 256 patches, C = 768: one pass's reference features in fp32. */
    private static final StageRunner.Passes PASSES = new StageRunner.Passes(2000, 16, 16, 768, 1, List.of(1), false);
    private static final MuscConfig CONFIG = MuscConfig.builder().build();

    @Test
    void theReferenceIsNTimesLTimesCPlusTwoElements() {
        assertEquals(2000L * 256 * 770 * 4, StageRunner.referenceBytes(PASSES, CONFIG.precision()));
    }

    @Test
    void aBlockNeedsItsMinimaAndAverageFor28BytesPerDistance() {
        long one = StageRunner.blockBytes(PASSES, 1, CONFIG, Device.cpu());
        long ten = StageRunner.blockBytes(PASSES, 10, CONFIG, Device.cpu());
        // per query image: its features and product form, and N·L distances at 28 bytes
        assertEquals(9 * (256L * (768 * 4 + 770 * 4) + 2000L * 256 * 28), ten - one);
    }

    @Test
    void byLayerTheReferenceIsTheMapsAndTheirNormsAndABlockKeepsEveryDegree() {
        StageRunner.Passes layered = new StageRunner.Passes(2000, 16, 16, 768, 4, List.of(1, 3, 5), true);
        assertEquals(4, layered.units());
        assertEquals(3, layered.setsPerUnit());
        assertEquals(2000L * 256 * (768 + 2 * 3) * 4, StageRunner.referenceBytes(layered, CONFIG.precision()));
        long one = StageRunner.blockBytes(layered, 1, CONFIG, Device.cpu());
        long ten = StageRunner.blockBytes(layered, 10, CONFIG, Device.cpu());
        // per query image: N·L distances for each of 3 degrees, and one degree's average copies (24 B)
        assertEquals(9 * 2000L * 256 * (3 * 4 + 24), ten - one);
    }

    @Test
    void theOverheadOfAClusterExecutorIsWhatStageTwoMayUse() {
        SparkConf conf = new SparkConf().set("spark.master", "yarn").set("spark.executor.cores", "2")
                .set("spark.executor.memoryOverhead", "8g");
        ExecutorMemory m = ExecutorMemory.of(conf);
        assertEquals(8L << 30, m.bytes());
        assertEquals(2, m.cores());
        // two blocks per core of 16 cores: 63 images, which fit 8 GiB beside the 1.5 GiB reference
        assertEquals(63, m.block(PASSES, CONFIG, Device.cpu(), 0, 16));
    }

    @Test
    void anExecutorTooSmallFailsBeforeAnyTaskRuns() {
        SparkConf conf = new SparkConf().set("spark.master", "yarn").set("spark.executor.memory", "2g");
        ExecutorMemory m = ExecutorMemory.of(conf);
        assertEquals(384L << 20, m.bytes(), "Spark's default overhead: max(384 MiB, 10 % of the heap)");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.block(PASSES, CONFIG, Device.cpu(), 0, 4));
        assertTrue(e.getMessage().contains("executors are too small for MSM of N=2000"), e.getMessage());
        assertTrue(e.getMessage().contains("spark.executor.memoryOverhead"), e.getMessage());
    }

    @Test
    void anExplicitSettingAndLocalSlotsAreRead() {
        SparkConf conf = new SparkConf().set("spark.master", "local[3]").set(ExecutorMemory.SETTING, "2g");
        ExecutorMemory m = ExecutorMemory.of(conf);
        assertEquals(2L << 30, m.bytes());
        assertEquals(3, m.cores());
        assertThrows(IllegalArgumentException.class, () -> m.block(PASSES, CONFIG, Device.cpu(), 400, 3));
    }
}
