package io.musc4j.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.musc4j.common.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Pixel metrics and both AUPROs on cases worked out by hand, and the degenerate cases. */
class PixelMetricsTest {

    private static final double EPS = 1e-12;
    private static final int[] LABELS = {1, 1};
    private static final double[] SCORES = {0.5, 0.7};

    /**
     * Two 3×3 images. Image 0: region A, one pixel scoring 1.0. Image 1: region B, two adjacent
     * pixels scoring 0.4025 and 0.8025. Normal pixels: 0.6025, 0.1025 and thirteen zeros.
     * The values sit between the thresholds i·0.005 (lo = 0, hi = 1), so no comparison is close.
     */
    private static PixelData twoRegions(boolean asFloats) {
        double[][] maps = {
            {1.0, 0, 0, 0, 0.6025, 0, 0, 0, 0},
            {0, 0, 0, 0, 0.4025, 0.8025, 0, 0.1025, 0},
        };
        byte[][] masks = {
            {1, 0, 0, 0, 0, 0, 0, 0, 0},
            {0, 0, 0, 0, 1, 1, 0, 0, 0},
        };
        if (!asFloats) {
            return PixelData.ofDoubles(3, 3, maps, masks);
        }
        float[][] f = new float[2][9];
        for (int i = 0; i < 2; i++) {
            for (int p = 0; p < 9; p++) {
                f[i][p] = (float) maps[i][p];
            }
        }
        return PixelData.ofFloats(3, 3, f, masks);
    }

    @Test
    void referenceAuproOfTwoRegions() {
        // Threshold i counts a pixel v when i·0.005 < v. FPR = 2/15 for i <= 20, 1/15 for i <= 120,
        // then 0: all kept, rescaled to 1, 0.5, 0. PRO = mean(A, B) = 1 for i <= 80, 0.75 for i <= 160,
        // then 0.5. Area = 0.5·1 + 0.5·0.75 = 0.875.
        assertEquals(0.875, MetricsEvaluator.evaluate(LABELS, SCORES, twoRegions(false)).pixelAupro(), EPS);
        assertEquals(0.875, MetricsEvaluator.evaluate(LABELS, SCORES, twoRegions(true)).pixelAupro(), EPS);
    }

    @Test
    void exactAuproOfTwoRegions() {
        // Curve (score >= t): (0,0) (0,.5) (0,.75) (1/15,.75) (1/15,1) (2/15,1) (1,1). Up to FPR 0.3:
        // 0.75·(1/15) + 1·(0.3 − 1/15) = 0.28333…, / 0.3 = 17/18.
        assertEquals(17.0 / 18, MetricsEvaluator.evaluate(LABELS, SCORES, twoRegions(false)).pixelAuproExact(), EPS);
    }

    @Test
    void pixelRankingOfTwoRegions() {
        // 3 anomalous pixels vs 15 normal: 1.0 and 0.8025 beat all 15, 0.4025 beats 14 → 44/45.
        // AP: thresholds 1.0 (P 1), 0.8025 (P 1), 0.4025 (P 3/4) each add R 1/3 → 11/12.
        // F1: (P,R) = (3/4, 1) gives 6/7, the best point.
        Metrics m = MetricsEvaluator.evaluate(LABELS, SCORES, twoRegions(false));
        assertEquals(44.0 / 45, m.pixelAuroc(), EPS);
        assertEquals(11.0 / 12, m.pixelAp(), EPS);
        assertEquals(6.0 / 7, m.pixelF1Max(), EPS);
    }

    @Test
    void diagonalNeighboursAreOneRegion() {
        RegionLabeler labeler = new RegionLabeler(3, 4);
        assertEquals(1, labeler.label(new byte[] {1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0}));
        assertEquals(3, labeler.label(new byte[] {1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0}));
        assertEquals(1, labeler.regionAt(0));
        assertEquals(0, labeler.regionAt(1));
        assertEquals(labeler.regionAt(8), labeler.regionAt(9));
    }

    @Test
    void uShapedRegionMergesLate() {
        // both arms get separate provisional labels and meet only in the bottom row
        RegionLabeler labeler = new RegionLabeler(3, 3);
        assertEquals(1, labeler.label(new byte[] {1, 0, 1, 1, 0, 1, 1, 1, 1}));
    }

