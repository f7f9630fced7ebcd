package io.musc4j.datasets;

import io.musc4j.datasets.image.OpenCv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;

/** Writes small test images with known pixels. */
final class TestImages {

    static {
        OpenCv.load();
    }

    private TestImages() {
    }

    /** Writes a w×h 8-bit BGR image filled with (b, g, r). */
    static Path bgr(Path file, int w, int h, int b, int g, int r) throws IOException {
        return write(file, new Mat(h, w, CvType.CV_8UC3, new Scalar(b, g, r)));
    }

    /** Writes a w×h single-channel 8-bit image filled with {@code v}, with a square of {@code fg} at (x0, y0). */
    static Path gray(Path file, int w, int h, int v, int x0, int y0, int side, int fg) throws IOException {
        Mat m = new Mat(h, w, CvType.CV_8UC1, new Scalar(v));
        if (side > 0) {
            m.submat(y0, y0 + side, x0, x0 + side).setTo(new Scalar(fg));
        }
        return write(file, m);
    }

    static Path write(Path file, Mat m) throws IOException {
        Files.createDirectories(file.getParent());
        if (!Imgcodecs.imwrite(file.toString(), m)) {
            throw new IOException("cannot write " + file);
        }
        return file;
    }
}
