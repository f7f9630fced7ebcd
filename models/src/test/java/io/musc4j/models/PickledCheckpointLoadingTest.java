package io.musc4j.models;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model folder holding only {@code pytorch_model.bin} loads through the restricted checkpoint reader. */
class PickledCheckpointLoadingTest {

    @Test
    void dinov2FromPytorchModelBinMatchesTheReference(@TempDir Path dir) throws IOException, URISyntaxException {
        Path models = BackboneParityTest.PARITY.resolve("models/dinov2-tiny");
        Files.copy(models.resolve("config.json"), dir.resolve("config.json"));
        Files.copy(models.resolve("preprocessor_config.json"), dir.resolve("preprocessor_config.json"));
        // the fixture's weights re-saved by torch.save (checkpoints/make_checkpoints.py)
        Path bin = Path.of(getClass().getResource("io/checkpoints/dinov2-tiny.pytorch_model.bin").toURI());
        Files.copy(bin, dir.resolve("pytorch_model.bin"));
        BackboneParityTest.checkDinov2(dir);
    }
}
