package io.musc4j.models.profile;

import io.musc4j.models.ModelConfig;
import io.musc4j.models.io.WeightFileException;
import io.musc4j.models.layout.ConfigJson;
import io.musc4j.models.preprocess.Preprocessing;
import io.musc4j.models.vit.VitRecipe;
import io.musc4j.models.vit.WeightMap;
import java.util.Set;

/**
 * One backbone family, keyed by the Hugging Face {@code model_type}s it reads: how its transformers
 * {@code config.json} and tensor names translate into a {@link ModelConfig} and canonical weights, how
 * images are prepared for it, and what its forward pass taps and returns ({@link VitRecipe}). Adding a
 * backbone is one subclass registered in {@link BackboneProfiles}, plus its parity test. The timm and
 * open_clip layouts map their own files onto these profiles ({@code io.musc4j.models.layout}).
 */
public abstract class BackboneProfile {

    private final String id;
    private final Set<String> modelTypes;
    private final Preprocessing preprocessing;
    private final VitRecipe recipe;

    protected BackboneProfile(String id, Set<String> modelTypes, Preprocessing preprocessing, VitRecipe recipe) {
        this.id = id;
        this.modelTypes = Set.copyOf(modelTypes);
        this.preprocessing = preprocessing;
        this.recipe = recipe;
    }

    /** A short stable name ({@code dinov2}, {@code dinov2_with_registers}, {@code dino}, {@code clip}). */
    public final String id() {
        return id;
    }

    /** The transformers {@code model_type} values this profile reads. */
    public final Set<String> modelTypes() {
        return modelTypes;
    }

    /** How images become this family's input (SPEC §1); the reference ignores {@code preprocessor_config.json}. */
    public final Preprocessing preprocessing() {
        return preprocessing;
    }

    /** What the forward pass does for this family. */
    public final VitRecipe recipe() {
        return recipe;
    }

    /** Reads a transformers {@code config.json} whose {@code model_type} is one of {@link #modelTypes()}. */
    public abstract ModelConfig readConfig(ConfigJson config) throws WeightFileException;

    /** The transformers tensor names of a network of {@code cfg}, as canonical names. */
    public abstract WeightMap transformersNames(ModelConfig cfg);

    @Override
    public final String toString() {
        return id;
    }

    /** The names transformers' ViT family (ViTModel, Dinov2Model) gives the patch embedding, CLS token,
     *  position embeddings and final LayerNorm. */
    protected static WeightMap transformersEmbeddingsAndNorm() {
        return new WeightMap()
                .same("patch.weight", "embeddings.patch_embeddings.projection.weight")
                .same("patch.bias", "embeddings.patch_embeddings.projection.bias")
                .same("cls", "embeddings.cls_token")
                .same("pos", "embeddings.position_embeddings")
                .same("norm.weight", "layernorm.weight")
                .same("norm.bias", "layernorm.bias");
    }
}
