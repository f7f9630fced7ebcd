package io.musc4j.engine;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * The result of scoring one set of images (possibly in several {@link Division subsets}). Pixel maps
 * are computed on demand from the patch maps (an S×S map per image adds up quickly), so holding a
 * result is cheap.
 */
public final class BatchResult {

    private final List<MuscResult> parts;
    private final int[] partOf;
    private final int[] indexInPart;
    private final double[] scores;
    private final float[] scoresRscin;

    BatchResult(List<MuscResult> parts, int[][] subsets, double[] scores, float[] scoresRscin) {
        this.parts = List.copyOf(parts);
        this.scores = scores;
        this.scoresRscin = scoresRscin;
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

    /** Image scores before RsCIN (max of each pixel map), in input order. */
    public double[] scores() {
        return scores.clone();
    }

    /** Image scores after RsCIN, in input order. */
    public float[] scoresRscin() {
        return scoresRscin.clone();
    }

    /** The pixel map of image {@code i}, S×S row-major float32. */
    public float[] map(int i) {
        try (NDManager scope = NDManager.newBaseManager()) {
            double[] m = parts.get(partOf[i]).pixelMap(indexInPart[i], scope);
            float[] out = new float[m.length];
            for (int k = 0; k < m.length; k++) {
                out[k] = (float) m[k];
            }
            return out;
        }
    }

    /** Score, RsCIN score and map of image {@code i}. */
    public ImageResult image(int i) {
        return new ImageResult(scores[i], scoresRscin[i], map(i), imageSize());
    }

    /** All images' results, maps included (S·S floats each). */
    public List<ImageResult> images() {
        List<ImageResult> all = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            all.add(image(i));
        }
        return all;
    }

    /** The scoring core's results (patch maps, per-degree layer means), one per subset. */
    public List<MuscResult> details() {
        return parts;
    }
}
