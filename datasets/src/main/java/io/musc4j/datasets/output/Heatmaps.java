package io.musc4j.datasets.output;

import io.musc4j.datasets.Sample;
import io.musc4j.datasets.image.OpenCv;
import io.musc4j.common.io.AtomicFiles;
import io.musc4j.common.image.RgbImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Heatmap overlays: the anomaly map in the JET colour map, blended half and half with the input
 * image as the network saw it (resized to S×S), with the ground-truth region outlined in white when
 * a mask exists.
 */
public final class Heatmaps {

    private static final double MAP_WEIGHT = 0.5;

    private Heatmaps() {
    }

    /**
     * Renders the overlay.
     *
     * @param image the input image; resized (area filter, display only) if it is not S×S
     * @param map   the anomaly map, row-major S×S
     * @param size  S
     * @param norm  the colour range
     * @param mask  the S×S 0/1 ground-truth mask, or null for none
     */
    public static RgbImage overlay(RgbImage image, float[] map, int size, HeatmapNorm norm, byte[] mask) {
        OpenCv.load();
        Mat rgb = new Mat(image.height(), image.width(), CvType.CV_8UC3);
        rgb.put(0, 0, image.pixels());
        if (image.width() != size || image.height() != size) {
            Imgproc.resize(rgb, rgb, new Size(size, size), 0, 0, Imgproc.INTER_AREA);
        }
        byte[] scaled = new byte[size * size];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = (byte) norm.toByte(map[i]);
        }
        Mat gray = new Mat(size, size, CvType.CV_8UC1);
        gray.put(0, 0, scaled);
        Mat jet = new Mat();
        Imgproc.applyColorMap(gray, jet, Imgproc.COLORMAP_JET);
        Imgproc.cvtColor(jet, jet, Imgproc.COLOR_BGR2RGB);
        Mat out = new Mat();
        Core.addWeighted(jet, MAP_WEIGHT, rgb, 1 - MAP_WEIGHT, 0, out);
        if (mask != null) {
            drawContour(out, mask, size);
        }
        byte[] px = new byte[size * size * 3];
        out.get(0, 0, px);
        for (Mat m : List.of(rgb, gray, jet, out)) {
            m.release();
        }
        return new RgbImage(size, size, px);
    }

    /** Renders the overlay and writes it to {@link ResultPaths#heatmap}; returns that path. */
    public static Path write(Path categoryOut, Sample sample, RgbImage image, float[] map, int size,
                             HeatmapNorm norm, byte[] mask) throws IOException {
        Path file = ResultPaths.heatmap(categoryOut, sample);
        AtomicFiles.write(file, png(overlay(image, map, size, norm, mask)));
        return file;
    }

    /** Encodes an RGB image as PNG. */
    public static byte[] png(RgbImage image) {
        return encode(image, ".png");
    }

    static byte[] encode(RgbImage image, String extension) {
        OpenCv.load();
        Mat bgr = new Mat(image.height(), image.width(), CvType.CV_8UC3);
        bgr.put(0, 0, image.pixels());
        Imgproc.cvtColor(bgr, bgr, Imgproc.COLOR_RGB2BGR);
        MatOfByte buf = new MatOfByte();
        Imgcodecs.imencode(extension, bgr, buf);
        byte[] bytes = buf.toArray();
        bgr.release();
        buf.release();
        return bytes;
    }

    private static void drawContour(Mat out, byte[] mask, int size) {
        Mat m = new Mat(size, size, CvType.CV_8UC1);
        m.put(0, 0, mask);
        List<MatOfPoint> contours = new ArrayList<>();
        Mat hierarchy = new Mat();
        Imgproc.findContours(m, contours, hierarchy, Imgproc.RETR_LIST, Imgproc.CHAIN_APPROX_NONE);
        Imgproc.drawContours(out, contours, -1, new Scalar(255, 255, 255), 1);
        m.release();
        hierarchy.release();
    }
}
