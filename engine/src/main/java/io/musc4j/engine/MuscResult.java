package io.musc4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.musc4j.engine.maps.AlignCornersUpsampler;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What {@link MuscScorer} computed for N images. Immutable: accessors return copies.
 *
 * <p>The <b>patch map</b> is the anomaly score of every patch (N, h·w): the mean over degrees of the
 * mean over layers of the MSM scores. The <b>pixel map</b> is the patch map upsampled to S×S
 * (bilinear, align corners), computed on demand. The image score before RsCIN is the maximum of the
 * pixel map (not of the patch map); the final score is RsCIN's, on the normalised [0, 1] scale.
 */
public final class MuscResult {

    private final int images;
    private final int gridH;
    private final int gridW;
    private final List<Integer> degrees;
    private final int layers;
    private final double[][][] msm;
    private final double[][] layerMeans;
    private final double[] patchMap;
    private final double[] scoresBefore;
    private final float[] scores;
    private final AlignCornersUpsampler upsampler;

    MuscResult(int images, int gridH, int gridW, List<Integer> degrees, int layers, double[][][] msm,
            double[][] layerMeans, double[] patchMap, double[] scoresBefore, float[] scores,
            AlignCornersUpsampler upsampler) {
        this.images = images;
        this.gridH = gridH;
        this.gridW = gridW;
        this.degrees = List.copyOf(degrees);
        this.layers = layers;
        this.msm = msm;
        this.layerMeans = layerMeans;
        this.patchMap = patchMap;
        this.scoresBefore = scoresBefore;
        this.scores = scores;
        this.upsampler = upsampler;
    }

    /** Number of images N. */
    public int images() {
        return images;
    }

    /** Patch grid rows h. */
    public int gridH() {
        return gridH;
    }

    /** Patch grid columns w. */
    public int gridW() {
        return gridW;
    }

    /** Number of tapped layers. */
    public int layers() {
        return layers;
    }

    /** Aggregation degrees r, in the config's order. */
    public List<Integer> degrees() {
        return degrees;
    }

    /** Pixel map side S. */
    public int imageSize() {
        return upsampler.size();
    }

    /**
     * MSM scores (N, h·w) of one degree and layer, if the config kept them.
     *
     * @param degree an aggregation degree r of the config
     * @param layer index into the caller's list of tapped layers
     */
    public Optional<double[][]> msm(int degree, int layer) {
        if (msm == null) {
            return Optional.empty();
        }
        return Optional.of(rows(msm[degreeIndex(degree)][layer]));
    }

    /** Mean over layers of the MSM scores of one degree, (N, h·w). */
    public double[][] layerMean(int degree) {
        return rows(layerMeans[degreeIndex(degree)]);
    }

    /** The patch map (N, h·w). */
    public double[][] patchMap() {
        return rows(patchMap);
    }

    /** Image scores before RsCIN: the maximum of each pixel map. */
    public double[] scoresBeforeRscin() {
        return scoresBefore.clone();
    }

    /** Final image scores (after RsCIN, or the scores before it as float32 when RsCIN is off). */
    public float[] scores() {
        return scores.clone();
    }

    /** The pixel map of one image, S×S float64 row-major. */
    public double[] pixelMap(int image, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            int patches = gridH * gridW;
            NDArray map = scope.create(Arrays.copyOfRange(patchMap, image * patches, (image + 1) * patches),
                    new Shape(1, patches));
            return upsampler.upsample(map).toDoubleArray();
        }
    }

    private int degreeIndex(int degree) {
        int i = degrees.indexOf(degree);
        if (i < 0) {
            throw new IllegalArgumentException("degree " + degree + " was not computed; degrees are " + degrees);
        }
        return i;
    }

    private double[][] rows(double[] flat) {
        int patches = gridH * gridW;
        double[][] out = new double[images][];
        for (int i = 0; i < images; i++) {
            out[i] = Arrays.copyOfRange(flat, i * patches, (i + 1) * patches);
        }
        return out;
    }
}
