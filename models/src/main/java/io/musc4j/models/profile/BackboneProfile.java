package io.musc4j.models.profile;

import io.musc4j.models.preprocess.Preprocessing;
import io.musc4j.models.vit.VitRecipe;

/**
 * One backbone family: how images are prepared for it and what its forward pass taps and returns
 * ({@link VitRecipe}). The families are the constants of {@link BackboneProfiles}; how each model-folder
 * layout names a family's sizes and tensors lives with the layouts ({@code io.musc4j.models.layout}),
 * so a profile knows nothing of files.
 */
public final class BackboneProfile {

    private final String id;
    private final Preprocessing preprocessing;
    private final VitRecipe recipe;

    BackboneProfile(String id, Preprocessing preprocessing, VitRecipe recipe) {
        this.id = id;
        this.preprocessing = preprocessing;
        this.recipe = recipe;
    }

    /** A short stable name ({@code dinov2}, {@code dinov2_with_registers}, {@code dino}, {@code clip}). */
    public String id() {
        return id;
    }

    /** How images become this family's input (SPEC §1); the reference ignores {@code preprocessor_config.json}. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** What the forward pass does for this family. */
    public VitRecipe recipe() {
        return recipe;
    }

    @Override
    public String toString() {
        return id;
    }
}
