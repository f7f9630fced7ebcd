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
 * DINO v1 (transformers {@code ViTModel}, {@code model_type} "vit": facebook/dino-vitb16, dino-vitb8,
 * dino-vits16, dino-vits8; SPEC §2d). No layer scale; every tap goes through the final norm and keeps its
 * CLS row; the taps are anchored at the last block; the image feature is the final-normed CLS; position
 * embeddings follow DINOv2's rule. LayerNorm eps is 1e-6 whatever {@code config.json} says (the hub's
 * configs say 1e-12; the reference's numbers come from 1e-6). Images are prepared as for DINOv2.
 */
final class DinoProfile extends BackboneProfile {

    /** The eps of the reference's DINO v1 implementation. */
    static final double EPS = 1e-6;

    DinoProfile() {
        super("dino", Set.of("vit"), Preprocessing.dinov2(), new VitRecipe(true, false, false,
                VitRecipe.Tap.FINAL_NORM, VitRecipe.ImageFeature.FINAL_NORM_CLS, PosEmbedResize.Rule.OFFSET_SCALE,
                VitRecipe.TapAnchor.LAST));
    }

    @Override
    public ModelConfig readConfig(ConfigJson c) throws WeightFileException {
        String act = c.optionalString("hidden_act").orElse("gelu");
        if (!act.equals("gelu")) {
            throw c.fail("hidden_act '" + act + "' is not supported for DINO (gelu)");
        }
        if (!c.bool("qkv_bias", true)) {
            throw c.fail("qkv_bias=false is not supported");
        }
        return new ModelConfig(this, c.integer("hidden_size"), c.integer("num_hidden_layers"),
                c.integer("num_attention_heads"), c.integer("intermediate_size"), c.integer("patch_size"),
                c.integer("image_size"), EPS, Mlp.GELU, 0, 0);
    }

    @Override
    public WeightMap transformersNames(ModelConfig cfg) {
        WeightMap m = transformersEmbeddingsAndNorm()
                .ignore(n -> n.startsWith("pooler."));
        for (int i = 0; i < cfg.layers(); i++) {
            String b = "blocks." + i + ".";
            String h = "encoder.layer." + i + ".";
            String a = h + "attention.attention.";
            for (String p : new String[] {"weight", "bias"}) {
                m.same(b + "norm1." + p, h + "layernorm_before." + p)
                        .concat(b + "qkv." + p, a + "query." + p, a + "key." + p, a + "value." + p)
                        .same(b + "proj." + p, h + "attention.output.dense." + p)
                        .same(b + "norm2." + p, h + "layernorm_after." + p)
                        .same(b + "fc1." + p, h + "intermediate.dense." + p)
                        .same(b + "fc2." + p, h + "output.dense." + p);
            }
        }
        return m;
    }
}
