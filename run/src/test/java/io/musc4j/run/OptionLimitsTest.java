package io.musc4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.musc4j.engine.Division;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.ProgressListener;
import io.musc4j.engine.RunPlan;
import io.musc4j.models.Precision;
import io.musc4j.models.layout.ModelLayout;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import picocli.CommandLine;

/**
 * Every limit of an option, through the Java API ({@link MuscConfig.Builder}) and through the command
 * line ({@link RunJob}): the same check, made once in the configuration, the command line only naming
 * its option. The limits a model sets (its depth, its patch) and the device a precision needs are
 * checked once, where the options are resolved against the model ({@link RunPlan}), whichever way the
 * options came.
 */
class OptionLimitsTest {

    private static final Path DINOV2 = Path.of(System.getProperty("musc4j.testdata"), "parity/models/dinov2-tiny");

    /** The one-line message of a refused API call. */
    private static String api(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    /** The one-line message of {@code musc run} refusing its options, before anything is read. */
    private static String cli(String... options) {
        return assertThrows(IllegalArgumentException.class, () -> new RunJob(command("m", options))).getMessage();
    }

    /** The one-line message of the API refusing options that do not fit the model (before its weights load). */
    private static String apiModel(MuscConfig.Builder options) {
        return api(() -> MuSc.builder().config(options.model(DINOV2.toString()).build()).build().close());
    }

    /** The one-line message of {@code musc run} refusing options that do not fit the model. */
    private static String cliModel(String... options) {
        return api(() -> new RunJob(command(DINOV2.toString(), options)).builder(ProgressListener.none()).build()
                .close());
    }

    private static RunCommand command(String model, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("--data", "d", "--format", "folder", "--model", model,
                "--out", "o"));
        args.addAll(List.of(options));
        RunCommand command = new RunCommand();
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        return command;
    }

    @Test
    void imageSizeAtMostTheLimit() {
        assertEquals(2048, MuscConfig.builder().imageSize(MuscConfig.MAX_IMAGE_SIZE).build().imageSize());
        assertEquals("image size must be between 1 and 2048 pixels, got 2049",
                api(() -> MuscConfig.builder().imageSize(2049)));
        assertEquals("--image-size must be between 1 and 2048 pixels, got 2049", cli("--image-size", "2049"));
    }

    @Test
    void imageSizeNotNegative() {
        assertEquals("image size must be positive, got -1", api(() -> MuscConfig.builder().imageSize(-1)));
        assertEquals("--image-size must be positive, got -1", cli("--image-size", "-1"));
    }

    @Test
    void batchAtLeastOne() {
        assertEquals("batch size must be positive, got 0", api(() -> MuscConfig.builder().batchSize(0)));
        assertEquals("--batch: batch size must be positive, got 0", cli("--batch", "0"));
    }

    @Test
    void degreesOdd() {
        assertEquals("aggregation degrees must be odd and >= 1, got 2", api(() -> MuscConfig.builder().degrees(2)));
        assertEquals("--degrees: aggregation degrees must be odd and >= 1, got 2", cli("--degrees", "2"));
    }

    @Test
    void layersNotNegativeNorTwice() {
        assertEquals("layers are 0-based block indices, got -1", api(() -> MuscConfig.builder().layers(-1)));
        assertEquals("--layers: layers are 0-based block indices, got -1", cli("--layers", "-1"));
        assertEquals("layer 3 is listed twice", api(() -> MuscConfig.builder().layers(3, 3)));
        assertEquals("--layers: layer 3 is listed twice", cli("--layers", "3,3"));
    }

    @Test
    void divisionAtLeastOneSubset() {
        assertEquals("the number of subsets must be at least 1, got 0",
                api(() -> MuscConfig.builder().division(new Division(0, Division.Mode.RANDOM, 42))));
        assertEquals("--divide: the number of subsets must be at least 1, got 0", cli("--divide", "0"));
    }

    @Test
    void fp16NeedsACudaDevice() {
        assertEquals("fp16 precision needs a CUDA device; the device is cpu", api(() -> MuscConfig.builder()
                .device(ai.djl.Device.cpu()).precision(io.musc4j.models.Precision.FP16).build()));
        assertEquals("--precision: fp16 precision needs a CUDA device; the device is cpu",
                cli("--device", "cpu", "--precision", "fp16"));
    }

    @Test
    void layersWithinTheModelsDepth() {
        assertEquals("layer 8 does not exist: the backbone has blocks 0..7", apiModel(MuscConfig.builder().layers(1, 8)));
        assertEquals("layer 8 does not exist: the backbone has blocks 0..7", cliModel("--layers", "1,8"));
    }

    @Test
    void imageSizeAtLeastOnePatch() {
        assertEquals("image size 13 is smaller than one patch (14 px)", apiModel(MuscConfig.builder().imageSize(13)));
        assertEquals("image size 13 is smaller than one patch (14 px)", cliModel("--image-size", "13"));
    }

    /** The auto device is resolved once, where the plan is made; fp16 is checked against what it resolved to. */
    @Test
    void fp16NeedsACudaDeviceWhenAutoResolvesToTheCpu() throws Exception {
        MuscConfig fp16 = MuscConfig.builder().precision(Precision.FP16).build();
        assertEquals("fp16 precision needs a CUDA device; the device is cpu", api(() -> RunPlan.resolve(fp16,
                io.musc4j.models.BackboneSpec.of(ModelLayout.locate(DINOV2).config()), Device.cpu())));
        assumeTrue(Engine.getInstance().getGpuCount() == 0, "a GPU is present: auto resolves to it");
        assertEquals("fp16 precision needs a CUDA device; the device is cpu", apiModel(fp16.toBuilder()));
        assertEquals("fp16 precision needs a CUDA device; the device is cpu", cliModel("--precision", "fp16"));
    }
}
