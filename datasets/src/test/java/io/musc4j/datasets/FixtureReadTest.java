package io.musc4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.datasets.image.ImageIo;
import io.musc4j.datasets.image.MaskPreprocessor;
import io.musc4j.common.io.Npy;
import io.musc4j.common.image.PillowResize;
import io.musc4j.common.image.RgbImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads the parity fixture datasets and compares order, labels, masks and pixels with the reference. */
class FixtureReadTest {

    static final Path PARITY = Path.of(System.getProperty("musc4j.testdata"), "parity");
    static final Path RUNS = PARITY.resolve("runs");

    private static Category brick(String name) {
        List<Category> cats = Datasets.categories(DatasetFormat.MVTEC, PARITY.resolve("data"), List.of(name), new Warnings());
        assertEquals(1, cats.size());
        return cats.get(0);
    }

    @Test
    void brickOrderAndLabelsMatchTheReference() throws Exception {
        Category c = brick("brick");
        List<String> expected = Files.readAllLines(RUNS.resolve("brick_dinov2-tiny_r135_k123/image_order.txt"),
                StandardCharsets.UTF_8).stream().filter(s -> !s.isBlank()).toList();
        assertEquals(expected, c.samples().stream().map(Sample::relativePath).toList());
        long[] labels = Npy.read(RUNS.resolve("brick_dinov2-tiny_r135_k123/labels.npy")).toLongs();
        assertEquals(18, labels.length);
        for (int i = 0; i < labels.length; i++) {
            assertEquals(labels[i], c.samples().get(i).label().getAsInt(), "label of " + expected.get(i));
        }
    }

    @Test
    void brickMasksMatchTheReferenceExactly() throws Exception {
        assertMasks(brick("brick"), RUNS.resolve("_shared/brick_gt_masks.npy"));
    }

    @Test
    void brick256MasksAfterPillowResizeAndTruncationMatchTheReferenceExactly() throws Exception {
        assertMasks(brick("brick256"), RUNS.resolve("_shared/brick256_gt_masks.npy"));
    }

    private static void assertMasks(Category c, Path reference) throws Exception {
        Npy.Array ref = Npy.read(reference);
        assertArrayEquals(new long[] {18, 224, 224}, ref.shape());
        ByteBuffer data = ref.data().duplicate();
        int ones = 0;
        for (Sample s : c.samples()) {
            byte[] expected = new byte[224 * 224];
            data.get(expected);
            byte[] actual = MaskPreprocessor.load(s.mask(), 224, DatasetFormat.MVTEC.maskRule());
            assertArrayEquals(expected, actual, "mask of " + s.relativePath());
            for (byte b : actual) {
                ones += b;
            }
        }
        assertTrue(ones > 0);
    }

    @Test
    void decodedBrickPixelsAreRgbInTheReferenceInputs() throws Exception {
        // inputs.npy of the brick DINOv2 run holds image 0 (color/000) and the first good image as
        // (x/255 - mean)/std; data/brick is 224x224 so no resize is involved.
        Npy.Array inputs = Npy.read(RUNS.resolve("brick_dinov2-tiny_r135_k123/inputs.npy"));
        float[] x = inputs.toFloats();
        RgbImage img = ImageIo.readRgb(PARITY.resolve("data/brick/test/color/000.png"));
        assertNormalisedEquals(img, x, 0);
    }

    @Test
    void decodedAndPillowResizedBrick256PixelsMatchResizedU8() throws Exception {
        Npy.Array ref = Npy.read(RUNS.resolve("brick256_dinov2-tiny_r135_k123/resized_u8.npy"));
        assertArrayEquals(new long[] {3, 224, 224, 3}, ref.shape());
        ByteBuffer data = ref.data().duplicate();
        for (String name : List.of("color/000.png", "good/000.png", "scratch/000.png")) {
            RgbImage img = ImageIo.readRgb(PARITY.resolve("data/brick256/test/" + name));
            assertEquals(256, img.width());
            byte[] expected = new byte[224 * 224 * 3];
            data.get(expected);
            byte[] resized = PillowResize.resize(img.pixels(), 256, 256, 3, 224, 224, PillowResize.Filter.BILINEAR);
            assertArrayEquals(expected, resized, name);
        }
    }

    @Test
    void parallelDecodingGivesTheSamePixelsAsSequential() throws Exception {
        List<Sample> samples = brick("brick256").samples();
        List<byte[]> sequential = new java.util.ArrayList<>();
        for (Sample s : samples) {
            sequential.add(ImageIo.readRgb(s.image()).pixels());
        }
        List<byte[]> parallel = samples.parallelStream().map(s -> {
            try {
                return ImageIo.readRgb(s.image()).pixels();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        for (int i = 0; i < samples.size(); i++) {
            assertArrayEquals(sequential.get(i), parallel.get(i), samples.get(i).relativePath());
        }
    }

    private static void assertNormalisedEquals(RgbImage img, float[] chw, int index) {
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        int plane = 224 * 224;
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) {
                float v = ((img.pixels()[p * 3 + c] & 0xFF) / 255f - mean[c]) / std[c];
                assertEquals(chw[index * 3 * plane + c * plane + p], v, 1e-6f, "channel " + c + " pixel " + p);
            }
        }
    }
}
