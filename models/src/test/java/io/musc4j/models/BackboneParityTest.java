package io.musc4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.musc4j.common.io.Npy;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tokens and image features of the tiny fixture backbones against the reference runs (SPEC §2). */
public class BackboneParityTest {

    public static final Path PARITY = Path.of(System.getProperty("musc4j.testdata"), "parity");
    /** Reference values reach ~10; float32 re-association over 8 blocks stays orders of magnitude below this. */
    private static final double TOL = 1e-4;

    static Backbone load(Path modelDir) throws IOException {
        return Backbones.load(modelDir, BackboneOptions.on(ai.djl.Device.cpu()).build());
    }

    @Test
    void dinov2TokensAndFeaturesMatchReference() throws IOException {
        checkDinov2(PARITY.resolve("models/dinov2-tiny"));
    }

    @Test
    void clipTokensAndFeaturesMatchReference() throws IOException {
        checkClip(PARITY.resolve("models/clip-tiny"));
    }

    @Test
    void dinoTokensAndFeaturesMatchReference() throws IOException {
        checkDino(PARITY.resolve("models/dino-tiny"));
    }

    /**
     * SPEC §2d: DINO v1 layer l taps block depth − max(layers) − 1 + l. With 8 blocks, layers 0,2,4 tap
     * blocks 7−4−1+0 = 3, 5 and 7, whose final-normed outputs the reference stored as tokens_layer3/5/7
     * (its run asked for 1,3,5,7, where the largest layer is the last block and layer = block). DINOv2
     * taps the layers themselves.
     */
    @Test
    void dinoLayersNotEndingAtTheLastBlockTapFromTheEnd() throws IOException {
        Path run = PARITY.resolve("runs/brick_dino-tiny_r135_k123");
        Npy.Array in = Npy.read(run.resolve("inputs.npy"));
        try (Backbone bb = load(PARITY.resolve("models/dino-tiny")); NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(new int[] {3, 5, 7}, bb.spec().blocksFor(new int[] {0, 2, 4}));
            assertArrayEquals(new int[] {7}, bb.spec().blocksFor(new int[] {0}));
            assertArrayEquals(new int[] {2, 5, 8, 11}, new BackboneSpec(bb.spec().profile(), 16, 64, 12, 224, 64)
                    .blocksFor(new int[] {2, 5, 8, 11}));
            Features f = bb.forward(m.create(in.toFloats(), new Shape(in.shape())), new int[] {0, 2, 4});
            assertArrayEquals(new int[] {0, 2, 4}, f.taps());
            int[] blocks = {3, 5, 7};
            for (int i = 0; i < blocks.length; i++) {
                double err = maxAbsDiff(Npy.read(run.resolve("tokens_layer" + blocks[i] + ".npy")).toFloats(),
                        f.tokensOf(2 * i).toFloatArray());
                System.out.printf("dino layer %d (block %d) max abs err %.3g%n", 2 * i, blocks[i], err);
                assertTrue(err <= TOL, "layer " + 2 * i + " err " + err);
            }
        }
        try (Backbone bb = load(PARITY.resolve("models/dinov2-tiny"))) {
            assertArrayEquals(new int[] {0, 2, 4}, bb.spec().blocksFor(new int[] {0, 2, 4}));
        }
    }

    /** The brick DINO v1 run's tokens (CLS row kept) and features from the model in {@code modelDir}. */
    public static void checkDino(Path modelDir) throws IOException {
        // inputs.npy and the tokens hold images 0 (color/000) and 3 (good/000)
        check(modelDir, "brick_dino-tiny_r135_k123", new int[] {1, 3, 5, 7}, new int[] {0, 1}, new int[] {0, 3});
    }

    /** The brick DINOv2 run's tokens and features from the model in {@code modelDir}. */
    public static void checkDinov2(Path modelDir) throws IOException {
        // inputs.npy holds images 0 (color/000) and 3 (good/000)
        check(modelDir, "brick_dinov2-tiny_r135_k123", new int[] {1, 3, 5, 7}, new int[] {0, 3}, new int[] {0, 3});
    }

