/**
 * Backbone families, one {@link io.musc4j.models.profile.BackboneProfile} each (DINOv2, DINOv2 with
 * registers, DINO v1, CLIP): the preprocessing recipe and the forward-pass recipe
 * ({@link io.musc4j.models.vit.VitRecipe}); and {@link io.musc4j.models.profile.ModelConfig}, the
 * numbers of one network of a family. Reading them from files is the layouts' work
 * ({@code io.musc4j.models.layout}); this package depends on none of them.
 */
package io.musc4j.models.profile;
