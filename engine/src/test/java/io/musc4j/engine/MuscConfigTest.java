package io.musc4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.musc4j.engine.lnamd.Aggregation;
import io.musc4j.models.Precision;
import io.musc4j.engine.msm.ScoringKernel;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.models.BackboneOptions.DeviceChoice;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one configuration: checked when set, described canonically, the device index kept. */
class MuscConfigTest {

    private static String error(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void badValuesFailWhenSetWithTheirName() {
        assertEquals("aggregation degrees must be odd and >= 1, got 2", error(() -> MuscConfig.builder().degrees(2)));
        assertEquals("aggregation degrees must be odd and >= 1, got -1",
                error(() -> MuscConfig.builder().degrees(1, -1)));
        assertEquals("at least one aggregation degree is needed", error(() -> MuscConfig.builder().degrees()));
        assertEquals("batch size must be positive, got 0", error(() -> MuscConfig.builder().batchSize(0)));
        assertEquals("layer 3 is listed twice", error(() -> MuscConfig.builder().layers(1, 3, 3)));
        assertEquals("layers are 0-based block indices, got -1", error(() -> MuscConfig.builder().layers(-1)));
        assertTrue(error(() -> MuscConfig.builder().layers()).startsWith("at least one layer is needed"));
        assertEquals("memory budget must be positive, got 0", error(() -> MuscConfig.builder().memoryBudgetBytes(0)));
        assertEquals("token budget must be >= 0, got -1", error(() -> MuscConfig.builder().tokenBudgetBytes(-1)));
        assertEquals("image size must be positive, got -224", error(() -> MuscConfig.builder().imageSize(-224)));
        assertEquals("MSM interval bounds must be finite and >= 0, got [-0.1, 0.3]",
                error(() -> MuscConfig.builder().interval(-0.1, 0.3)));
        assertEquals("fp16 precision needs a CUDA device; the device is cpu",
                error(() -> MuscConfig.builder().precision(Precision.FP16).device(Device.cpu()).build()));
    }

    @Test
    void theDeviceIndexIsKept() {
        MuscConfig gpu1 = MuscConfig.builder().device(Device.gpu(1)).build();
        assertEquals(DeviceChoice.gpu(1), gpu1.device());
        assertEquals(Device.gpu(1), gpu1.device().resolve(2));
        assertEquals("GPU 1 was requested but DJL sees 1 GPU(s), numbered 0..0",
                error(() -> gpu1.device().resolve(1)));
        assertTrue(error(() -> gpu1.device().resolve(0)).startsWith("a GPU was requested but none is usable"));
        assertEquals(Device.gpu(0), MuscConfig.builder().device(Device.gpu()).build().device().resolve(1));
        assertEquals(Device.gpu(0), MuscConfig.builder().build().device().resolve(3), "AUTO takes GPU 0");
        assertEquals(Device.cpu(), MuscConfig.builder().build().device().resolve(0), "AUTO without a GPU");
        assertEquals(Device.cpu(), MuscConfig.builder().device(Device.cpu()).build().device().resolve(2));
    }

    @Test
    void theDescriptionIsCanonical() {
        MuscConfig defaults = MuscConfig.builder().model("facebook/dinov2-base").build();
        assertEquals("{\"model\":\"facebook/dinov2-base\",\"image_size\":0,\"layers\":[],\"degrees\":[1,3,5],"
                + "\"interval\":[0.0,0.3],\"scoring\":\"full\",\"aggregation\":\"lnamd\",\"rscin\":\"[1,2,3]\","
                + "\"divide\":1,\"divide_mode\":\"sequential\",\"divide_seed\":0,\"batch\":8,\"device\":\"auto\","
                + "\"precision\":\"fp32\",\"memory_budget_bytes\":1073741824}", defaults.describe());

        MuscConfig custom = MuscConfig.builder().model("C:\\models\\my \"vit\"").imageSize(518).layers(5, 11)
                .degrees(List.of(1, 3)).interval(0.1, 0.5).scoring(ScoringKernel.aligned(2))
                .aggregation(Aggregation.SNAMD).rscin(RscinWindows.off())
                .division(new Division(3, Division.Mode.RANDOM, 42)).batchSize(8).device(Device.gpu(1))
                .precision(Precision.FP16).memoryBudgetBytes(1 << 20).build();
        assertEquals("{\"model\":\"C:\\\\models\\\\my \\\"vit\\\"\",\"image_size\":518,\"layers\":[5,11],"
                + "\"degrees\":[1,3],\"interval\":[0.1,0.5],\"scoring\":\"aligned:2\",\"aggregation\":\"snamd\","
                + "\"rscin\":\"off\",\"divide\":3,\"divide_mode\":\"random\",\"divide_seed\":42,\"batch\":8,"
                + "\"device\":\"gpu:1\",\"precision\":\"fp16\",\"memory_budget_bytes\":1048576}", custom.describe());

        // the same options give the same text, however they were set
        assertEquals(custom.describe(), custom.toBuilder().build().describe());
        assertEquals(custom, custom.toBuilder().build());
        assertEquals(defaults, MuscConfig.builder().degrees(1, 3, 5).model("facebook/dinov2-base").build());
        // where spilled tokens wait does not change a number, so it is not part of the description
        MuscConfig spilled = defaults.toBuilder().spillDirectory(Path.of("/scratch")).tokenBudgetBytes(0).build();
        assertEquals(defaults.describe(), spilled.describe());
        assertNotEquals(defaults, spilled);
        // every option that decides the numbers is
        for (MuscConfig other : List.of(defaults.toBuilder().degrees(1, 3).build(),
                defaults.toBuilder().layers(1).build(), defaults.toBuilder().imageSize(224).build(),
                defaults.toBuilder().rscin(RscinWindows.Family.VISA.windows()).build(),
                defaults.toBuilder().batchSize(2).build(), defaults.toBuilder().device(Device.gpu(1)).build(),
                defaults.toBuilder().memoryBudgetBytes(1).build())) {
            assertNotEquals(defaults.describe(), other.describe());
        }
    }

    @Test
    void theMuScBuilderHoldsNoSecondCopyOfTheOptions() throws Exception {
        // the options are the configuration's alone: an even degree fails at once, not in LNAMD
        assertEquals("aggregation degrees must be odd and >= 1, got 4",
                error(() -> MuscConfig.builder().degrees(1, 4)));
        for (java.lang.reflect.Method m : MuSc.Builder.class.getDeclaredMethods()) {
            assertTrue(java.util.Set.of("config", "backbone", "progress", "stages", "imageDecoder",
                    "downloadProgress", "build").contains(m.getName()) || m.isSynthetic(),
                    "MuSc.Builder." + m.getName() + " twins an option of MuscConfig.Builder");
        }
        MuscConfig config = MuscConfig.builder().degrees(3).rscin(RscinWindows.of(1, 2)).build();
        assertEquals("set exactly one of model(...) and backbone(...)",
                assertThrows(IllegalArgumentException.class, () -> MuSc.builder().config(config).build()).getMessage());
    }
}
