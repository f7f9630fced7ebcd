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
 * DINOv2 (transformers {@code Dinov2Model}, SPEC §2a), and DINOv2 with registers
 * ({@code Dinov2WithRegistersModel}): layer scale, taps through the final norm with the CLS row zeroed,
 * the final-normed CLS as image feature. The giant models use a SwiGLU MLP ({@code use_swiglu_ffn}).
 * Registers are extra learned tokens after the class token, dropped from the taps; the transformers
 * implementation with registers resizes the position embedding with {@code size=g, antialias=True}.
 * No reference run exists for registers or SwiGLU (the official MuSc code has neither).
 */
final class Dinov2Profile extends BackboneProfile {

    private final boolean registers;

    private Dinov2Profile(String id, String modelType, PosEmbedResize.Rule positions, boolean registers) {
        super(id, Set.of(modelType), Preprocessing.dinov2(), new VitRecipe(true, false, true,
                VitRecipe.Tap.FINAL_NORM_ZERO_CLS, VitRecipe.ImageFeature.FINAL_NORM_CLS, positions,
                VitRecipe.TapAnchor.FIRST));
        this.registers = registers;
    }

    static Dinov2Profile plain() {
        return new Dinov2Profile("dinov2", "dinov2", PosEmbedResize.Rule.OFFSET_SCALE, false);
    }

    static Dinov2Profile withRegisters() {
        return new Dinov2Profile("dinov2_with_registers", "dinov2_with_registers", PosEmbedResize.Rule.SIZE_ANTIALIAS, true);
    }

    /** transformers' SwiGLU width: ⌊⌊C·ratio⌋·2/3⌋ rounded up to a multiple of 8. */
    static int swigluHidden(int width, double mlpRatio) {
        int h = (int) (width * mlpRatio);
        return ((int) (h * 2 / 3.0) + 7) / 8 * 8;
    }

    @Override
    public ModelConfig readConfig(ConfigJson c) throws WeightFileException {
        int hidden = c.integer("hidden_size");
        double ratio = c.number("mlp_ratio", 4);
        boolean swiglu = c.bool("use_swiglu_ffn", false);
        String act = c.optionalString("hidden_act").orElse("gelu");
        if (!swiglu && !act.equals("gelu")) {
            throw c.fail("hidden_act '" + act + "' is not supported for " + id() + " (gelu)");
        }
        if (!c.bool("qkv_bias", true)) {
            throw c.fail("qkv_bias=false is not supported");
        }
        int regs = registers ? c.integer("num_register_tokens") : 0;
        return new ModelConfig(this, hidden, c.integer("num_hidden_layers"), c.integer("num_attention_heads"),
                swiglu ? swigluHidden(hidden, ratio) : (int) (hidden * ratio), c.integer("patch_size"),
                c.integer("image_size"), c.number("layer_norm_eps", 1e-6), swiglu ? Mlp.SWIGLU : Mlp.GELU, 0, regs);
    }

    @Override
    public WeightMap transformersNames(ModelConfig cfg) {
        WeightMap m = transformersEmbeddingsAndNorm()
                .ignore(n -> n.equals("embeddings.mask_token"));
        if (registers) {
            m.same("registers", "embeddings.register_tokens");
        }
        boolean swiglu = cfg.mlp() == Mlp.SWIGLU;
        for (int i = 0; i < cfg.layers(); i++) {
            String b = "blocks." + i + ".";
            String h = "encoder.layer." + i + ".";
            String a = h + "attention.attention.";
            for (String p : new String[] {"weight", "bias"}) {
                m.same(b + "norm1." + p, h + "norm1." + p)
                        .concat(b + "qkv." + p, a + "query." + p, a + "key." + p, a + "value." + p)
                        .same(b + "proj." + p, h + "attention.output.dense." + p)
                        .same(b + "norm2." + p, h + "norm2." + p)
                        .same(b + "fc1." + p, h + (swiglu ? "mlp.weights_in." : "mlp.fc1.") + p)
                        .same(b + "fc2." + p, h + (swiglu ? "mlp.weights_out." : "mlp.fc2.") + p);
            }
            m.same(b + "ls1", h + "layer_scale1.lambda1").same(b + "ls2", h + "layer_scale2.lambda1");
        }
        return m;
    }
}
