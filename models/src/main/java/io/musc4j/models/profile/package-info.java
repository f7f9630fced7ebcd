/**
 * Backbone families, one registered {@link io.musc4j.models.profile.BackboneProfile} each (DINOv2, DINOv2
 * with registers, DINO v1, CLIP), keyed by the transformers {@code model_type}.
 *
 * <p>In: a transformers {@code config.json}. Out: a {@link io.musc4j.models.ModelConfig}, the
 * transformers tensor names as canonical names ({@link io.musc4j.models.vit.WeightMap}), the
 * preprocessing recipe and the forward-pass recipe ({@link io.musc4j.models.vit.VitRecipe}).
 */
package io.musc4j.models.profile;
