package io.musc4j.datasets.output;

import io.musc4j.common.image.RgbImage;
import io.musc4j.common.io.AtomicFiles;
import io.musc4j.datasets.image.OpenCv;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Heatmap pictures, at the size of the map they are given: a batch run gives the map read back to the
 * image's own size, so the pictures lie over the original photo pixel for pixel. {@link #overlay} is the
 * anomaly map in the JET colour map blended half and half with the image, the ground-truth region
 * outlined in white when a mask exists and the predicted regions outlined in magenta. {@link #panel}
 * puts the plain image beside that overlay, so the part stays visible, and adds a colour bar labelled
 * with the scale's ends and the pixel threshold ("pixel thr"):
 * {@code [image W×H] [overlay W×H] [bar]}, H rows high. A tiled run may ask for its tiles' outlines on the
 * overlay (black, under the regions' outlines), so a reader sees which tile saw what.
 */
public final class Heatmaps {

    private static final double MAP_WEIGHT = 0.5;
    private static final int GAP = 4;
    private static final int BAR = 10;
    private static final Scalar WHITE = new Scalar(255, 255, 255);
    private static final Scalar INK = new Scalar(40, 40, 40);
    /** Predicted regions' outline (RGB): magenta, unlike any JET colour and the white ground truth. */
    private static final Scalar PREDICTED = new Scalar(255, 0, 255);
    /** Tile outlines (RGB): black, which no half-and-half blend of a JET colour with an image gives. */
    private static final Scalar TILE = new Scalar(0, 0, 0);

    private Heatmaps() {
    }

    /**
     * Renders the overlay.
     *
     * @param image  the image; resized (area filter, display only) if it is not {@code width × height}
     * @param map    the anomaly map, row-major {@code width × height}
     * @param norm   the colour range
     * @param mask   the {@code width × height} 0/1 ground-truth mask, or null for none
     */
    public static RgbImage overlay(RgbImage image, float[] map, int width, int height, HeatmapNorm norm,
                                   byte[] mask) {
        OpenCv.load();
        Mat rgb = fit(image, width, height);
        Mat out = overlay(rgb, map, width, height, norm, mask, null, null);
        RgbImage result = toImage(out);
        rgb.release();
        out.release();
        return result;
    }

    /**
     * Renders the panel: the image, the overlay with the predicted regions ({@code predicted},
     * {@code width × height} 0/1, null for none) outlined in magenta, and the colour bar of {@code norm}
     * with a tick at {@code threshold} when it lies inside the range (NaN: no tick).
     */
    public static RgbImage panel(RgbImage image, float[] map, int width, int height, HeatmapNorm norm, byte[] mask,
                                 byte[] predicted, double threshold) {
        return panel(image, map, width, height, norm, mask, predicted, threshold, null);
    }

    /**
     * {@link #panel} with the outlines of {@code tiles} on the overlay: each {@code {x0, y0, x1, y1}} in map
     * pixels, the ends exclusive; null for none.
     */
    public static RgbImage panel(RgbImage image, float[] map, int width, int height, HeatmapNorm norm, byte[] mask,
                                 byte[] predicted, double threshold, int[][] tiles) {
        OpenCv.load();
        int size = height;
        double scale = Math.max(0.3, size / 600.0);
        String top = label(norm.max());
        String bottom = label(norm.min());
        String tick = "pixel thr " + label(threshold);
        int textW = 0;
        for (String s : List.of(top, bottom, tick)) {
            textW = Math.max(textW, (int) Imgproc.getTextSize(s, Imgproc.FONT_HERSHEY_SIMPLEX, scale, 1, new int[1]).width);
        }
        int barX = 2 * width + 2 * GAP;
        Mat canvas = new Mat(size, barX + BAR + GAP + textW + 2, CvType.CV_8UC3, WHITE);
        Mat rgb = fit(image, width, height);
        Mat over = overlay(rgb, map, width, height, norm, mask, predicted, tiles);
        rgb.copyTo(canvas.submat(new Rect(0, 0, width, height)));
        over.copyTo(canvas.submat(new Rect(width + GAP, 0, width, height)));
        Mat bar = colourBar(size);
        bar.copyTo(canvas.submat(new Rect(barX, 0, BAR, size)));
        int textX = barX + BAR + GAP;
        int lineH = (int) Math.ceil(22 * scale);
        Imgproc.putText(canvas, top, new Point(textX, lineH), Imgproc.FONT_HERSHEY_SIMPLEX, scale, INK, 1,
                Imgproc.LINE_AA);
        Imgproc.putText(canvas, bottom, new Point(textX, size - 2), Imgproc.FONT_HERSHEY_SIMPLEX, scale, INK, 1,
                Imgproc.LINE_AA);
        if (norm.max() > norm.min() && threshold >= norm.min() && threshold <= norm.max()) {
            int y = (int) Math.round((1 - (threshold - norm.min()) / (norm.max() - norm.min())) * (size - 1));
            Imgproc.line(canvas, new Point(barX - 2, y), new Point(barX + BAR + 1, y), INK, 1);
            int textY = Math.max(2 * lineH, Math.min(size - lineH - 2, y + lineH / 3));
            Imgproc.putText(canvas, tick, new Point(textX, textY), Imgproc.FONT_HERSHEY_SIMPLEX, scale, INK, 1,
                    Imgproc.LINE_AA);
        }
        RgbImage result = toImage(canvas);
        for (Mat m : List.of(canvas, rgb, over, bar)) {
            m.release();
        }
        return result;
    }

    /**
     * Renders the panel and writes it to {@code file} as PNG (see {@link ResultPaths#heatmap}); the
     * arguments are {@link #panel}'s.
     */
    public static void write(Path file, RgbImage image, float[] map, int width, int height, HeatmapNorm norm,
                             byte[] mask, byte[] predicted, double threshold) throws IOException {
        write(file, image, map, width, height, norm, mask, predicted, threshold, null);
    }

    /** {@link #write} with the tiles' outlines ({@link #panel(RgbImage, float[], int, int, HeatmapNorm, byte[],
     *  byte[], double, int[][])}). */
    public static void write(Path file, RgbImage image, float[] map, int width, int height, HeatmapNorm norm,
                             byte[] mask, byte[] predicted, double threshold, int[][] tiles) throws IOException {
        AtomicFiles.write(file, png(panel(image, map, width, height, norm, mask, predicted, threshold, tiles)));
    }

    /** Encodes an RGB image as PNG. */
    public static byte[] png(RgbImage image) {
        return encode(image, ".png");
    }

    /** Encodes a 0/1 (or 0/255) {@code width × height} mask as an 8-bit grey PNG with 0 and 255. */
    public static byte[] maskPng(byte[] mask, int width, int height) {
        OpenCv.load();
        byte[] px = new byte[mask.length];
        for (int i = 0; i < px.length; i++) {
            px[i] = mask[i] != 0 ? (byte) 255 : 0;
        }
        Mat m = new Mat(height, width, CvType.CV_8UC1);
        m.put(0, 0, px);
        MatOfByte buf = new MatOfByte();
        Imgcodecs.imencode(".png", m, buf);
        byte[] bytes = buf.toArray();
        m.release();
        buf.release();
        return bytes;
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

    /** A value for a label: four significant digits. */
    static String label(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    /** The image as an OpenCV matrix of {@code width × height}, resized (area filter) if it is not. */
    private static Mat fit(RgbImage image, int width, int height) {
        Mat rgb = new Mat(image.height(), image.width(), CvType.CV_8UC3);
        rgb.put(0, 0, image.pixels());
        if (image.width() != width || image.height() != height) {
            Imgproc.resize(rgb, rgb, new Size(width, height), 0, 0, Imgproc.INTER_AREA);
        }
        return rgb;
    }

    private static Mat overlay(Mat rgb, float[] map, int width, int height, HeatmapNorm norm, byte[] mask,
                               byte[] predicted, int[][] tiles) {
        if (map.length != width * height) {
            throw new IllegalArgumentException("map of " + map.length + " values is not " + width + "x" + height);
        }
        byte[] scaled = new byte[map.length];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = (byte) norm.toByte(map[i]);
        }
        Mat gray = new Mat(height, width, CvType.CV_8UC1);
        gray.put(0, 0, scaled);
        Mat jet = jet(gray);
        Mat out = new Mat();
        Core.addWeighted(jet, MAP_WEIGHT, rgb, 1 - MAP_WEIGHT, 0, out);
        // outlines drawn in picture pixels: thicker on a large picture, so they stay visible in its thumbnail
        int line = Math.max(1, Math.min(width, height) / 300);
        if (tiles != null) {
            for (int[] t : tiles) {
                Imgproc.rectangle(out, new Point(t[0], t[1]), new Point(t[2] - 1, t[3] - 1), TILE, line);
            }
        }
        if (predicted != null) {
            drawContour(out, predicted, width, height, PREDICTED, 2 * line);
        }
        if (mask != null) {
            drawContour(out, mask, width, height, WHITE, line);
        }
        gray.release();
        jet.release();
        return out;
    }

    /** JET colours in RGB order. */
    private static Mat jet(Mat gray) {
        Mat jet = new Mat();
        Imgproc.applyColorMap(gray, jet, Imgproc.COLORMAP_JET);
        Imgproc.cvtColor(jet, jet, Imgproc.COLOR_BGR2RGB);
        return jet;
    }

    /** A vertical JET bar, the top row the scale's maximum (255) and the bottom row its minimum (0). */
    private static Mat colourBar(int height) {
        byte[] column = new byte[height];
        for (int y = 0; y < height; y++) {
            column[y] = (byte) (int) ((height == 1 ? 1.0 : 1.0 - (double) y / (height - 1)) * 255);
        }
        Mat gray = new Mat(height, 1, CvType.CV_8UC1);
        gray.put(0, 0, column);
        Mat wide = new Mat();
        Imgproc.resize(gray, wide, new Size(BAR, height), 0, 0, Imgproc.INTER_NEAREST);
        Mat bar = jet(wide);
        gray.release();
        wide.release();
        return bar;
    }

    private static RgbImage toImage(Mat rgb) {
        byte[] px = new byte[(int) rgb.total() * 3];
        rgb.get(0, 0, px);
        return new RgbImage(rgb.cols(), rgb.rows(), px);
    }

    private static void drawContour(Mat out, byte[] mask, int width, int height, Scalar colour, int thickness) {
        Mat m = new Mat(height, width, CvType.CV_8UC1);
        m.put(0, 0, mask);
        List<MatOfPoint> contours = new ArrayList<>();
        Mat hierarchy = new Mat();
        Imgproc.findContours(m, contours, hierarchy, Imgproc.RETR_LIST, Imgproc.CHAIN_APPROX_NONE);
        Imgproc.drawContours(out, contours, -1, colour, thickness);
        m.release();
        hierarchy.release();
        contours.forEach(Mat::release);
    }
}
