package io.musc4j.models.vit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.musc4j.models.VitWeights;
import io.musc4j.models.io.WeightFileException;
import io.musc4j.models.layout.ModelLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** What the weight-loading tests share: the routes a canonical tensor can take, and weights compared whole. */
final class LoadedWeights {

    private LoadedWeights() {
    }

    /** A block's tensors that float32 files hold as float32 (qkv stacked from q, k and v where stored apart). */
    static final List<String> BLOCK_TENSORS = List.of("qkv.weight", "qkv.bias", "proj.weight", "fc1.weight",
            "fc2.weight", "norm1.weight");

    /** The same canonical tensors with every faster route hidden, so each tensor goes through {@code read}. */
    record ArraysOnly(CanonicalTensors inner) implements CanonicalTensors {
        @Override
        public float[] read(String name, long... shape) throws WeightFileException {
            return inner.read(name, shape);
        }

        @Override
        public void finish() throws WeightFileException {
            inner.finish();
        }
    }

    /** Records which canonical tensors came from the mapped file and which from memory of their own. */
    static final class Recording implements CanonicalTensors {
        private final CanonicalTensors inner;
        final Set<String> mapped = new TreeSet<>();
        final Set<String> resident = new TreeSet<>();

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
        public Optional<ByteBuffer> resident(String name, long... shape) throws WeightFileException {
            Optional<ByteBuffer> own = inner.resident(name, shape);
            own.ifPresent(b -> resident.add(name));
            return own;
        }

        @Override
        public void finish() throws WeightFileException {
            inner.finish();
        }
    }

    /** Every block's tensors among {@code names} are in {@code taken}, the canonical tensors a route gave. */
    static void assertEveryBlockTook(Set<String> taken, int layers, List<String> names) {
        for (int i = 0; i < layers; i++) {
            for (String t : names) {
                assertTrue(taken.contains("blocks." + i + "." + t), t + " of block " + i + ": " + taken);
            }
        }
    }

    /** {@code checkpoint}'s weights with every tensor read through Java arrays, the route the others must equal. */
    static VitWeights throughArrays(ModelLayout.Checkpoint checkpoint, NDManager manager) throws IOException {
        return VitWeights.load(new ArraysOnly(checkpoint.names().over(checkpoint.openWeights())), checkpoint.config(),
                manager, DataType.FLOAT32);
    }

    /** Every tensor of {@code actual} has the shape and the float32 values of {@code expected}'s. */
    static void assertSameWeights(VitWeights expected, VitWeights actual) {
        assertEqualTensors(expected.patchWeight(), actual.patchWeight());
        assertEqualTensors(expected.patchBias(), actual.patchBias());
        assertEqualTensors(expected.cls(), actual.cls());
        assertEqualTensors(expected.registers(), actual.registers());
        assertArrayEquals(expected.posEmbed(), actual.posEmbed());
        assertEqualTensors(expected.preNormWeight(), actual.preNormWeight());
        assertEqualTensors(expected.preNormBias(), actual.preNormBias());
        assertEqualTensors(expected.finalNormWeight(), actual.finalNormWeight());
        assertEqualTensors(expected.finalNormBias(), actual.finalNormBias());
        assertEqualTensors(expected.projection(), actual.projection());
        assertEquals(expected.blocks().size(), actual.blocks().size());
        for (int i = 0; i < expected.blocks().size(); i++) {
            VitWeights.Block a = expected.blocks().get(i);
            VitWeights.Block b = actual.blocks().get(i);
            for (NDArray[] pair : new NDArray[][] {{a.norm1Weight(), b.norm1Weight()}, {a.norm1Bias(), b.norm1Bias()},
                    {a.qkvWeight(), b.qkvWeight()}, {a.qkvBias(), b.qkvBias()}, {a.outWeight(), b.outWeight()},
                    {a.outBias(), b.outBias()}, {a.gamma1(), b.gamma1()}, {a.norm2Weight(), b.norm2Weight()},
                    {a.norm2Bias(), b.norm2Bias()}, {a.fc1Weight(), b.fc1Weight()}, {a.fc1Bias(), b.fc1Bias()},
                    {a.fc2Weight(), b.fc2Weight()}, {a.fc2Bias(), b.fc2Bias()}, {a.gamma2(), b.gamma2()}}) {
                assertEqualTensors(pair[0], pair[1]);
            }
        }
    }

    /** Same shape and the same float32 values (both null where the family has no such tensor). */
    static void assertEqualTensors(NDArray expected, NDArray actual) {
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
