/**
 * The ViT forward pass on DJL NDArray ops, shared by every family.
 *
 * <p>In: canonical tensors ({@link io.musc4j.models.vit.CanonicalTensors}, shapes in
 * {@link io.musc4j.models.vit.WeightMap}) loaded into {@link io.musc4j.models.vit.VitWeights}, and
 * (B, 3, S, S) images. Out: per requested layer (B, 1+L, C) tokens and (B, D) image features, as the
 * family's {@link io.musc4j.models.vit.VitRecipe} says; position embeddings resized per input grid by
 * {@link io.musc4j.models.vit.PosEmbedResize} ((1+M², C) to (1+g², C)).
 */
package io.musc4j.models.vit;
