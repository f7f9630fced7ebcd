/**
 * The parts of the ViT forward pass every family shares, below the network that composes them
 * ({@link io.musc4j.models.VisionTransformer}): the fused attention kernel
 * ({@link io.musc4j.models.vit.FusedAttention}), position embeddings resized per input grid
 * ({@link io.musc4j.models.vit.PosEmbedResize}: (1+M², C) to (1+g², C)), the block MLP
 * ({@link io.musc4j.models.vit.Mlp}), what a family's pass taps and returns
 * ({@link io.musc4j.models.vit.VitRecipe}), and canonical tensor names with their shapes
 * ({@link io.musc4j.models.vit.WeightMap}, {@link io.musc4j.models.vit.CanonicalTensors}).
 */
package io.musc4j.models.vit;
