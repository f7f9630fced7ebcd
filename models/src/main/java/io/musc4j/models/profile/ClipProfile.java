package io.musc4j.models.profile;

import io.musc4j.models.ModelConfig;
import io.musc4j.models.io.WeightFileException;
import io.musc4j.models.layout.ConfigJson;
import io.musc4j.models.preprocess.Preprocessing;
import io.musc4j.models.vit.Mlp;
import io.musc4j.models.vit.PosEmbedResize;
import io.musc4j.models.vit.VitRecipe;
import io.musc4j.models.vit.WeightMap;
import java.util.Set;

/**
 * The CLIP vision tower (transformers {@code clip}: the vision half of {@code CLIPModel};
 * {@code clip_vision_model}: {@code CLIPVisionModelWithProjection}; SPEC §2b): no patch bias, a pre-norm,
 * raw block outputs as taps, the projected and L2-normalised CLS as image feature, the position embedding
 * resized to size g. Images are resized bicubically and normalised with OpenAI's statistics.
 */
final class ClipProfile extends BackboneProfile {

    ClipProfile() {
        super("clip", Set.of("clip", "clip_vision_model"), Preprocessing.clip(), new VitRecipe(false, true, false,
                VitRecipe.Tap.RAW, VitRecipe.ImageFeature.PROJECTED_UNIT, PosEmbedResize.Rule.SIZE,
                VitRecipe.TapAnchor.FIRST));
    }

    @Override
    public ModelConfig readConfig(ConfigJson root) throws WeightFileException {
        ConfigJson v = root.string("model_type").equals("clip") ? root.object("vision_config") : root;
        int proj = root.has("projection_dim") ? root.integer("projection_dim") : v.integer("projection_dim", 512);
        String act = v.optionalString("hidden_act").orElse("quick_gelu");
        Mlp mlp = switch (act) {
            case "quick_gelu" -> Mlp.QUICK_GELU;
            case "gelu" -> Mlp.GELU;
            default -> throw v.fail("hidden_act '" + act + "' is not supported for CLIP (gelu, quick_gelu)");
        };
        return new ModelConfig(this, v.integer("hidden_size"), v.integer("num_hidden_layers"),
                v.integer("num_attention_heads"), v.integer("intermediate_size"), v.integer("patch_size"),
                v.integer("image_size"), v.number("layer_norm_eps", 1e-5), mlp, proj, 0);
    }

    @Override
    public WeightMap transformersNames(ModelConfig cfg) {
        String v = "vision_model.";
        WeightMap m = new WeightMap()
                .same("patch.weight", v + "embeddings.patch_embedding.weight")
                .same("cls", v + "embeddings.class_embedding")
                .same("pos", v + "embeddings.position_embedding.weight")
                .same("pre_norm.weight", v + "pre_layrnorm.weight")
                .same("pre_norm.bias", v + "pre_layrnorm.bias")
                .same("norm.weight", v + "post_layernorm.weight")
                .same("norm.bias", v + "post_layernorm.bias")
                .same("head.weight", "visual_projection.weight")
                // a full CLIPModel checkpoint also holds the text tower, which MuSc never uses
                .ignore(n -> n.startsWith("text_model.") || n.equals("text_projection.weight")
                        || n.equals("logit_scale") || n.endsWith("position_ids"));
        for (int i = 0; i < cfg.layers(); i++) {
            String b = "blocks." + i + ".";
            String h = v + "encoder.layers." + i + ".";
            String a = h + "self_attn.";
            for (String p : new String[] {"weight", "bias"}) {
                m.same(b + "norm1." + p, h + "layer_norm1." + p)
                        .concat(b + "qkv." + p, a + "q_proj." + p, a + "k_proj." + p, a + "v_proj." + p)
                        .same(b + "proj." + p, a + "out_proj." + p)
                        .same(b + "norm2." + p, h + "layer_norm2." + p)
                        .same(b + "fc1." + p, h + "mlp.fc1." + p)
                        .same(b + "fc2." + p, h + "mlp.fc2." + p);
            }
        }
        return m;
    }
}
