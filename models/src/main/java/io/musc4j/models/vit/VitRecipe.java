package io.musc4j.models.vit;

import java.util.Arrays;

/**
 * What distinguishes one ViT family's forward pass (SPEC §2): which optional tensors exist, what a tap
 * returns, which image feature RsCIN gets, how the position embedding follows the input grid and which
 * block a requested layer taps.
 *
 * @param patchBias    whether the patchify convolution has a bias (CLIP: no)
 * @param preNorm      whether a LayerNorm follows the embedding (CLIP's {@code ln_pre})
 * @param layerScale   whether each residual branch is scaled per channel (DINOv2's γ1, γ2)
 * @param tap          what a tapped block output becomes
 * @param imageFeature what RsCIN's image feature is
 * @param positions    how the position embedding is resized to another grid
 * @param anchor       which block a requested layer taps
 */
public record VitRecipe(boolean patchBias, boolean preNorm, boolean layerScale, Tap tap, ImageFeature imageFeature,
        PosEmbedResize.Rule positions, TapAnchor anchor) {

    /** What a tapped block output becomes, as (B, 1+L, C) with register tokens dropped. */
    public enum Tap {
        /** DINOv2: the final LayerNorm applied, the CLS row replaced by zeros (SPEC §2a). */
        FINAL_NORM_ZERO_CLS,
        /** DINO v1: the final LayerNorm applied, the real CLS row kept (SPEC §2d). */
        FINAL_NORM,
        /** CLIP: the raw block output (SPEC §2b). */
        RAW
    }

    /** The (B, D) image feature RsCIN compares. */
    public enum ImageFeature {
        /** DINOv2, DINO v1: the final-normed CLS after the last block, D = C, not normalised. */
        FINAL_NORM_CLS,
        /** CLIP: {@code ln_post(CLS) @ proj}, D = projection width, L2-normalised. */
        PROJECTED_UNIT
    }

    /** Which 0-based block a requested layer taps. */
    public enum TapAnchor {
        /** Layer l taps block l (DINOv2, CLIP). */
        FIRST,
        /**
         * Layer l taps block {@code depth − max(layers) − 1 + l} (the DINO v1 reference takes the last
         * max(layers)+1 blocks' outputs and indexes them by l, SPEC §2d).
         */
        LAST;

        /** The blocks the {@code layers} tap in a network of {@code depth} blocks, in request order. */
        public int[] blocks(int[] layers, int depth) {
            if (this == FIRST || layers.length == 0) {
                return layers.clone();
            }
            int max = Arrays.stream(layers).max().orElseThrow();
            return Arrays.stream(layers).map(l -> depth - max - 1 + l).toArray();
        }
    }
}
