package io.musc4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.musc4j.common.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MKL's packed linear weights ({@link Backbone#packWeights}): a pass of the batch size they were packed
 * for multiplies the packed copies and still gives the reference's tokens; other batch sizes multiply
 * the weights as stored.
 */
class PackedWeightsTest {

    private static final Path PARITY = BackboneParityTest.PARITY;
    /** BackboneParityTest's tolerance: the packed products round differently, no more. */
    private static final double TOL = 1e-4;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"dinov2-tiny, brick_dinov2-tiny_r135_k123, 7", "clip-tiny, brick_clip-tiny_r135_k123, 5"})
    void aPassOfThePackedBatchSizeMultipliesThePackedCopiesAndMatchesTheReference(String model, String runId,
            int layer) throws IOException {
        Path run = PARITY.resolve("runs").resolve(runId);
        Npy.Array in = Npy.read(run.resolve("inputs.npy"));
        Npy.Array ref = Npy.read(run.resolve("tokens_layer" + layer + ".npy"));
        int size = (int) in.shape()[2];
        try (Backbone bb = BackboneParityTest.load(PARITY.resolve("models").resolve(model));
             NDManager m = NDManager.newBaseManager()) {
            NDArray images = m.create(in.toFloats(), new Shape(in.shape()));
            NDArray first = images.get(new NDIndex("0:1"));
            float[] expected = BackboneParityTest.rows(ref, new int[] {0});

            long bytes = bb.packWeights(1, size);
            assertTrue(bytes > 0, "packed weights take memory");
            assertEquals(bytes, bb.packWeights(1, size), "packing again for the same passes does nothing");
            assertThrows(IllegalStateException.class, () -> bb.packWeights(2, size));
            assertTrue(BackboneParityTest.maxAbsDiff(expected, tokens(bb, first, layer)) <= TOL, "packed pass");

            // zero the weights as stored: a pass of one image still multiplies the packed copies, a pass
            // of two the stored (now zero) weights
            for (VitWeights.Block b : ((VisionTransformer) bb).weights().blocks()) {
                for (NDArray w : new NDArray[] {b.qkvWeight(), b.outWeight(), b.fc1Weight(), b.fc2Weight()}) {
                    w.muli(0);
                }
            }
            double packed = BackboneParityTest.maxAbsDiff(expected, tokens(bb, first, layer));
            assertTrue(packed <= TOL, "one image: the packed copies, max abs error " + packed);
            float[] two = tokens(bb, first.concat(first), layer);
            float[] firstOfTwo = java.util.Arrays.copyOf(two, expected.length);
            assertTrue(BackboneParityTest.maxAbsDiff(expected, firstOfTwo) > 100 * TOL,
                    "two images: the zeroed weights as stored");
        }
    }

    private static float[] tokens(Backbone bb, NDArray images, int layer) {
        try (NDManager scope = images.getManager().newSubManager()) {
            images.tempAttach(scope);
            return bb.forward(images, new int[] {layer}).tokensOf(layer).toFloatArray();
        }
    }
}
