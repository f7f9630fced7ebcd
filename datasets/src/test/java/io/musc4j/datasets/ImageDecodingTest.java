package io.musc4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.datasets.image.GrayImage;
import io.musc4j.datasets.image.ImageIo;
import io.musc4j.datasets.image.ImageReadException;
import io.musc4j.datasets.image.MaskPreprocessor;
import io.musc4j.datasets.image.OpenCv;
import io.musc4j.common.image.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/** Odd image encodings all become 8-bit RGB; broken files give one-line messages naming the file. */
class ImageDecodingTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void loadOpenCv() {
        OpenCv.load();
    }

    private static void assertAll(RgbImage img, int r, int g, int b) {
        for (int i = 0; i < img.width() * img.height(); i++) {
            assertEquals(r, img.pixels()[3 * i] & 0xFF, "R at " + i);
            assertEquals(g, img.pixels()[3 * i + 1] & 0xFF, "G at " + i);
            assertEquals(b, img.pixels()[3 * i + 2] & 0xFF, "B at " + i);
        }
    }

    @Test
    void colourPngComesBackAsRgbNotBgr() throws Exception {
        Path p = TestImages.bgr(dir.resolve("c.png"), 5, 4, 10, 20, 200); // OpenCV writes B,G,R = 10,20,200
        RgbImage img = ImageIo.readRgb(p);
        assertEquals(5, img.width());
        assertEquals(4, img.height());
        assertAll(img, 200, 20, 10);
    }

    @Test
    void grayscaleIsReplicated() throws Exception {
        RgbImage img = ImageIo.readRgb(TestImages.gray(dir.resolve("g.png"), 3, 3, 77, 0, 0, 0, 0));
        assertAll(img, 77, 77, 77);
    }

    @Test
    void sixteenBitIsScaledTo8Bit() throws Exception {
        Path p = TestImages.write(dir.resolve("16.png"), new Mat(2, 2, CvType.CV_16UC3, new Scalar(65535, 257 * 100, 0)));
        assertAll(ImageIo.readRgb(p), 0, 100, 255);
        Path g = TestImages.write(dir.resolve("16g.tif"), new Mat(2, 2, CvType.CV_16UC1, new Scalar(257 * 40)));
        assertAll(ImageIo.readRgb(g), 40, 40, 40);
    }

    @Test
    void alphaIsDroppedWithoutCompositing() throws Exception {
        Path p = TestImages.write(dir.resolve("a.png"), new Mat(2, 2, CvType.CV_8UC4, new Scalar(1, 2, 3, 0)));
        assertAll(ImageIo.readRgb(p), 3, 2, 1);
    }

    @Test
    void paletteImageIsExpanded() throws Exception {
        byte[] r = {0, (byte) 250};
        byte[] g = {0, 5};
        byte[] b = {0, 60};
        BufferedImage bi = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(1, 2, r, g, b));
        bi.getRaster().setSample(1, 1, 0, 1);
        Path p = dir.resolve("p.png");
        assertTrue(javax.imageio.ImageIO.write(bi, "png", p.toFile()));
        RgbImage img = ImageIo.readRgb(p);
        int i = 1 * 4 + 1;
        assertEquals(250, img.pixels()[3 * i] & 0xFF);
        assertEquals(5, img.pixels()[3 * i + 1] & 0xFF);
        assertEquals(60, img.pixels()[3 * i + 2] & 0xFF);
        assertEquals(0, img.pixels()[0]);
    }

    @Test
    void brokenFilesGiveOneLineMessagesNamingTheFile() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.png"));
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        Path good = TestImages.bgr(dir.resolve("full.png"), 64, 64, 1, 2, 3);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = Files.write(dir.resolve("cut.png"), Arrays.copyOf(bytes, bytes.length / 3));
        for (Path p : new Path[] {empty, text, truncated, dir.resolve("missing.png")}) {
            ImageReadException e = assertThrows(ImageReadException.class, () -> ImageIo.readRgb(p));
            assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void anyNonZeroMaskPixelIsAnomalous() throws Exception {
        Path p = TestImages.gray(dir.resolve("m.png"), 4, 4, 0, 1, 1, 2, 1); // values 0/1, not 0/255
        GrayImage m = ImageIo.readBinaryMask(p);
        assertEquals(4 * 4, m.pixels().length);
        assertEquals((byte) 255, m.pixels()[5]);
        assertEquals(0, m.pixels()[0]);
        byte[] bin = MaskPreprocessor.load(Optional.of(p), 4, MaskRule.FULL_WINDOW);
        byte[] expected = new byte[16];
        expected[5] = expected[6] = expected[9] = expected[10] = 1;
        assertArrayEquals(expected, bin);
        assertArrayEquals(new byte[9], MaskPreprocessor.load(Optional.empty(), 3, MaskRule.FULL_WINDOW));
    }

    @Test
    void colourMaskCountsAnyColourChannelButNotAlpha() throws Exception {
        Mat rgba = new Mat(2, 2, CvType.CV_8UC4, new Scalar(0, 0, 0, 255));
        rgba.put(0, 1, new byte[] {0, 0, 7, (byte) 255}); // only red is set
        rgba.put(1, 0, new byte[] {0, 0, 0, 0});
        GrayImage m = ImageIo.readBinaryMask(TestImages.write(dir.resolve("rgba.png"), rgba));
        assertArrayEquals(new byte[] {0, (byte) 255, 0, 0}, m.pixels());
    }

    @Test
    void resizedMaskKeepsOnlyPixelsWhoseWholeWindowIsInside() throws Exception {
        // 8x8 -> 4x4 bilinear (scale 2, support 2): output pixel i reads inputs 2i-1 .. 2i+2 (clipped).
        // A 4x4 square at (2..5) fully covers only the windows of output pixels 1 and 2 in each axis
        // except where tap 2i-1 / 2i+2 falls outside it: output 1 reads 1..4 (1 outside), output 2
        // reads 3..6 (6 outside). Its outer taps have weight 1/8 each, so no pixel reaches 255.
        Path p = TestImages.gray(dir.resolve("sq.png"), 8, 8, 0, 2, 2, 4, 255);
        assertArrayEquals(new byte[16], MaskPreprocessor.load(Optional.of(p), 4, MaskRule.FULL_WINDOW));
        // A 6x6 square at 1..6 contains the full windows of outputs 1 and 2 -> a 2x2 block of ones.
        Path q = TestImages.gray(dir.resolve("sq6.png"), 8, 8, 0, 1, 1, 6, 255);
        byte[] expected = new byte[16];
        expected[5] = expected[6] = expected[9] = expected[10] = 1;
        assertArrayEquals(expected, MaskPreprocessor.load(Optional.of(q), 4, MaskRule.FULL_WINDOW));
    }

    @Test
    void visaRuleKeepsEveryResizedPixelTheMaskReaches() throws Exception {
        // One mask pixel at (0,0), 8x8 -> 4x4: output 0 reads inputs 0..2 (weights 3/7, 3/7, 1/7),
        // so it becomes 255*3/7 per axis > 0; output 1 reads inputs 1..4 and stays 0.
        Path p = TestImages.gray(dir.resolve("dot.png"), 8, 8, 0, 0, 0, 1, 255);
        byte[] expected = new byte[16];
        expected[0] = 1;
        assertArrayEquals(expected, MaskPreprocessor.load(Optional.of(p), 4, DatasetFormat.VISA.maskRule()));
        assertArrayEquals(new byte[16], MaskPreprocessor.load(Optional.of(p), 4, DatasetFormat.MVTEC.maskRule()));
    }
}