    @Test
    void noAnomalousPixelGivesZeroPixelMetrics() {
        PixelData none = PixelData.ofFloats(2, 2, new float[][] {{1, 2, 3, 4}}, new byte[][] {{0, 0, 0, 0}});
        Metrics m = MetricsEvaluator.evaluate(new int[] {0}, new double[] {1}, none);
        assertEquals(new Metrics(0, 0, 0, 0, 0, 0, 0, 0), m);
    }

    @Test
    void allEqualMapsGiveZeroAuproNotNaN() {
        // the reference's arange step is 0 here; the curve has one point at FPR 1
        PixelData flat = PixelData.ofFloats(2, 2, new float[][] {{5, 5, 5, 5}}, new byte[][] {{1, 0, 0, 0}});
        Metrics m = MetricsEvaluator.evaluate(new int[] {1}, new double[] {1}, flat);
        assertEquals(0.0, m.pixelAupro());
        assertEquals(0.5, m.pixelAuroc(), EPS);
        // exact curve: (0,0) then (1,1); at FPR 0.3 PRO is 0.3, area 0.045, / 0.3
        assertEquals(0.15, m.pixelAuproExact(), EPS);
    }

    @Test
    void exactAuproOfMetricsOnlyMatchesMvtecStyleNumpy() throws IOException {
        // 0.6618465499160213: MVTec AD compute_pro + trapezoid(x_max = 0.3) written in numpy/scipy
        // (scipy.ndimage.label with a 3×3 structure) on the same fixture, independent of this code
        Path dir = Path.of(System.getProperty("musc4j.testdata"), "parity", "metrics_only");
        Npy.Array maps = Npy.read(dir.resolve("maps.npy"));
        int[] shape = maps.intShape();
        double[] all = maps.toDoubles();
        long[] maskValues = Npy.read(dir.resolve("masks.npy")).toLongs();
        int s = shape[1] * shape[2];
        double[][] perImage = new double[shape[0]][];
        byte[][] masks = new byte[shape[0]][s];
        for (int i = 0; i < shape[0]; i++) {
            perImage[i] = java.util.Arrays.copyOfRange(all, i * s, (i + 1) * s);
            for (int p = 0; p < s; p++) {
                masks[i][p] = (byte) (maskValues[i * s + p] != 0 ? 1 : 0);
            }
        }
        Metrics m = MetricsEvaluator.evaluate(Npy.read(dir.resolve("labels.npy")).toInts(),
                Npy.read(dir.resolve("scores.npy")).toDoubles(), PixelData.ofDoubles(shape[1], shape[2], perImage, masks));
        assertEquals(0.6618465499160213, m.pixelAuproExact(), 1e-9);
    }

    @Test
    void exactAuproInterpolatesInsideATiedStep() {
        // one anomalous pixel at 0.5 tied with 4 of 10 normal pixels, the rest 0: the curve goes
        // straight from (0,0) to (0.4,1); at FPR 0.3 PRO is 0.75, area 0.3·0.75/2 = 0.1125, / 0.3
        PixelData tied = PixelData.ofFloats(1, 11, new float[][] {{0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0, 0, 0, 0, 0, 0}},
                new byte[][] {{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}});
        assertEquals(0.375, MetricsEvaluator.evaluate(new int[] {1}, new double[] {1}, tied).pixelAuproExact(), EPS);
    }

    @Test
    void nanInAMapIsRejectedWithImageAndPixel() {
        PixelData bad = PixelData.ofFloats(2, 2, new float[][] {{0, 0, 0, 0}, {0, 0, Float.NaN, 0}},
                new byte[][] {{1, 0, 0, 0}, {0, 0, 0, 0}});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MetricsEvaluator.evaluate(new int[] {1, 0}, new double[] {1, 0}, bad));
        assertEquals("anomaly map of image 1 is NaN at pixel (1, 0)", e.getMessage());
    }

    @Test
    void mapOfTheWrongSizeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PixelData.ofFloats(2, 2, new float[][] {{0, 0, 0}}, new byte[][] {{0, 0, 0, 0}}));
        assertEquals("image 0: map has 3 and mask 4 values, expected 2x2 = 4", e.getMessage());
    }
}
