package io.musc4j.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.musc4j.engine.maps.PixelMaps;
import java.util.ArrayList;
import java.util.List;

/**
 * The result of scoring one set of N images with {@link MuSc} (possibly in several {@link Division
 * subsets}, each scored on its own, with RsCIN over the whole set). Pixel maps are computed on demand
 * from the patch maps (an S×S map per image adds up quickly), so holding a result is cheap.
 *
 * <p>{@link #scores()} are the final image scores (after RsCIN); {@link #mapMax()} the maxima of the
 * pixel maps, which RsCIN re-scores (the names of docs/thresholds.md, "Names").
 */
public final class ScoredSet {

    private final List<MuscResult> parts;
    private final int[][] subsets;
    private final int[] partOf;
    private final int[] indexInPart;
    private final double[] scoresBefore;
    private final float[] scores;
    private final Device device;

    /**
     * @param parts per subset, what the pipeline computed for it
     * @param subsets per subset, the indices of its images in the set
     * @param scoresBefore (N) image scores before RsCIN, in set order
     * @param scores (N) final image scores, in set order
     * @param device where the pixel maps are upsampled (the run's device)
     */
    ScoredSet(List<MuscResult> parts, int[][] subsets, double[] scoresBefore, float[] scores, Device device) {
        this.parts = List.copyOf(parts);
        this.subsets = subsets;
        this.scoresBefore = scoresBefore;
        this.scores = scores;
        this.device = device;
        this.partOf = new int[scores.length];
        this.indexInPart = new int[scores.length];
        for (int p = 0; p < subsets.length; p++) {
            for (int k = 0; k < subsets[p].length; k++) {
                partOf[subsets[p][k]] = p;
                indexInPart[subsets[p][k]] = k;
            }
        }
    }

    /** Number of images scored. */
    public int size() {
        return scores.length;
    }

    /** Side S of the pixel maps. */
    public int imageSize() {
        return parts.get(0).imageSize();
    }

    /** Final image scores, in input order: after RsCIN (on the set's [0, 1] scale), or, with RsCIN off,
     *  the scores before it unchanged (as float32). */
    public float[] scores() {
        return scores.clone();
    }

    /** Each pixel map's maximum, the image score before RsCIN, in input order. */
    public double[] mapMax() {
        return scoresBefore.clone();
    }

    /** The pixel map of image {@code i}, S×S row-major float32. */
    public float[] map(int i) {
        try (NDManager scope = NDManager.newBaseManager(device)) {
            return parts.get(partOf[i]).pixelMaps(indexInPart[i], indexInPart[i] + 1, scope).maps()[0];
        }
    }

    /**
     * All pixel maps, in input order: (N, S·S) float32, upsampled {@value PixelMaps#CHUNK} images at a
     * time in one scope on the run's device.
     */
    public float[][] maps() {
        float[][] out = new float[size()][];
        try (NDManager scope = NDManager.newBaseManager(device)) {
            for (int p = 0; p < parts.size(); p++) {
                float[][] part = parts.get(p).pixelMaps(scope).maps();
                for (int k = 0; k < part.length; k++) {
                    out[subsets[p][k]] = part[k];
                }
            }
        }
        return out;
    }

    /** Scores and map of image {@code i}. */
    public ImageResult image(int i) {
        return new ImageResult(scores[i], scoresBefore[i], map(i), imageSize());
    }

    /** All images' results, maps included (S·S floats each). */
    public List<ImageResult> images() {
        float[][] maps = maps();
        List<ImageResult> all = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            all.add(new ImageResult(scores[i], scoresBefore[i], maps[i], imageSize()));
        }
        return all;
    }
}
