package io.musc4j.models.vit;

import static io.musc4j.models.vit.LoadedWeights.assertSameWeights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.musc4j.models.BackboneParityTest;
import io.musc4j.models.VitWeights;
import io.musc4j.models.io.Safetensors;
import io.musc4j.models.io.SafetensorsWriter;
import io.musc4j.models.io.TensorSource;
import io.musc4j.models.layout.ModelLayout;
import io.musc4j.models.vit.LoadedWeights.Recording;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Weights read straight from the mapped file into libtorch equal, bit for bit, the weights read through
 * Java arrays, and the mapped route is the one taken for float32 safetensors.
 */
class MappedWeightsTest {

    private static final Path MODELS = BackboneParityTest.PARITY.resolve("models");

    @ParameterizedTest
    @ValueSource(strings = {"dinov2-tiny", "clip-tiny", "dino-tiny"})
    void mappedWeightsEqualArrayWeights(String model) throws IOException {
        ModelLayout.Checkpoint checkpoint = ModelLayout.locate(MODELS.resolve(model));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Recording recording = new Recording(checkpoint.names().over(checkpoint.openWeights()));
            VitWeights mapped = VitWeights.load(recording, checkpoint.config(), manager, DataType.FLOAT32);
            VitWeights arrays = LoadedWeights.throughArrays(checkpoint, manager);

            // every block tensor of these float32 files, qkv stacked from q, k and v included
            LoadedWeights.assertEveryBlockTook(recording.mapped, checkpoint.config().layers(), LoadedWeights.BLOCK_TENSORS);
            assertSameWeights(arrays, mapped);
        }
    }

    @Test
    void float16TensorsTakeTheArrayRoute(@TempDir Path dir) throws IOException {
        Files.copy(MODELS.resolve("dinov2-tiny/config.json"), dir.resolve("config.json"));
        SafetensorsWriter.copyOf(Safetensors.openFolder(MODELS.resolve("dinov2-tiny")), "F16")
                .write(dir.resolve("model.safetensors"));
        ModelLayout.Checkpoint checkpoint = ModelLayout.locate(dir);
        Recording recording = new Recording(checkpoint.names().over(checkpoint.openWeights()));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            VitWeights.load(recording, checkpoint.config(), manager, DataType.FLOAT32);
        }
        assertTrue(recording.mapped.isEmpty(), recording.mapped.toString());
    }

    @Test
    void float32ViewIsTheFileBytes() throws IOException {
        TensorSource source = Safetensors.openFolder(MODELS.resolve("dinov2-tiny"));
        String name = "encoder.layer.0.mlp.fc1.weight";
        ByteBuffer view = source.float32View(name).orElseThrow();
        assertTrue(view.isDirect() && view.isReadOnly());
        assertEquals(ByteOrder.LITTLE_ENDIAN, view.order());
        float[] viaView = new float[view.remaining() / Float.BYTES];
        view.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(viaView);
        assertArrayEquals(source.floats(name), viaView);
    }
}
