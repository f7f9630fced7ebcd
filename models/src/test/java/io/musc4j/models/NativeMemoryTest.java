package io.musc4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.musc4j.common.io.Npy;
import io.musc4j.models.VisionTransformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Native memory stays flat over 100 batches: nothing is left in the weights' or the caller's manager. */
class NativeMemoryTest {

    @Test
    void hundredBatchesLeaveNoArraysBehind() throws IOException {
        Npy.Array in = Npy.read(BackboneParityTest.PARITY.resolve("runs/brick_dinov2-tiny_r135_k123/inputs.npy"));
        try (Backbone bb = BackboneParityTest.load(BackboneParityTest.PARITY.resolve("models/dinov2-tiny")); NDManager caller = NDManager.newBaseManager()) {
            VisionTransformer vit = (VisionTransformer) bb;
            int weights = vit.liveWeightArrays();
            NDArray images = caller.create(in.toFloats(), new Shape(in.shape()));
            long rssAfterWarmup = 0;
            for (int i = 0; i < 100; i++) {
                try (NDManager batch = caller.newSubManager()) {
                    NDArray x = images.duplicate();
                    x.attach(batch);
                    Features f = bb.forward(x, new int[] {1, 3, 5, 7});
                    assertEquals(4, f.tokens().size());
                    assertTrue(f.tokens().get(0).getManager() == batch, "results belong to the caller's scope");
                }
                assertEquals(weights, vit.liveWeightArrays(), "weights' manager grew at batch " + i);
                assertEquals(1, caller.getManagedArrays().size(), "caller's manager grew at batch " + i);
                if (i == 9) {
                    rssAfterWarmup = rssBytes();
                }
            }
            long growth = rssBytes() - rssAfterWarmup;
            // One batch's results alone are 4 taps x 2 x 257 x 64 floats + features = 0.53 MB; leaking them for
            // the 90 measured batches would add ~47 MB, leaking the block intermediates hundreds of MB.
            // 24 MB leaves room for allocator and JIT noise while still catching a results leak.
            System.out.printf("RSS growth over 90 batches: %.1f MB%n", growth / 1048576.0);
            assertTrue(growth < 24L << 20, "RSS grew by " + growth + " bytes over 90 batches");
        }
    }

    /** Resident set size after a GC, so that Java garbage awaiting collection is not counted as native growth. */
    private static long rssBytes() throws IOException {
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
