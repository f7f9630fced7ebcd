package io.musc4j.models.layout;

import io.musc4j.models.io.WeightFileException;
import io.musc4j.models.profile.BackboneProfiles;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.vit.Mlp;
import io.musc4j.models.vit.WeightMap;
import java.util.List;

/**
 * open_clip's layout: {@code open_clip_config.json} ({@code model_cfg}: {@code embed_dim},
 * {@code quick_gelu}, {@code vision_cfg}: {@code image_size}, {@code layers}, {@code width},
 * {@code patch_size}, {@code head_width}, {@code mlp_ratio}) with {@code open_clip_model.safetensors}
 * ({@code visual.*}: {@code conv1}, {@code class_embedding}, {@code positional_embedding}, {@code ln_pre},
 * {@code transformer.resblocks.N.{ln_1, attn.in_proj_*, attn.out_proj, ln_2, mlp.c_fc, mlp.c_proj}},
 * {@code ln_post}, {@code proj} stored (width, embed_dim)). Only the plain OpenAI-style ViT tower is
 * read, as the CLIP profile; the text tower is ignored. Activation: QuickGELU when {@code quick_gelu} is
 * true, else GELU, as open_clip itself builds the tower.
 */
final class OpenClipLayout {

    /** vision_cfg options that change the network; any of them set (truthy) is refused. */
    private static final List<String> UNSUPPORTED = List.of("timm_model_name", "ls_init_value", "attentional_pool",
            "no_ln_pre", "final_ln_after_pool", "qk_norm", "scaled_cosine_attn", "scale_heads", "scale_attn_inner",
            "scale_attn", "scale_fc", "act_kwargs", "norm_kwargs", "block_type");

    private OpenClipLayout() {
    }

    static ModelConfig config(ConfigJson json) throws WeightFileException {
        ConfigJson model = json.object("model_cfg");
        ConfigJson v = model.object("vision_cfg");
        for (String key : UNSUPPORTED) {
            com.google.gson.JsonElement e = v.raw(key);
            boolean set = e != null && !e.isJsonNull() && !(e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()
                    && !e.getAsBoolean());
            if (set) {
                throw json.fail("vision_cfg " + key + "=" + e + " is not supported (only the plain ViT tower is)");
            }
        }
        String pool = v.optionalString("pool_type").orElse("tok");
        String pos = v.optionalString("pos_embed_type").orElse("learnable");
        if (!pool.equals("tok") || !pos.equals("learnable")) {
            throw json.fail("vision_cfg pool_type '" + pool + "' / pos_embed_type '" + pos
                    + "' is not supported (tok / learnable)");
        }
        int width = v.integer("width");
        int headWidth = v.integer("head_width", 64);
        if (width % headWidth != 0) {
            throw json.fail("vision_cfg width " + width + " is not a multiple of head_width " + headWidth);
        }
        return new ModelConfig(BackboneProfiles.CLIP, width, v.integer("layers"), width / headWidth,
                (int) (width * v.number("mlp_ratio", 4.0)), v.integer("patch_size"), v.squareSize("image_size"),
                1e-5, model.bool("quick_gelu", false) ? Mlp.QUICK_GELU : Mlp.GELU, model.integer("embed_dim"), 0);
    }

    static WeightMap names(ModelConfig cfg) {
        String v = "visual.";
        WeightMap m = new WeightMap()
                .same("patch.weight", v + "conv1.weight")
                .same("cls", v + "class_embedding")
                .same("pos", v + "positional_embedding")
                .same("pre_norm.weight", v + "ln_pre.weight")
                .same("pre_norm.bias", v + "ln_pre.bias")
                .same("norm.weight", v + "ln_post.weight")
                .same("norm.bias", v + "ln_post.bias")
                .transposed("head.weight", v + "proj")
                .ignore(n -> !n.startsWith(v));
        for (int i = 0; i < cfg.layers(); i++) {
            String b = "blocks." + i + ".";
            String r = v + "transformer.resblocks." + i + ".";
            for (String p : new String[] {"weight", "bias"}) {
                m.same(b + "norm1." + p, r + "ln_1." + p)
                        .same(b + "qkv." + p, r + "attn.in_proj_" + p)
                        .same(b + "proj." + p, r + "attn.out_proj." + p)
                        .same(b + "norm2." + p, r + "ln_2." + p)
                        .same(b + "fc1." + p, r + "mlp.c_fc." + p)
                        .same(b + "fc2." + p, r + "mlp.c_proj." + p);
            }
        }
        return m;
    }
}
