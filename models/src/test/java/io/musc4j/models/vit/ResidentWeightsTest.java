package io.musc4j.models.vit;

import static io.musc4j.models.vit.LoadedWeights.assertSameWeights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.musc4j.models.Backbone;
import io.musc4j.models.BackboneOptions;
import io.musc4j.models.BackboneOptions.DeviceChoice;
import io.musc4j.models.BackboneParityTest;
import io.musc4j.models.Backbones;
import io.musc4j.models.PendingWeights;
import io.musc4j.models.Precision;
import io.musc4j.models.VitWeights;
import io.musc4j.models.layout.ModelLayout;
import io.musc4j.models.vit.LoadedWeights.Recording;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Weights read ahead into memory of their own ({@link PendingWeights}, {@link WeightMap#resident}) equal,
 * bit for bit, the weights read through Java arrays; the arrays use that memory in place (one copy of
 * the weights, made from the file), and the file can change under a loaded backbone without changing it.
 */
class ResidentWeightsTest {

    private static final Path MODELS = BackboneParityTest.PARITY.resolve("models");

    @ParameterizedTest
    @ValueSource(strings = {"dinov2-tiny", "clip-tiny", "dino-tiny"})
    void residentWeightsEqualArrayWeights(String model) throws IOException {
        ModelLayout.Checkpoint checkpoint = ModelLayout.locate(MODELS.resolve(model));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                PendingWeights pending = PendingWeights.start(checkpoint, DeviceChoice.CPU, Precision.FP32)) {
            Recording recording = new Recording(pending.await());
            VitWeights resident = VitWeights.load(recording, checkpoint.config(), manager, DataType.FLOAT32);
            VitWeights arrays = LoadedWeights.throughArrays(checkpoint, manager);

            // every block tensor of these float32 files, qkv stacked from q, k and v (dinov2, dino) included
            LoadedWeights.assertEveryBlockTook(recording.resident, checkpoint.config().layers(),
                    LoadedWeights.BLOCK_TENSORS);
            assertEquals(recording.resident.size(), resident.inPlace().size(), "one buffer kept per resident tensor");
            assertTrue(arrays.inPlace().isEmpty());
            assertSameWeights(arrays, resident);
        }
    }

    /**
     * The arrays are the resident memory, not copies of it: a value written into the kept buffer of the
     * first block's fc1 weight is what the (transposed) array holds. Loading copies the weights once.
     */
    @Test
    void arraysUseTheResidentMemoryInPlace() throws IOException {
        ModelLayout.Checkpoint checkpoint = ModelLayout.locate(MODELS.resolve("dinov2-tiny"));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                PendingWeights pending = PendingWeights.start(checkpoint, DeviceChoice.CPU, Precision.FP32)) {
            VitWeights w = VitWeights.load(pending.await(), checkpoint.config(), manager, DataType.FLOAT32);
            NDArray fc1 = w.blocks().get(0).fc1Weight(); // (C, F): the stored (F, C) transposed
            long c = fc1.getShape().get(0);
            long f = fc1.getShape().get(1);
            float before = fc1.getFloat(1, 2); // stored row 2, column 1
            ByteBuffer kept = w.inPlace().stream().filter(b -> b.capacity() == c * f * Float.BYTES
                    && b.order(ByteOrder.LITTLE_ENDIAN).getFloat((int) (2 * c + 1) * Float.BYTES) == before)
                    .findFirst().orElseThrow();
            assertEquals(0, kept.order(ByteOrder.LITTLE_ENDIAN).position());
            kept.putFloat((int) (2 * c + 1) * Float.BYTES, 1234.5f);
            assertEquals(1234.5f, fc1.getFloat(1, 2));
        }
    }

    /** Overwriting the weights file under a loaded backbone leaves its tokens as they were. */
    @Test
    void aLoadedBackboneDoesNotReadTheFileAgain(@TempDir Path dir) throws IOException {
        try (Stream<Path> files = Files.list(MODELS.resolve("dinov2-tiny"))) {
            for (Path p : files.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        BackboneOptions cpu = BackboneOptions.on(Device.cpu()).build();
        try (Backbone bb = Backbones.load(dir, cpu); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray image = m.randomNormal(new Shape(1, 3, 56, 56));
            float[] before = bb.forward(image, new int[] {3}).tokens().get(0).toFloatArray();
            // the same file, its data section zeroed in place (as a mapping would see it)
            try (FileChannel ch = FileChannel.open(dir.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
                long header = 8 + readHeaderLength(dir.resolve("model.safetensors"));
                ch.write(ByteBuffer.allocate((int) (ch.size() - header)), header);
            }
            float[] after = bb.forward(image, new int[] {3}).tokens().get(0).toFloatArray();
            assertArrayEquals(before, after);
        }
    }

    /** A read stopped before its first tensor leaves every tensor to the mapped route, with equal weights. */
    @Test
    void aStoppedReadLeavesTheRestMapped() throws IOException {
        ModelLayout.Checkpoint checkpoint = ModelLayout.locate(MODELS.resolve("clip-tiny"));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            WeightMap.ResidentRead read = checkpoint.names().residentRead(checkpoint.openWeights(), Long.MAX_VALUE);
            read.help(() -> true);
            Recording stopped = new Recording(read.tensors());
            VitWeights mapped = VitWeights.load(stopped, checkpoint.config(), manager, DataType.FLOAT32);
            assertTrue(stopped.resident.isEmpty(), stopped.resident.toString());
            assertTrue(mapped.inPlace().isEmpty());
            VitWeights arrays = LoadedWeights.throughArrays(checkpoint, manager);
            assertSameWeights(arrays, mapped);
        }
    }

    /** Threads helping one read each take tensors no other took: all are read, once, to the same values. */
    @Test
    void threadsHelpingOneReadShareItsTensors() throws Exception {
        ModelLayout.Checkpoint checkpoint = ModelLayout.locate(MODELS.resolve("dinov2-tiny"));
        WeightMap.ResidentRead read = checkpoint.names().residentRead(checkpoint.openWeights(), Long.MAX_VALUE);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> helpers = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                helpers.add(pool.submit(() -> {
                    start.await();
                    read.help(() -> false);
                    return null;
                }));
            }
            start.countDown();
            for (java.util.concurrent.Future<?> f : helpers) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Recording recording = new Recording(read.tensors());
            VitWeights shared = VitWeights.load(recording, checkpoint.config(), manager, DataType.FLOAT32);
            LoadedWeights.assertEveryBlockTook(recording.resident, checkpoint.config().layers(), LoadedWeights.BLOCK_TENSORS);
            VitWeights arrays = LoadedWeights.throughArrays(checkpoint, manager);
            assertSameWeights(arrays, shared);
        }
    }

    /**
     * A read within a budget holds tensors until the next would go over it; those take the mapped route,
     * to the same values. The fixture's fc1 weights are 64·256 floats, 64 KiB each.
     */
    @Test
    void aReadWithinABudgetLeavesTheRestMapped() throws IOException {
        ModelLayout.Checkpoint checkpoint = ModelLayout.locate(MODELS.resolve("dinov2-tiny"));
        long budget = 200_000;
        WeightMap.ResidentRead read = checkpoint.names().residentRead(checkpoint.openWeights(), budget);
        read.help(() -> false);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Recording recording = new Recording(read.tensors());
            VitWeights partly = VitWeights.load(recording, checkpoint.config(), manager, DataType.FLOAT32);
            long held = partly.inPlace().stream().mapToLong(ByteBuffer::capacity).sum();
            assertTrue(held > 0 && held <= budget, "held " + held);
            assertFalse(recording.resident.containsAll(List.of("blocks.7.fc1.weight", "blocks.7.fc2.weight")),
                    recording.resident.toString());
            VitWeights arrays = LoadedWeights.throughArrays(checkpoint, manager);
            assertSameWeights(arrays, partly);
        }
    }

    /** Weights for a GPU or in another precision are not read ahead (each array is a copy anyway); AUTO is. */
    @Test
    void onlyFloat32WeightsNotBoundForAGpuAreReadAhead() throws IOException {
        ModelLayout.Checkpoint checkpoint = ModelLayout.locate(MODELS.resolve("dinov2-tiny"));
        long c = checkpoint.config().hiddenSize();
        assertFalse(readAhead(checkpoint, DeviceChoice.GPU, Precision.FP32, c));
        assertFalse(readAhead(checkpoint, DeviceChoice.CPU, Precision.FP16, c));
        assertTrue(readAhead(checkpoint, DeviceChoice.AUTO, Precision.FP32, c));
        assertTrue(readAhead(checkpoint, DeviceChoice.CPU, Precision.FP32, c));
    }

    private static boolean readAhead(ModelLayout.Checkpoint checkpoint, DeviceChoice device, Precision precision,
            long c) throws IOException {
        try (PendingWeights pending = PendingWeights.start(checkpoint, device, precision)) {
            return pending.await().resident("blocks.0.qkv.weight", 3 * c, c).isPresent();
        }
    }

    private static long readHeaderLength(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, 0);
            return b.getLong(0);
        }
    }
}
