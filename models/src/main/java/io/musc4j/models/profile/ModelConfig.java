package io.musc4j.models.profile;

import io.musc4j.models.vit.Mlp;
import io.musc4j.models.vit.VitRecipe;

/**
 * The numbers that define a ViT backbone, whatever layout its files come in.
 *
 * @param profile          the family: what the forward pass does with these numbers
 * @param hiddenSize       token width C
 * @param layers           number of transformer blocks
 * @param heads            attention heads
 * @param intermediateSize MLP hidden width H (for SwiGLU the width after gating; fc1 is 2H wide)
 * @param patchSize        patch (conv kernel and stride) in pixels
 * @param imageSize        trained input size; the trained grid is imageSize / patchSize
 * @param layerNormEps     LayerNorm epsilon of every norm
 * @param mlp              the block MLP
 * @param projectionDim    CLIP image-embedding width (0 for the others)
 * @param registers        register tokens after the class token (0 for most)
 */
public record ModelConfig(BackboneProfile profile, int hiddenSize, int layers, int heads, int intermediateSize,
        int patchSize, int imageSize, double layerNormEps, Mlp mlp, int projectionDim, int registers) {

    public ModelConfig {
        if (hiddenSize <= 0 || layers <= 0 || heads <= 0 || intermediateSize <= 0 || patchSize <= 0 || imageSize <= 0
                || hiddenSize % heads != 0 || registers < 0 || imageSize < patchSize) {
            throw new IllegalArgumentException("not a ViT: width " + hiddenSize + ", " + layers + " blocks, " + heads
                    + " heads, MLP " + intermediateSize + ", patch " + patchSize + ", image " + imageSize
                    + ", registers " + registers);
        }
        if ((profile.recipe().imageFeature() == VitRecipe.ImageFeature.PROJECTED_UNIT) != (projectionDim > 0)) {
            throw new IllegalArgumentException(profile + " needs a projection width exactly when its image"
                    + " feature is projected, got " + projectionDim);
        }
    }

    /** Patch grid side the position embedding was trained for. */
    public int trainedGrid() {
        return imageSize / patchSize;
    }

    /** Width D of the image feature RsCIN compares. */
    public int featureDim() {
        return projectionDim > 0 ? projectionDim : hiddenSize;
    }
}
