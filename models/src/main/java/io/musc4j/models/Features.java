package io.musc4j.models;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The output of one backbone pass over a batch (SPEC §2).
 *
 * @param taps          the requested block indices, in request order
 * @param tokens        per tap, the (B, 1+L, C) tokens fed to LNAMD (DINOv2: final-norm output with a
 *                      zero row at position 0; CLIP: raw block output with the real CLS row)
 * @param imageFeatures (B, D) image features for RsCIN (DINOv2: final-norm CLS, not normalised;
 *                      CLIP: projected post-norm CLS, L2-normalised)
 */
public record Features(int[] taps, List<NDArray> tokens, NDArray imageFeatures) {

    /** The tokens of block {@code block}; it must be one of {@link #taps()}. */
    public NDArray tokensOf(int block) {
        for (int i = 0; i < taps.length; i++) {
            if (taps[i] == block) {
                return tokens.get(i);
            }
        }
        throw new IllegalArgumentException("block " + block + " was not tapped (taps " + java.util.Arrays.toString(taps) + ")");
    }
}
