/**
 * ViT backbones for MuSc. {@link io.musc4j.models.Backbones#load} turns a model folder (any layout of
 * {@link io.musc4j.models.layout.ModelLayout}) into a {@link io.musc4j.models.Backbone}, a
 * {@link io.musc4j.models.VisionTransformer} over {@link io.musc4j.models.VitWeights}; its
 * {@link io.musc4j.models.BackboneSpec} says what it is (family profile, patch, width C, blocks, feature
 * width D) and how images are prepared for it.
 *
 * <p>In: (B, 3, S, S) float32 preprocessed images and the feature layers. Out ({@link
 * io.musc4j.models.Features}): per layer (B, 1+L, C) tokens, L = (S / patch)², row 0 the CLS position
 * (zeros for DINOv2), register tokens dropped; and (B, D) image features for RsCIN.
 *
 * <p>The packages below this one depend on none above them: {@code io}, {@code script} and
 * {@code preprocess} at the bottom, then {@code vit} (the pass's parts), {@code profile} (the families
 * and {@link io.musc4j.models.profile.ModelConfig}), {@code layout} (files to configurations and
 * canonical names) and {@code hub} (downloads); {@code ModelsStructureTest} keeps it so.
 */
package io.musc4j.models;
