package io.musc4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * The backbone's output for a whole image set: per tapped layer the tokens (N, 1+h·w, C), and the
 * (N, D) image features RsCIN uses. Owns the manager holding them; close it when scored.
 *
 * @param layers per tapped layer, in tap order
 * @param imageFeatures (N, D)
 * @param gridH patch rows h
 * @param gridW patch columns w
 */
public record PatchTokens(List<NDArray> layers, NDArray imageFeatures, int gridH, int gridW, NDManager manager)
        implements AutoCloseable {

    /** Number of images. */
    public int images() {
        return Math.toIntExact(imageFeatures.getShape().get(0));
    }

    /** The image features as Java rows (N × D float32), the form RsCIN takes. */
    public float[][] imageFeatureRows() {
        return rows(imageFeatures);
    }

    /** Rows of an (n, D) array as float32. */
    public static float[][] rows(NDArray features) {
        int n = Math.toIntExact(features.getShape().get(0));
        int d = Math.toIntExact(features.getShape().get(1));
        float[] flat = features.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        float[][] rows = new float[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, rows[i], 0, d);
        }
        return rows;
    }

    @Override
    public void close() {
        manager.close();
    }
}
