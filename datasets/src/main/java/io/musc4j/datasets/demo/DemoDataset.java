package io.musc4j.datasets.demo;

import io.musc4j.datasets.image.OpenCv;
import io.musc4j.common.io.AtomicFiles;
import io.musc4j.common.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Generates the small MVTec-layout dataset behind {@code musc demo}: three categories of procedural
 * industrial textures (brushed metal, woven fabric, ceramic tiles), each with {@value #GOOD} normal test
 * images and {@value #PER_DEFECT} images of each of two defect types, with 0/255 masks under
 * {@code ground_truth/<type>/<stem>_mask.png}. All images are {@value #SIZE}×{@value #SIZE} PNG.
 *
 * <p>Everything is drawn from {@link Random} streams seeded from the seed, the category and the image
 * index (never OpenCV's global RNG), so the same seed gives the same bytes.
 */
public final class DemoDataset {

    /** Image edge in pixels. */
    public static final int SIZE = 224;
    /** Normal test images per category. */
    public static final int GOOD = 10;
    /** Images per defect type. */
    public static final int PER_DEFECT = 3;
    /** The seed {@link #generate(Path)} uses. */
    public static final long DEFAULT_SEED = 20240126L;

    private enum Texture { METAL, FABRIC, TILE }

    private enum Defect { SCRATCH, HOLE, STAIN, CRACK }

    private record Spec(String name, Texture texture, Defect first, Defect second) {
    }

    private static final List<Spec> CATEGORIES = List.of(
            new Spec("brushed_metal", Texture.METAL, Defect.SCRATCH, Defect.STAIN),
            new Spec("ceramic_tile", Texture.TILE, Defect.CRACK, Defect.STAIN),
            new Spec("woven_fabric", Texture.FABRIC, Defect.HOLE, Defect.STAIN));

    private DemoDataset() {
    }

    /** Writes the demo dataset under {@code root} with {@link #DEFAULT_SEED}; returns the category names. */
    public static List<String> generate(Path root) throws IOException {
        return generate(root, DEFAULT_SEED);
    }

    /** Writes the demo dataset under {@code root}; returns the category names. */
    public static List<String> generate(Path root, long seed) throws IOException {
        OpenCv.load();
        List<String> names = new ArrayList<>();
        for (int c = 0; c < CATEGORIES.size(); c++) {
            Spec spec = CATEGORIES.get(c);
            Path dir = root.resolve(spec.name());
            for (int i = 0; i < GOOD; i++) {
                Mat img = texture(spec.texture(), new Random(seed * 1_000_003L + c * 1000L + i));
                png(dir.resolve("test/good").resolve(String.format("%03d.png", i)), img);
            }
            for (Defect d : List.of(spec.first(), spec.second())) {
                String type = d.name().toLowerCase(Locale.ROOT);
                for (int i = 0; i < PER_DEFECT; i++) {
                    Random rnd = new Random(seed * 1_000_003L + c * 1000L + 100L * (d.ordinal() + 1) + i);
                    Mat img = texture(spec.texture(), rnd);
                    Mat mask = Mat.zeros(SIZE, SIZE, CvType.CV_8UC1);
                    drawDefect(d, img, mask, rnd);
                    String stem = String.format("%03d", i);
                    png(dir.resolve("test").resolve(type).resolve(stem + ".png"), img);
                    png(dir.resolve("ground_truth").resolve(type).resolve(stem + "_mask.png"), mask);
                }
            }
            names.add(spec.name());
        }
        return names;
    }

    private static Mat texture(Texture t, Random rnd) {
        return switch (t) {
            case METAL -> metal(rnd);
            case FABRIC -> fabric(rnd);
            case TILE -> tile(rnd);
        };
    }

    /** Grey base with horizontal brushing streaks (row noise smeared along x) and a lighting gradient. */
    private static Mat metal(Random rnd) {
        Mat noise = noise(rnd, 40);
        Imgproc.GaussianBlur(noise, noise, new Size(61, 1), 0, 0.1);
        double tilt = rnd.nextDouble() * 20 - 10;
        return shade(noise, (x, y) -> 150 + tilt * (y - SIZE / 2.0) / SIZE + 10 * Math.sin(x / 37.0),
                new double[] {1.0, 1.0, 1.03});
    }

    /** A plain weave: alternating warp and weft bumps on a period-8 grid, tinted blue-grey. */
    private static Mat fabric(Random rnd) {
        Mat noise = noise(rnd, 12);
        double phase = rnd.nextDouble() * 2;
        return shade(noise, (x, y) -> {
            boolean warpOnTop = ((x / 8) + (y / 8)) % 2 == 0;
            double across = Math.sin(Math.PI * ((warpOnTop ? x : y) % 8) / 8.0);
            double along = 0.85 + 0.15 * Math.cos((warpOnTop ? y : x) / 3.0 + phase);
            return 70 + 90 * across * along;
        }, new double[] {1.25, 1.0, 0.8});
    }

    /** 56-pixel square tiles with dark grout; each tile slightly different in shade, plus fine glaze noise. */
    private static Mat tile(Random rnd) {
        Mat noise = noise(rnd, 10);
        int n = SIZE / 56;
        float[] tileShade = new float[n * n];
        for (int i = 0; i < tileShade.length; i++) {
            tileShade[i] = 190 + rnd.nextFloat() * 20;
        }
        return shade(noise, (x, y) -> x % 56 < 3 || y % 56 < 3 ? 90 : tileShade[(y / 56) * n + x / 56],
                new double[] {0.92, 0.97, 1.0});
    }

    /** A grey level as a function of the pixel position. */
    private interface Pattern {
        double at(int x, int y);
    }

    /** {@code noise + pattern}, tinted per BGR channel and saturated to 8 bits. */
    private static Mat shade(Mat noise, Pattern pattern, double[] tint) {
        float[] px = new float[SIZE * SIZE];
        noise.get(0, 0, px);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                px[y * SIZE + x] += (float) pattern.at(x, y);
            }
        }
        noise.put(0, 0, px);
        return toBgr(noise, tint);
    }

    private static void drawDefect(Defect d, Mat img, Mat mask, Random rnd) {
        Point c = new Point(50 + rnd.nextInt(SIZE - 100), 50 + rnd.nextInt(SIZE - 100));
        switch (d) {
            case SCRATCH -> {
                double a = rnd.nextDouble() * Math.PI;
                double len = 40 + rnd.nextInt(40);
                Point p = new Point(c.x - Math.cos(a) * len / 2, c.y - Math.sin(a) * len / 2);
                Point q = new Point(c.x + Math.cos(a) * len / 2, c.y + Math.sin(a) * len / 2);
                Imgproc.line(img, p, q, new Scalar(235, 235, 240), 2, Imgproc.LINE_AA);
                Imgproc.line(mask, p, q, new Scalar(255), 4);
            }
            case CRACK -> {
                List<Point> pts = new ArrayList<>();
                Point p = c;
                double a = rnd.nextDouble() * 2 * Math.PI;
                for (int i = 0; i < 12; i++) {
                    pts.add(p);
                    a += rnd.nextGaussian() * 0.5;
                    p = new Point(p.x + 6 * Math.cos(a), p.y + 6 * Math.sin(a));
                }
                MatOfPoint line = new MatOfPoint(pts.toArray(new Point[0]));
                Imgproc.polylines(img, List.of(line), false, new Scalar(60, 60, 70), 2, Imgproc.LINE_AA);
                Imgproc.polylines(mask, List.of(line), false, new Scalar(255), 4);
            }
            case HOLE -> {
                Size axes = new Size(6 + rnd.nextInt(7), 6 + rnd.nextInt(7));
                Imgproc.ellipse(img, c, new Size(axes.width + 2, axes.height + 2), 0, 0, 360, new Scalar(40, 45, 60), -1, Imgproc.LINE_AA);
                Imgproc.ellipse(img, c, axes, 0, 0, 360, new Scalar(8, 8, 10), -1, Imgproc.LINE_AA);
                Imgproc.ellipse(mask, c, new Size(axes.width + 3, axes.height + 3), 0, 0, 360, new Scalar(255), -1);
            }
            case STAIN -> {
                Mat alpha = Mat.zeros(SIZE, SIZE, CvType.CV_32F);
                Imgproc.ellipse(alpha, c, new Size(10 + rnd.nextInt(12), 8 + rnd.nextInt(10)),
                        rnd.nextInt(180), 0, 360, new Scalar(0.8), -1);
                Imgproc.GaussianBlur(alpha, alpha, new Size(15, 15), 0);
                Mat stain = new Mat(SIZE, SIZE, CvType.CV_32FC3, new Scalar(30, 70, 120)); // brown, BGR
                Mat f = new Mat();
                img.convertTo(f, CvType.CV_32FC3);
                Mat a3 = new Mat();
                Core.merge(List.of(alpha, alpha, alpha), a3);
                Mat inv = new Mat();
                Core.subtract(new Mat(SIZE, SIZE, CvType.CV_32FC3, new Scalar(1, 1, 1)), a3, inv);
                Core.multiply(f, inv, f);
                Core.multiply(stain, a3, stain);
                Core.add(f, stain, f);
                f.convertTo(img, CvType.CV_8UC3);
                Imgproc.threshold(alpha, alpha, 0.2, 255, Imgproc.THRESH_BINARY);
                alpha.convertTo(mask, CvType.CV_8UC1);
            }
        }
    }

    /** Zero-mean Gaussian noise with the given standard deviation, as a float image. */
    private static Mat noise(Random rnd, double sigma) {
        float[] px = new float[SIZE * SIZE];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) (rnd.nextGaussian() * sigma);
        }
        Mat m = new Mat(SIZE, SIZE, CvType.CV_32F);
        m.put(0, 0, px);
        return m;
    }

    /** A float grey image times a per-channel BGR tint, saturated to 8-bit BGR. */
    private static Mat toBgr(Mat gray, double[] tint) {
        Mat out = new Mat();
        List<Mat> planes = new ArrayList<>();
        for (double t : tint) {
            Mat p = new Mat();
            gray.convertTo(p, CvType.CV_8U, t);
            planes.add(p);
        }
        Core.merge(planes, out);
        return out;
    }

    private static void png(Path file, Mat m) throws IOException {
        MatOfByte buf = new MatOfByte();
        if (!Imgcodecs.imencode(".png", m, buf)) {
            throw new IOException(file + ": PNG encoding failed");
        }
        AtomicFiles.write(file, buf.toArray());
    }
}
