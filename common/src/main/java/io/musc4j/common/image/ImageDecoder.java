package io.musc4j.common.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import javax.imageio.ImageIO;

/**
 * Turns an image file into 8-bit RGB. The scoring engine decodes nothing itself: it asks this
 * contract, so an integrator who passes decoded images, or a cluster executor, needs no image library.
 *
 * <p>{@link #installed()} picks the decoder on the classpath: the first one registered as a
 * {@link ServiceLoader} service (the datasets module registers its OpenCV decoder, which reads
 * 16-bit, TIFF and every layout the readers support), else {@link #javaImageIo()}.
 */
@FunctionalInterface
public interface ImageDecoder {

    /**
     * Decodes one file.
     *
     * @throws IOException with a one-line message naming the file and the problem
     */
    RgbImage decode(Path file) throws IOException;

    /** The registered decoder with the highest priority, else {@link #javaImageIo()}. */
    static ImageDecoder installed() {
        for (ImageDecoder d : ServiceLoader.load(ImageDecoder.class)) {
            return d;
        }
        return javaImageIo();
    }

    /**
     * The JDK's decoder (PNG, JPEG, BMP, GIF, TIFF) for 8-bit images: grey is replicated, palettes
     * expanded and alpha dropped without compositing, as the OpenCV decoder does. Images of more than
     * 8 bits per sample are refused rather than converted through the JDK's colour management,
     * which would not give the reference's values. Truncated or corrupt files are refused
     * ({@link ImageIntegrity}), not decoded in part.
     */
    static ImageDecoder javaImageIo() {
        return file -> {
            if (!Files.isRegularFile(file)) {
                throw new IOException(file + ": not a readable file");
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new IOException(file + ": cannot read (" + e.getClass().getSimpleName() + ")", e);
            }
            java.util.Optional<String> incomplete = ImageIntegrity.problem(bytes);
            if (incomplete.isPresent()) {
                throw new IOException(file + ": not a readable image: " + incomplete.get());
            }
            BufferedImage img;
            try {
                img = ImageIO.read(new java.io.ByteArrayInputStream(bytes));
            } catch (IOException | RuntimeException e) {
                throw new IOException(file + ": not a readable image (" + e.getMessage() + ")");
            }
            if (img == null) {
                throw new IOException(file + ": not a readable image (corrupt, truncated or unsupported format)");
            }
            for (int bits : img.getColorModel().getComponentSize()) {
                if (bits > 8) {
                    throw new IOException(file + ": " + bits + "-bit samples need the OpenCV decoder (put"
                            + " musc4j-datasets on the classpath)");
                }
            }
            int w = img.getWidth();
            int h = img.getHeight();
            byte[] px = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    px[o] = (byte) (row[x] >> 16);
                    px[o + 1] = (byte) (row[x] >> 8);
                    px[o + 2] = (byte) row[x];
                }
            }
            return new RgbImage(w, h, px);
        };
    }
}
