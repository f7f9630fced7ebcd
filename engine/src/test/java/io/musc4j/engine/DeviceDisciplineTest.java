package io.musc4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.musc4j.common.image.ImageDecoder;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.inspect.Inspector;
import io.musc4j.engine.lnamd.Aggregation;
import io.musc4j.engine.msm.ScoringKernel;
import io.musc4j.models.Backbone;
import io.musc4j.models.BackboneOptions;
import io.musc4j.models.Backbones;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every array of a run is made on the backbone's device. On a GPU machine an array made on DJL's
 * default device (a manager opened without a device) lands on GPU 0 whatever the run's device is,
 * and meets the run's arrays in "Expected all tensors to be on the same device". This test finds
 * such arrays on a CPU: it points DJL's default device at a GPU that a CPU build of libtorch cannot
 * use, so the first array made there fails, while the run itself uses the CPU explicitly.
 */
class DeviceDisciplineTest {

    private static final Path PARITY = Path.of(System.getProperty("musc4j.testdata"), "parity");
    private static final Device UNUSABLE = Device.gpu(7);

    private static Field engineDefault;
    private static Field managerDevice;
    private static NDManager system;
    private static Object savedEngineDefault;
    private static Object savedSystemDevice;

    /**
     * Test-only hook into DJL's internals: a manager opened without a device takes the device of DJL's
     * system manager (fixed when that was first made, usually to the engine's default), and one made
     * with a null device takes the engine's default device; both are pointed at the unusable GPU.
     */
    @BeforeAll
    static void poisonTheDefaultDevice() throws ReflectiveOperationException {
        Engine engine = Engine.getInstance();
        engine.defaultDevice(); // resolved first, so the field holds the real default to restore
        engineDefault = Engine.class.getDeclaredField("defaultDevice");
        engineDefault.setAccessible(true);
        savedEngineDefault = engineDefault.get(engine);
        try (NDManager base = NDManager.newBaseManager()) {
            system = base.getParentManager();
        }
        managerDevice = BaseNDManager.class.getDeclaredField("device");
        managerDevice.setAccessible(true);
        savedSystemDevice = managerDevice.get(system);
        engineDefault.set(engine, UNUSABLE);
        managerDevice.set(system, UNUSABLE);
    }

    @AfterAll
    static void restore() throws ReflectiveOperationException {
        engineDefault.set(Engine.getInstance(), savedEngineDefault);
        managerDevice.set(system, savedSystemDevice);
    }

    @Test
    void theHookFailsAnArrayMadeOnTheDefaultDevice() {
        assertEquals(UNUSABLE, Engine.getInstance().defaultDevice());
        assertThrows(EngineException.class, () -> {
            try (NDManager m = NDManager.newBaseManager()) {
                m.zeros(new Shape(1)).toFloatArray();
            }
        });
        assertThrows(EngineException.class, () -> {
            try (NDManager cpu = NDManager.newBaseManager(Device.cpu()); NDManager m = cpu.newSubManager(null)) {
                m.create(new float[] {1f}).toFloatArray();
            }
        });
    }

    @Test
    void aWholeRunAndItsMapsAndAnInspectorUseOnlyTheBackbonesDevice() throws Exception {
        List<RgbImage> images = images(5);
        for (String model : List.of("dinov2-tiny", "clip-tiny")) {
            try (Backbone backbone = cpuBackbone(model);
                 MuSc musc = MuSc.builder().backbone(backbone)
                         .config(MuscConfig.builder().imageSize(224).layers(1, 3, 5).build()).build()) {
                assertEquals(Device.cpu(), musc.device());
                ScoredSet set = musc.scoreImages(images);
                assertEquals(images.size(), set.maps().length);
                try (Inspector inspector = Inspector.builder(musc).bankSize(3).warmUp(2).build()) {
                    for (RgbImage part : images) {
                        assertEquals(224 * 224, inspector.inspect(part).map().length);
                    }
                }
            }
        }
    }

    @Test
    void spilledTokensDivisionsAndTheScoringOptionsToo() throws Exception {
        List<RgbImage> images = images(5);
        try (Backbone backbone = cpuBackbone("dinov2-tiny")) {
            List<MuscConfig.Builder> runs = List.of(
                    // tokens through a file, and the set scored in two subsets
                    MuscConfig.builder().tokenBudgetBytes(0).division(new Division(2, Division.Mode.SEQUENTIAL, 0)),
                    MuscConfig.builder().scoring(ScoringKernel.aligned(1)).aggregation(Aggregation.SNAMD));
            for (MuscConfig.Builder b : runs) {
                try (MuSc musc = MuSc.builder().backbone(backbone).config(b.imageSize(224).layers(1, 3).build())
                        .build()) {
                    ScoredSet set = musc.scoreImages(images);
                    assertEquals(images.size(), set.maps().length);
                }
            }
        }
    }

    private static Backbone cpuBackbone(String model) throws Exception {
        return Backbones.load(PARITY.resolve("models").resolve(model),
                BackboneOptions.on(ai.djl.Device.cpu()).imageSize(224).build());
    }

    private static List<RgbImage> images(int n) throws Exception {
        List<RgbImage> images = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            images.add(ImageDecoder.javaImageIo().decode(PARITY.resolve(String.format("data/brick/test/good/%03d.png", i))));
        }
        return images;
    }
}
