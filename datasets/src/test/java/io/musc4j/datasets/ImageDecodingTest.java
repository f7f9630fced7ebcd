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

    /**
     * A PNG declaring 30000×30000 pixels in a small file (its pixel data cut short) would take 2.7 GB as
     * RGB, and its byte count overflows an int. It is refused from its header, before any decoding (which
     * would report a truncated file, not its size); a mask file is checked the same way.
     */
    @Test
    void hugeImageIsRefusedFromItsHeaderNamingItsSize() throws Exception {
        Path huge = dir.resolve("huge.png");
        writeGrayPngHead(huge, 30000, 30000);
        assertTrue(Files.size(huge) < 100_000, "a small file: " + Files.size(huge));
        ImageReadException e = assertThrows(ImageReadException.class, () -> ImageIo.readRgb(huge));
        assertEquals(huge + ": 30000x30000 pixels, more than the 100 megapixels musc4j reads", e.getMessage());
        ImageReadException m = assertThrows(ImageReadException.class, () -> ImageIo.readBinaryMask(huge));
        assertEquals(e.getMessage(), m.getMessage());
        // the same cut-short file at a size within the limit gets the decoder's own verdict
        Path small = dir.resolve("small.png");
        writeGrayPngHead(small, 3000, 3000);
        ImageReadException cut = assertThrows(ImageReadException.class, () -> ImageIo.readRgb(small));
        assertTrue(cut.getMessage().contains("not a readable image"), cut.getMessage());
    }

    /** An 8-bit grey PNG whose pixel data (zeros) stops after the first 100 rows. */
    private static void writeGrayPngHead(Path file, int width, int height) throws Exception {
        java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(9);
        deflater.setInput(new byte[100 * (width + 1)]); // each row: filter byte 0, then the row
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = deflater.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH)) > 0) {
            idat.write(buf, 0, n);
        }
        deflater.end();
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", ihdr.array());
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        Files.write(file, png.toByteArray());
    }

    private static void chunk(java.io.ByteArrayOutputStream png, String type, byte[] data) throws Exception {
        java.io.DataOutputStream out = new java.io.DataOutputStream(png);
        out.writeInt(data.length);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(t);
        crc.update(data);
        out.writeInt((int) crc.getValue());
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
