package io.musc4j.models.vit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.musc4j.models.BackboneParityTest;
import io.musc4j.models.VitWeights;
import io.musc4j.models.io.Safetensors;
import io.musc4j.models.io.SafetensorsWriter;
import io.musc4j.models.io.TensorSource;
import io.musc4j.models.io.WeightFileException;
import io.musc4j.models.layout.ModelLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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

    /** The same canonical tensors with the mapped route hidden, so every tensor goes through {@code read}. */
    private record ArraysOnly(CanonicalTensors inner) implements CanonicalTensors {
        @Override
        public float[] read(String name, long... shape) throws WeightFileException {
            return inner.read(name, shape);
        }

        @Override
        public void finish() throws WeightFileException {
            inner.finish();
        }
    }

    /** Records which canonical tensors came through the mapped route. */
    private static final class Recording implements CanonicalTensors {
        private final CanonicalTensors inner;
        final Set<String> mapped = new TreeSet<>();

        Recording(CanonicalTensors inner) {
            this.inner = inner;
        }

        @Override
        public float[] read(String name, long... shape) throws WeightFileException {
            return inner.read(name, shape);
        }

        @Override
        public Optional<List<ByteBuffer>> float32Parts(String name, long... shape) throws WeightFileException {
            Optional<List<ByteBuffer>> parts = inner.float32Parts(name, shape);
            parts.ifPresent(p -> mapped.add(name));
            return parts;
        }

        @Override
        public void finish() throws WeightFileException {
            inner.finish();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dinov2-tiny", "clip-tiny", "dino-tiny"})
    void mappedWeightsEqualArrayWeights(String model) throws IOException {
        ModelLayout.Checkpoint checkpoint = ModelLayout.locate(MODELS.resolve(model));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Recording recording = new Recording(checkpoint.names().over(checkpoint.openWeights()));
            VitWeights mapped = VitWeights.load(recording, checkpoint.config(), manager, DataType.FLOAT32);
            VitWeights arrays = VitWeights.load(new ArraysOnly(checkpoint.names().over(checkpoint.openWeights())),
                    checkpoint.config(), manager, DataType.FLOAT32);

            // every block tensor of these float32 files, qkv stacked from q, k and v included
            int layers = checkpoint.config().layers();
            for (int i = 0; i < layers; i++) {
                for (String t : List.of("qkv.weight", "qkv.bias", "proj.weight", "fc1.weight", "fc2.weight", "norm1.weight")) {
                    assertTrue(recording.mapped.contains("blocks." + i + "." + t), model + " " + t + ": " + recording.mapped);
                }
            }
            assertEqualTensors(mapped.patchWeight(), arrays.patchWeight());
            assertEqualTensors(mapped.patchBias(), arrays.patchBias());
            assertEqualTensors(mapped.cls(), arrays.cls());
            assertArrayEquals(arrays.posEmbed(), mapped.posEmbed());
            assertEqualTensors(mapped.preNormWeight(), arrays.preNormWeight());
            assertEqualTensors(mapped.preNormBias(), arrays.preNormBias());
            assertEqualTensors(mapped.finalNormWeight(), arrays.finalNormWeight());
            assertEqualTensors(mapped.finalNormBias(), arrays.finalNormBias());
            assertEqualTensors(mapped.projection(), arrays.projection());
            assertEquals(layers, mapped.blocks().size());
            for (int i = 0; i < layers; i++) {
                VitWeights.Block a = mapped.blocks().get(i);
                VitWeights.Block b = arrays.blocks().get(i);
                assertEqualTensors(a.norm1Weight(), b.norm1Weight());
                assertEqualTensors(a.norm1Bias(), b.norm1Bias());
                assertEqualTensors(a.qkvWeight(), b.qkvWeight());
                assertEqualTensors(a.qkvBias(), b.qkvBias());
                assertEqualTensors(a.outWeight(), b.outWeight());
                assertEqualTensors(a.outBias(), b.outBias());
                assertEqualTensors(a.gamma1(), b.gamma1());
                assertEqualTensors(a.norm2Weight(), b.norm2Weight());
                assertEqualTensors(a.norm2Bias(), b.norm2Bias());
                assertEqualTensors(a.fc1Weight(), b.fc1Weight());
                assertEqualTensors(a.fc1Bias(), b.fc1Bias());
                assertEqualTensors(a.fc2Weight(), b.fc2Weight());
                assertEqualTensors(a.fc2Bias(), b.fc2Bias());
                assertEqualTensors(a.gamma2(), b.gamma2());
            }
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

    /** Same shape and the same float32 values (both null where the family has no such tensor). */
    private static void assertEqualTensors(NDArray expected, NDArray actual) {
        if (expected == null || actual == null) {
            assertNull(expected);
            assertNull(actual);
            return;
        }
        assertEquals(expected.getShape(), actual.getShape());
        assertEquals(expected.getDataType(), actual.getDataType());
        assertFalse(expected.getShape().size() == 0);
        assertArrayEquals(expected.toFloatArray(), actual.toFloatArray());
    }
}
