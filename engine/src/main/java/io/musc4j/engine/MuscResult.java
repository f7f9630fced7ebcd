package io.musc4j.engine;

import ai.djl.ndarray.NDManager;
import io.musc4j.engine.maps.PixelMaps;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What {@link MuscPipeline} computed for one set of N images. Immutable: accessors return copies.
 *
 * <p>The <b>patch map</b> is the anomaly score of every patch (N, h·w): the mean over feature sets
 * (degrees) of the mean over layers of the MSM scores. The <b>pixel map</b> is the patch map upsampled
 * to S×S (bilinear, align corners), computed on demand. The image score before RsCIN is the maximum of
 * the pixel map (not of the patch map); {@link #scores()} are the final scores.
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
    private final PixelMaps pixelMaps;

    MuscResult(int images, int gridH, int gridW, List<Integer> degrees, int layers, double[][][] msm,
            double[][] layerMeans, double[] patchMap, double[] scoresBefore, float[] scores, PixelMaps pixelMaps) {
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
        this.pixelMaps = pixelMaps;
    }

    /** This result with other final scores (the RsCIN stage's). */
    MuscResult withScores(float[] rescored) {
        return new MuscResult(images, gridH, gridW, degrees, layers, msm, layerMeans, patchMap, scoresBefore,
                rescored, pixelMaps);
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

    /** The degree each feature set is recorded under (LNAMD: the config's degrees in order; SNAMD: the
     *  largest). */
    public List<Integer> degrees() {
        return degrees;
    }

    /** Pixel map side S. */
    public int imageSize() {
        return pixelMaps.size();
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

    /** Final image scores: after RsCIN, or, where RsCIN is off or not applied (a subset of a divided set,
     *  which {@link MuSc} re-scores as a whole), the scores before it unchanged (as float32). */
    public float[] scores() {
        return scores.clone();
    }

    /** The pixel map of one image, S×S float64 row-major (the reference's dtype). */
    public double[] pixelMap(int image, NDManager manager) {
        return pixelMaps.map(patchMap, image, manager);
    }

    /** Pixel maps (float32) and their maxima of images [from, to), upsampled on {@code manager}'s device. */
    public PixelMaps.Upsampled pixelMaps(int from, int to, NDManager manager) {
        return pixelMaps.upsample(patchMap, from, to, true, manager);
    }

    /** Every image's pixel map (float32) and its maximum, upsampled on {@code manager}'s device a
     *  {@link PixelMaps#CHUNK} of images at a time. */
    public PixelMaps.Upsampled pixelMaps(NDManager manager) {
        return pixelMaps.all(patchMap, images, true, manager);
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
