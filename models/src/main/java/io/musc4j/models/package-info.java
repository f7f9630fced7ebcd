/**
 * ViT backbones for MuSc. {@link io.musc4j.models.Backbones#load} turns a model folder (any layout of
 * {@link io.musc4j.models.layout.ModelLayout}) into a {@link io.musc4j.models.Backbone}; its
 * {@link io.musc4j.models.BackboneSpec} says what it is (family profile, patch, width C, blocks, feature
 * width D) and how images are prepared for it.
 *
 * <p>In: (B, 3, S, S) float32 preprocessed images and the feature layers. Out ({@link
 * io.musc4j.models.Features}): per layer (B, 1+L, C) tokens, L = (S / patch)², row 0 the CLS position
 * (zeros for DINOv2), register tokens dropped; and (B, D) image features for RsCIN.
 */
package io.musc4j.models;
