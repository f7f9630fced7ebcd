package io.musc4j.datasets.image;

import io.musc4j.models.preprocess.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Decodes image files into the 8-bit forms the pipeline uses, through OpenCV.
 *
 * <p>Images become 8-bit RGB whatever they are stored as: grey is replicated, palette images are
 * expanded, alpha is dropped (as Pillow's {@code convert("RGB")} does, without compositing) and 16-bit
 * samples are scaled by 255/65535. OpenCV decodes to BGR, so channels are swapped here. Files are read
 * by Java and decoded from memory, so unreadable files and odd path characters give a clear message.
 * Thread-safe.
 */
public final class ImageIo {

    private ImageIo() {
    }

    /** Reads an image as 8-bit RGB. */
    public static RgbImage readRgb(Path file) throws ImageReadException {
        Mat m = decode(file);
        try {
            Mat bgr = toBgr8(m);
            byte[] px = new byte[(int) (bgr.total() * 3)];
            Mat rgb = new Mat();
            Imgproc.cvtColor(bgr, rgb, Imgproc.COLOR_BGR2RGB);
            rgb.get(0, 0, px);
            return new RgbImage(rgb.cols(), rgb.rows(), px);
        } finally {
            m.release();
        }
    }

    /**
     * Reads a mask as one byte per pixel, 255 where any channel is non-zero and 0 elsewhere: any
     * non-zero pixel is anomalous, whatever the file's depth or channels.
     */
    public static GrayImage readBinaryMask(Path file) throws ImageReadException {
        Mat m = decode(file);
        try {
            Mat any = new Mat();
            if (m.channels() > 1) {
                Mat gray = new Mat(m.size(), m.depth());
                java.util.List<Mat> planes = new java.util.ArrayList<>();
                Core.split(m, planes);
                gray.setTo(new org.opencv.core.Scalar(0));
                for (Mat p : planes) {
                    Core.max(gray, p, gray);
                }
                m.release();
                m = gray;
            }
            Core.compare(m, new org.opencv.core.Scalar(0), any, Core.CMP_NE);
            byte[] px = new byte[(int) any.total()];
            any.get(0, 0, px);
            return new GrayImage(any.cols(), any.rows(), px);
        } finally {
            m.release();
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
        MatOfByte buf = new MatOfByte(bytes);
        Mat m = Imgcodecs.imdecode(buf, Imgcodecs.IMREAD_UNCHANGED);
        buf.release();
        if (m.empty()) {
            throw new ImageReadException(file + ": not a readable image (corrupt, truncated or unsupported format)");
        }
        return m;
    }

    /** Converts any decoded Mat to 8-bit, 3-channel BGR. */
    private static Mat toBgr8(Mat m) {
        Mat eight = m;
        if (m.depth() == CvType.CV_16U) {
            eight = new Mat();
            m.convertTo(eight, CvType.CV_8U, 255.0 / 65535.0);
        } else if (m.depth() != CvType.CV_8U) {
            eight = new Mat();
            Core.normalize(m, eight, 0, 255, Core.NORM_MINMAX, CvType.CV_8U);
        }
        Mat bgr = new Mat();
        switch (eight.channels()) {
            case 1 -> Imgproc.cvtColor(eight, bgr, Imgproc.COLOR_GRAY2BGR);
            case 4 -> Imgproc.cvtColor(eight, bgr, Imgproc.COLOR_BGRA2BGR);
            default -> eight.copyTo(bgr);
        }
        return bgr;
    }
}