    /** The brick CLIP run's tokens and features from the model in {@code modelDir}. */
    public static void checkClip(Path modelDir) throws IOException {
        check(modelDir, "brick_clip-tiny_r135_k123", new int[] {1, 3, 5}, new int[] {0}, new int[] {0});
    }

    @Test
    void brick256ImageFeaturesMatchReference() throws IOException {
        check(PARITY.resolve("models/dinov2-tiny"), "brick256_dinov2-tiny_r135_k123", new int[] {7}, null, new int[] {0});
        check(PARITY.resolve("models/clip-tiny"), "brick256_clip-tiny_r135_k123", new int[] {5}, null, new int[] {0});
    }

    /**
     * Collects the garbage, then fills freshly allocated direct buffers with NaN bytes: a loaded weight
     * that still reads Java memory the collector has freed (DJL's arrays created from Java data borrow
     * it) would read them.
     */
    static List<ByteBuffer> overwriteFreedJavaBuffers() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(20); // the Cleaner thread frees the collected buffers' memory
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] nan = new byte[1 << 18];
        Arrays.fill(nan, (byte) 0xFF);
        List<ByteBuffer> filler = new ArrayList<>();
        for (int size = 256; size <= nan.length; size *= 2) {
            for (int i = 0; i < 64; i++) {
                filler.add(ByteBuffer.allocateDirect(size).put(nan, 0, size));
            }
        }
        return filler;
    }

    /**
     * Runs the model on the run's {@code inputs.npy} (images {@code imageIdx} of the image order) and
     * compares the tokens (rows {@code tokenRows} of the stored tokens; null: no tokens stored) and features.
     */
    private static void check(Path modelDir, String runId, int[] taps, int[] tokenRows, int[] imageIdx)
            throws IOException {
        Path run = PARITY.resolve("runs").resolve(runId);
        Npy.Array in = Npy.read(run.resolve("inputs.npy"));
        assertEquals(imageIdx.length, in.shape()[0]);
        try (Backbone bb = load(modelDir); NDManager m = NDManager.newBaseManager()) {
            List<ByteBuffer> nanFilled = overwriteFreedJavaBuffers();
            NDArray images = m.create(in.toFloats(), new Shape(in.shape()));
            Features f = bb.forward(images, taps);
            Reference.reachabilityFence(nanFilled);
            if (tokenRows != null) {
                for (int i = 0; i < taps.length; i++) {
                    Npy.Array ref = Npy.read(run.resolve("tokens_layer" + taps[i] + ".npy"));
                    assertArrayEquals(new long[] {imageIdx.length, ref.shape()[1], ref.shape()[2]},
                            f.tokens().get(i).getShape().getShape());
                    double err = maxAbsDiff(rows(ref, tokenRows), f.tokens().get(i).toFloatArray());
                    System.out.printf("%s tokens_layer%d max abs err %.3g%n", runId, taps[i], err);
                    assertTrue(err <= TOL, runId + " tokens_layer" + taps[i] + " err " + err);
                }
            }
            Npy.Array ref = Npy.read(run.resolve("image_features.npy"));
            assertEquals(bb.spec().featureDim(), ref.shape()[1]);
            double err = maxAbsDiff(rows(ref, imageIdx), f.imageFeatures().toFloatArray());
            System.out.printf("%s image_features max abs err %.3g%n", runId, err);
            assertTrue(err <= TOL, runId + " image_features err " + err);
        }
    }

    /** The given leading-axis rows of a reference array, concatenated. */
    static float[] rows(Npy.Array a, int[] idx) {
        float[] all = a.toFloats();
        int row = (int) (a.size() / a.shape()[0]);
        float[] out = new float[row * idx.length];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(all, idx[i] * row, out, i * row, row);
        }
        return out;
    }

    static double maxAbsDiff(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs((double) expected[i] - actual[i]));
        }
        assertTrue(Arrays.stream(new double[] {max}).allMatch(Double::isFinite));
        return max;
    }
}
