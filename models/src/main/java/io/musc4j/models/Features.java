package io.musc4j.models;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The output of one backbone pass over a batch (SPEC §2).
 *
 * @param taps          the requested feature layers, in request order
 * @param tokens        per layer, the (B, 1+L, C) tokens fed to LNAMD, register tokens dropped (DINOv2:
 *                      final-norm output with a zero row at position 0; DINO v1: final-norm output with
 *                      its CLS row; CLIP: raw block output with the real CLS row)
 * @param imageFeatures (B, D) image features for RsCIN (DINOv2, DINO v1: final-norm CLS, not normalised;
 *                      CLIP: projected post-norm CLS, L2-normalised)
 */
public record Features(int[] taps, List<NDArray> tokens, NDArray imageFeatures) {

    /** The tokens of feature layer {@code layer}; it must be one of {@link #taps()}. */
    public NDArray tokensOf(int layer) {
        for (int i = 0; i < taps.length; i++) {
            if (taps[i] == layer) {
                return tokens.get(i);
            }
        }
        throw new IllegalArgumentException("layer " + layer + " was not tapped (taps " + java.util.Arrays.toString(taps) + ")");
    }
}
