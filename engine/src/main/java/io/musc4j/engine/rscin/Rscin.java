package io.musc4j.engine.rscin;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * RsCIN (Re-scoring with Constrained Image-level Neighborhood, MuSc §3.4): refines the image scores
 * by averaging each image's score over its most similar images.
 *
 * <p>The scores are min–max normalised (float64, then float32). W = F·Fᵀ of the image features
 * (float32), taken as given: for DINOv2 the features are raw CLS tokens, so W is not a cosine
 * similarity and the diagonal need not be the row maximum. For each window k, every row keeps its
 * k largest entries (the image itself only if it is among them), is divided by its sum, and is
 * applied to the normalised scores. The result is the mean over windows, in float32, on the
 * normalised [0, 1] scale.
 *
 * <p><b>Ties.</b> The reference zeroes the N−k smallest entries with {@code torch.topk}, which leaves
 * the choice among equal entries to the implementation. Here, among equal entries the one with the
 * lower column index is kept. Nothing guards against zero or negative row sums, as in the reference.
 */
public final class Rscin {

    private Rscin() {
    }

    /**
     * Re-scores images.
     *
     * @param scores image scores before RsCIN (N)
     * @param features image features, N rows of equal width
     * @param windows window sizes, each at most N; {@link RscinWindows#off()} returns the scores as
     *     float32 unchanged
     * @return the refined scores (N), float32
     */
    public static float[] rescore(double[] scores, float[][] features, RscinWindows windows) {
        int n = scores.length;
        if (windows.isOff()) {
            return unchanged(scores);
        }
        if (features.length != n) {
            throw new IllegalArgumentException("RsCIN: " + n + " scores but " + features.length + " image features");
        }
        for (int k : windows.windows()) {
            if (k > n) {
                throw new IllegalArgumentException("RsCIN: window " + k + " is larger than the " + n + " images");
            }
        }
        float[] normalised = minMax(scores);
        float[][] w = gram(features);
        float[] sum = new float[n];
        for (int k : windows.windows()) {
            float[] sk = propagate(w, normalised, k);
            for (int i = 0; i < n; i++) {
                sum[i] += sk[i];
            }
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = sum[i] / windows.windows().size();
        }
        return out;
    }

    /** The scores as RsCIN returns them when it is off: unchanged, in float32 (RsCIN's output type). */
    public static float[] unchanged(double[] scores) {
        float[] same = new float[scores.length];
        for (int i = 0; i < scores.length; i++) {
            same[i] = (float) scores[i];
        }
        return same;
    }

    private static float[] minMax(double[] s) {
        double min = Arrays.stream(s).min().orElseThrow();
        double max = Arrays.stream(s).max().orElseThrow();
        float[] out = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = (float) ((s[i] - min) / (max - min));
        }
        return out;
    }

    private static float[][] gram(float[][] f) {
        int n = f.length;
        float[][] w = new float[n][n];
        for (int i = 0; i < n; i++) {
            if (f[i].length != f[0].length) {
                throw new IllegalArgumentException("RsCIN: image features have unequal widths");
            }
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int d = 0; d < f[i].length; d++) {
                    dot += (double) f[i][d] * f[j][d];
                }
                w[i][j] = (float) dot;
            }
        }
        return w;
    }

    /** One window: S_k = D⁻¹ W_k s', where W_k keeps the k largest entries per row. */
    private static float[] propagate(float[][] w, float[] s, int k) {
        int n = s.length;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float[] row = w[i];
            int[] kept = IntStream.range(0, n).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(j -> -row[j]).thenComparingInt(j -> j))
                    .limit(k).mapToInt(Integer::intValue).sorted().toArray();
            float rowSum = 0;
            for (int j : kept) {
                rowSum += row[j];
            }
            float inverse = 1f / rowSum;
            float acc = 0;
            for (int j : kept) {
                acc += (inverse * row[j]) * s[j];
            }
            out[i] = acc;
        }
        return out;
    }
}
