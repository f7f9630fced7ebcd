package io.musc4j.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.common.image.ImageDecoder;
import io.musc4j.common.image.RgbImage;
import io.musc4j.datasets.image.ImageIo;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A truncated or corrupt image is refused by both decoders (OpenCV's and the JDK's), never decoded in
 * part: libjpeg fills a JPEG cut short with grey rows and reports success. In a category it is skipped
 * with one warning naming it.
 */
class IncompleteImagesTest {

    @TempDir
    Path dir;

    /** A 96×64 image with detail everywhere, so that every part of the file carries pixels. */
    private static BufferedImage picture() {
        BufferedImage bi = new BufferedImage(96, 64, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 96; x++) {
                bi.setRGB(x, y, ((x * 7) ^ (y * 13)) * 0x010305 & 0xffffff);
            }
        }
        return bi;
    }

    private Path write(String format, String name) throws IOException {
        Path p = dir.resolve(name);
        assertTrue(ImageIO.write(picture(), format, p.toFile()), format);
        return p;
    }

    private static Path truncated(Path complete, String name) throws IOException {
        byte[] b = Files.readAllBytes(complete);
        return Files.write(complete.resolveSibling(name), Arrays.copyOf(b, b.length / 3));
    }

    private static void refusedByBoth(Path file, String says) {
        for (ImageDecoder d : List.of(ImageIo::readRgb, ImageDecoder.javaImageIo())) {
            IOException e = assertThrows(IOException.class, () -> d.decode(file), file::toString);
            assertTrue(e.getMessage().startsWith(file + ": not a readable image: ") && e.getMessage().contains(says),
                    e.getMessage());
        }
    }

    @ParameterizedTest
    @CsvSource({"png, truncated PNG", "jpg, truncated JPEG (premature end", "tiff, truncated TIFF (strip",
            "bmp, truncated BMP"})
    void aTruncatedFileIsRefusedByBothDecoders(String format, String says) throws IOException {
        Path complete = write(format, "whole." + format);
        for (ImageDecoder d : List.of(ImageIo::readRgb, ImageDecoder.javaImageIo())) {
            RgbImage img = d.decode(complete);
            assertEquals(96, img.width());
        }
        refusedByBoth(truncated(complete, "cut." + format), says);
    }

    @Test
    void aPngWithAFlippedByteFailsItsCrc() throws IOException {
        Path complete = write("png", "whole.png");
        byte[] b = Files.readAllBytes(complete);
        int idat = indexOf(b, "IDAT".getBytes(StandardCharsets.ISO_8859_1));
        b[idat + 40] ^= 0x5a;
        refusedByBoth(Files.write(dir.resolve("flipped.png"), b), "corrupt PNG (its IDAT chunk fails the CRC check)");
    }

    /** The fixtures' PNGs (written by Pillow) and an interlaced PNG pass the check and decode. */
    @Test
    void completeFilesPass() throws IOException {
        Path brick = Path.of(System.getProperty("musc4j.testdata"), "parity/data/brick");
        for (String f : List.of("test/good/000.png", "test/color/000.png", "ground_truth/color/000_mask.png")) {
            assertEquals(Optional.empty(), io.musc4j.common.image.ImageIntegrity.problem(
                    Files.readAllBytes(brick.resolve(f))), f);
        }
        javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName("png").next();
        Path interlaced = dir.resolve("interlaced.png");
        try (var out = ImageIO.createImageOutputStream(interlaced.toFile())) {
            w.setOutput(out);
            javax.imageio.ImageWriteParam param = w.getDefaultWriteParam();
            param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
            w.write(null, new javax.imageio.IIOImage(picture(), null, null), param);
        }
        assertEquals(Optional.empty(), io.musc4j.common.image.ImageIntegrity.problem(Files.readAllBytes(interlaced)));
        assertEquals(96, ImageIo.readRgb(interlaced).width());
    }

    /** In a category: skipped, with one warning naming the file. */
    @Test
    void aCategorySkipsATruncatedJpegWithOneWarning() throws IOException {
        Path a = write("jpg", "a.jpg");
        Path b = write("jpg", "b.jpg");
        Path cut = truncated(a, "c.jpg");
        List<Sample> samples = List.of(a, b, cut).stream().map(p -> new Sample(p, p.getFileName().toString(), "good",
                p.getFileName().toString(), OptionalInt.empty(), Optional.empty())).toList();
        Warnings w = new Warnings();
        DecodedCategory decoded = Datasets.decode(new Category("parts", dir, samples), img -> img, w);
        assertEquals(2, decoded.category().samples().size());
        assertEquals(1, w.count(), w.all()::toString);
        assertTrue(w.all().get(0).startsWith(cut + ": not a readable image: truncated JPEG"), w.all()::toString);
    }

    /** libpng prints its complaints to the process's stderr unless a damaged PNG never reaches it. */
    @Test
    void libpngSaysNothingOnStderr() throws IOException, InterruptedException {
        Path complete = write("png", "whole.png");
        Path cut = truncated(complete, "cut.png");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                DecodeOne.class.getName(), cut.toString()).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(cut + ": not a readable image: truncated PNG (the file ends inside its IDAT chunk)\n", said);
        assertFalse(said.contains("libpng"), said);
    }

    /** Decodes one file with OpenCV and prints the one-line error. */
    public static final class DecodeOne {
        public static void main(String[] args) {
            try {
                ImageIo.readRgb(Path.of(args[0]));
            } catch (IOException e) {
                System.out.println(e.getMessage());
            }
        }
    }

    private static int indexOf(byte[] b, byte[] what) {
        for (int i = 0; i + what.length <= b.length; i++) {
            if (Arrays.equals(b, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
