package io.musc4j.models.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.musc4j.common.image.PillowResize;
import io.musc4j.common.image.RgbImage;
import io.musc4j.common.io.Npy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The reference's exact network inputs and resized bytes (testdata/parity) must be reproduced bit for bit. */
class PreprocessingTest {

    private static final Path PARITY = Path.of(System.getProperty("musc4j.testdata"), "parity");

    static RgbImage readPng(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int i = (y * w + x) * 3;
                px[i] = (byte) (rgb >> 16);
                px[i + 1] = (byte) (rgb >> 8);
                px[i + 2] = (byte) rgb;
            }
        }
        return new RgbImage(w, h, px);
    }

    private static Preprocessing recipe(String run) {
        return run.contains("clip") ? Preprocessing.clip() : Preprocessing.dinov2();
    }

    @ParameterizedTest
    @CsvSource({"brick256_dinov2-tiny_r135_k123", "brick256_clip-tiny_r135_k123"})
    void resizedBytesMatchPillowExactly(String run) throws IOException {
        Npy.Array expected = Npy.read(PARITY.resolve("runs").resolve(run).resolve("resized_u8.npy"));
        assertArrayEquals(new long[] {3, 224, 224, 3}, expected.shape());
        String[] images = {"color/000.png", "good/000.png", "scratch/000.png"};
        byte[] all = new byte[expected.data().remaining()];
        expected.data().duplicate().get(all);
        for (int k = 0; k < images.length; k++) {
            RgbImage src = readPng(PARITY.resolve("data/brick256/test").resolve(images[k]));
            RgbImage resized = recipe(run).resize(src, 224);
            byte[] want = Arrays.copyOfRange(all, k * 224 * 224 * 3, (k + 1) * 224 * 224 * 3);
            assertArrayEquals(want, resized.pixels(), images[k]);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "brick256_dinov2-tiny_r135_k123, brick256/test/color/000.png",
        "brick256_clip-tiny_r135_k123, brick256/test/color/000.png",
        "brick_clip-tiny_r135_k123, brick/test/color/000.png",
    })
    void networkInputsMatchReferenceExactly(String run, String image) throws IOException {
        float[] expected = Npy.read(PARITY.resolve("runs").resolve(run).resolve("inputs.npy")).toFloats();
        float[] actual = recipe(run).toInput(readPng(PARITY.resolve("data").resolve(image)), 224);
        assertArrayEquals(Arrays.copyOf(expected, actual.length), actual, 0f);
    }

    @Test
    void brickDinov2InputsCoverFirstDefectiveAndFirstGood() throws IOException {
        Npy.Array inputs = Npy.read(PARITY.resolve("runs/brick_dinov2-tiny_r135_k123/inputs.npy"));
        float[] expected = inputs.toFloats();
        float[] batch = new float[expected.length];
        int n = 3 * 224 * 224;
        Preprocessing.dinov2().toInput(readPng(PARITY.resolve("data/brick/test/color/000.png")), 224, batch, 0);
        Preprocessing.dinov2().toInput(readPng(PARITY.resolve("data/brick/test/good/000.png")), 224, batch, n);
        assertArrayEquals(expected, batch, 0f);
    }

    @Test
    void sameSizeIsNotResampled() {
        RgbImage img = new RgbImage(2, 1, new byte[] {1, 2, 3, 4, 5, 6});
        assertSame(img, PillowResize.resize(img, 2, 1, PillowResize.Filter.BICUBIC));
    }

    @Test
    void upscalingAConstantImageKeepsItConstant() {
        // Every window's weights are renormalised to sum 1, so a flat image stays flat, borders included.
        byte[] flat = new byte[5 * 3];
        Arrays.fill(flat, (byte) 200);
        for (PillowResize.Filter f : PillowResize.Filter.values()) {
            byte[] out = PillowResize.resize(flat, 5, 3, 1, 11, 7, f);
            for (byte b : out) {
                assertEquals(200, b & 0xFF, f.name());
            }
        }
    }

    @Test
    void halvingWithBilinearAveragesPairs() {
        // 4 -> 2: scale 2, support 2, centre 1.0 for output 0: taps 0..2 with weights K((j-0.5)/2)
        // = 0.75, 0.75, 0.25 -> normalised 3/7, 3/7, 1/7.
        byte[] row = {0, 70, (byte) 140, (byte) 210};
        byte[] out = PillowResize.resize(row, 4, 1, 1, 2, 1, PillowResize.Filter.BILINEAR);
        assertEquals(Math.round((0 * 3 + 70 * 3 + 140) / 7.0), out[0] & 0xFF);
        assertEquals(Math.round((70 + 140 * 3 + 210 * 3) / 7.0), out[1] & 0xFF);
    }
}
