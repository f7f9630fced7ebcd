package io.musc4j.datasets.image;

import io.musc4j.common.image.RgbImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Decodes image files into the 8-bit forms the pipeline uses, through OpenCV.
 *
 * <p>Images become 8-bit RGB whatever they are stored as: grey is replicated, palette images are
 * expanded, alpha is dropped (as Pillow's {@code convert("RGB")} does, without compositing) and 16-bit
 * samples are scaled by 255/65535. OpenCV decodes to BGR, so channels are swapped here. Files are read
 * by Java and decoded from memory, so unreadable files and odd path characters give a clear message.
 * An image larger than {@link #MAX_PIXELS} is refused from its header, before any pixel memory is
 * allocated (a 1 MB PNG can declare 30000×30000 pixels). A truncated or corrupt PNG, JPEG, TIFF or BMP
 * is refused before decoding ({@link io.musc4j.common.image.ImageIntegrity}). Thread-safe.
 */
public final class ImageIo {

    /**
     * The most pixels an image may have (100 megapixels, e.g. 10000×10000): decoding needs about three
     * copies of 3 bytes per pixel, per decoding thread.
     */
    public static final long MAX_PIXELS = 100_000_000L;

    private ImageIo() {
    }

    /** Reads an image as 8-bit RGB. */
    public static RgbImage readRgb(Path file) throws ImageReadException {
        Mat m = decode(file);
        Mat rgb = new Mat();
        try {
            // Native buffers are released explicitly: large images would otherwise pile up until GC.
            Mat bgr = toBgr8(m);
            Imgproc.cvtColor(bgr, rgb, Imgproc.COLOR_BGR2RGB);
            bgr.release();
            checkPixels(file, rgb.cols(), rgb.rows());
            byte[] px = new byte[(int) (rgb.total() * 3)];
            rgb.get(0, 0, px);
            return new RgbImage(rgb.cols(), rgb.rows(), px);
        } finally {
            m.release();
            rgb.release();
        }
    }

    /**
     * Reads a mask as one byte per pixel, 255 where any colour channel is non-zero and 0 elsewhere:
     * any non-zero pixel is anomalous, whatever the file's depth. An alpha channel is ignored (an
     * opaque RGBA mask would otherwise be anomalous everywhere).
     */
    public static GrayImage readBinaryMask(Path file) throws ImageReadException {
        Mat m = decode(file);
        List<Mat> planes = new ArrayList<>();
        Mat any = new Mat(m.size(), CvType.CV_8UC1, new Scalar(0));
        Mat nonZero = new Mat();
        try {
            Core.split(m, planes);
            int colours = m.channels() == 2 ? 1 : Math.min(3, m.channels());
            for (Mat p : planes.subList(0, colours)) {
                Core.compare(p, new Scalar(0), nonZero, Core.CMP_NE);
                Core.bitwise_or(any, nonZero, any);
            }
            byte[] px = new byte[(int) any.total()];
            any.get(0, 0, px);
            return new GrayImage(any.cols(), any.rows(), px);
        } finally {
            m.release();
            any.release();
            nonZero.release();
            planes.forEach(Mat::release);
        }
    }

    private static Mat decode(Path file) throws ImageReadException {
        OpenCv.load();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ImageReadException(file + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        if (bytes.length == 0) {
            throw new ImageReadException(file + ": empty file");
        }
        checkHeader(file, bytes);
        java.util.Optional<String> incomplete = io.musc4j.common.image.ImageIntegrity.problem(bytes);
        if (incomplete.isPresent()) {
            // never handed to the native decoder, which would decode part of it, or print to stderr
            throw new ImageReadException(file + ": not a readable image: " + incomplete.get());
        }
        MatOfByte buf = new MatOfByte(bytes);
        Mat m = Imgcodecs.imdecode(buf, Imgcodecs.IMREAD_UNCHANGED);
        buf.release();
        if (m.empty()) {
            throw new ImageReadException(file + ": not a readable image (corrupt, truncated or unsupported format)");
        }
        return m;
    }

    /**
     * Refuses an image whose header declares more than {@link #MAX_PIXELS}. The header is read with the
     * JDK's readers (PNG, JPEG, BMP, TIFF), which read no pixels; a format they do not know, or a header
     * they cannot parse, is left to OpenCV.
     */
    private static void checkHeader(Path file, byte[] bytes) throws ImageReadException {
        long width;
        long height;
        // in memory: ImageIO.createImageInputStream would cache the stream in a temporary file
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                width = reader.getWidth(0);
                height = reader.getHeight(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return;
        }
        checkPixels(file, width, height);
    }

    private static void checkPixels(Path file, long width, long height) throws ImageReadException {
        if (width * height > MAX_PIXELS) {
            throw new ImageReadException(file + ": " + width + "x" + height + " pixels, more than the "
                    + MAX_PIXELS / 1_000_000 + " megapixels musc4j reads");
        }
    }

    /** Converts any decoded Mat to a new 8-bit, 3-channel BGR Mat. */
    private static Mat toBgr8(Mat m) {
        Mat eight = new Mat();
        if (m.depth() == CvType.CV_16U) {
            m.convertTo(eight, CvType.CV_8U, 255.0 / 65535.0);
        } else if (m.depth() != CvType.CV_8U) {
            Core.normalize(m, eight, 0, 255, Core.NORM_MINMAX, CvType.CV_8U);
        } else {
            m.copyTo(eight);
        }
        Mat bgr = new Mat();
        switch (eight.channels()) {
            case 1 -> Imgproc.cvtColor(eight, bgr, Imgproc.COLOR_GRAY2BGR);
            case 4 -> Imgproc.cvtColor(eight, bgr, Imgproc.COLOR_BGRA2BGR);
            default -> eight.copyTo(bgr);
        }
        eight.release();
        return bgr;
    }
}
