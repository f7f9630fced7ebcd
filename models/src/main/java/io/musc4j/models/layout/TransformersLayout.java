package io.musc4j.models.layout;

import io.musc4j.models.io.WeightFileException;
import io.musc4j.models.profile.BackboneProfile;
import io.musc4j.models.profile.BackboneProfiles;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.vit.Mlp;
import io.musc4j.models.vit.WeightMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Hugging Face transformers' layout: {@code config.json} with a {@code model_type}, one family per
 * model class, each with its own configuration keys and tensor names.
 */
final class TransformersLayout {

    /** A transformers model class: the {@code model_type}s it writes, how its config and tensors read. */
    private enum Family {
        /**
         * {@code Dinov2Model} (SPEC §2a). The giant models use a SwiGLU MLP ({@code use_swiglu_ffn}); no
         * reference run exists for SwiGLU (the official MuSc code has none).
         */
        DINOV2(BackboneProfiles.DINOV2, "dinov2") {
            @Override
            ModelConfig read(ConfigJson c) throws WeightFileException {
                return dinov2(c, profile, 0);
            }

            @Override
            WeightMap names(ModelConfig cfg) {
                return dinov2Names(cfg, false);
            }
        },
        /** {@code Dinov2WithRegistersModel}: DINOv2 plus {@code num_register_tokens} learned tokens. */
        DINOV2_WITH_REGISTERS(BackboneProfiles.DINOV2_WITH_REGISTERS, "dinov2_with_registers") {
            @Override
            ModelConfig read(ConfigJson c) throws WeightFileException {
                return dinov2(c, profile, c.integer("num_register_tokens"));
            }

            @Override
            WeightMap names(ModelConfig cfg) {
                return dinov2Names(cfg, true);
            }
        },
        /**
         * {@code ViTModel} ({@code model_type} "vit": facebook/dino-vitb16, dino-vitb8, dino-vits16,
         * dino-vits8; SPEC §2d). LayerNorm eps is 1e-6 whatever {@code config.json} says: the hub's configs
         * say 1e-12, the reference's numbers come from 1e-6.
         */
        DINO(BackboneProfiles.DINO, "vit") {
            @Override
            ModelConfig read(ConfigJson c) throws WeightFileException {
                String act = c.optionalString("hidden_act").orElse("gelu");
                if (!act.equals("gelu")) {
                    throw c.fail("hidden_act '" + act + "' is not supported for DINO (gelu)");
                }
                requireQkvBias(c);
                return new ModelConfig(profile, c.integer("hidden_size"), c.integer("num_hidden_layers"),
                        c.integer("num_attention_heads"), c.integer("intermediate_size"), c.integer("patch_size"),
                        c.integer("image_size"), DINO_EPS, Mlp.GELU, 0, 0);
            }

            @Override
            WeightMap names(ModelConfig cfg) {
                WeightMap m = embeddingsAndNorm().ignore(n -> n.startsWith("pooler."));
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
        },
        /**
         * {@code clip}: the vision half of {@code CLIPModel}; {@code clip_vision_model}:
         * {@code CLIPVisionModelWithProjection} (SPEC §2b).
         */
        CLIP(BackboneProfiles.CLIP, "clip", "clip_vision_model") {
            @Override
            ModelConfig read(ConfigJson root) throws WeightFileException {
                ConfigJson v = root.string("model_type").equals("clip") ? root.object("vision_config") : root;
                int proj = root.has("projection_dim") ? root.integer("projection_dim") : v.integer("projection_dim", 512);
                String act = v.optionalString("hidden_act").orElse("quick_gelu");
                Mlp mlp = switch (act) {
                    case "quick_gelu" -> Mlp.QUICK_GELU;
                    case "gelu" -> Mlp.GELU;
                    default -> throw v.fail("hidden_act '" + act + "' is not supported for CLIP (gelu, quick_gelu)");
                };
                return new ModelConfig(profile, v.integer("hidden_size"), v.integer("num_hidden_layers"),
                        v.integer("num_attention_heads"), v.integer("intermediate_size"), v.integer("patch_size"),
                        v.integer("image_size"), v.number("layer_norm_eps", 1e-5), mlp, proj, 0);
            }

            @Override
            WeightMap names(ModelConfig cfg) {
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
        };

        final BackboneProfile profile;
        final Set<String> modelTypes;

        Family(BackboneProfile profile, String... modelTypes) {
            this.profile = profile;
            this.modelTypes = Set.of(modelTypes);
        }

        /** Reads a {@code config.json} whose {@code model_type} is one of {@link #modelTypes}. */
        abstract ModelConfig read(ConfigJson config) throws WeightFileException;

        /** The tensor names of a network of {@code cfg}, as canonical names. */
        abstract WeightMap names(ModelConfig cfg);
    }

    /** The eps of the reference's DINO v1 implementation. */
    static final double DINO_EPS = 1e-6;

    private static final List<Family> FAMILIES = List.of(Family.values());

    private TransformersLayout() {
    }

    static ModelConfig config(ConfigJson json) throws WeightFileException {
        String type = json.string("model_type");
        Family family = FAMILIES.stream().filter(f -> f.modelTypes.contains(type)).findFirst()
                .orElseThrow(() -> json.fail("unknown model_type '" + type + "' (supported: " + FAMILIES.stream()
                        .flatMap(f -> f.modelTypes.stream()).sorted().collect(Collectors.joining(", ")) + ")"));
        return family.read(json);
    }

    static WeightMap names(ModelConfig cfg) {
        return FAMILIES.stream().filter(f -> f.profile == cfg.profile()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no transformers model class runs " + cfg.profile()))
                .names(cfg);
    }

    /** transformers' SwiGLU width: ⌊⌊C·ratio⌋·2/3⌋ rounded up to a multiple of 8. */
    static int swigluHidden(int width, double mlpRatio) {
        int h = (int) (width * mlpRatio);
        return ((int) (h * 2 / 3.0) + 7) / 8 * 8;
    }

    private static ModelConfig dinov2(ConfigJson c, BackboneProfile profile, int registers)
            throws WeightFileException {
        int hidden = c.integer("hidden_size");
        double ratio = c.number("mlp_ratio", 4);
        boolean swiglu = c.bool("use_swiglu_ffn", false);
        String act = c.optionalString("hidden_act").orElse("gelu");
        if (!swiglu && !act.equals("gelu")) {
            throw c.fail("hidden_act '" + act + "' is not supported for " + profile + " (gelu)");
        }
        requireQkvBias(c);
        return new ModelConfig(profile, hidden, c.integer("num_hidden_layers"), c.integer("num_attention_heads"),
                swiglu ? swigluHidden(hidden, ratio) : (int) (hidden * ratio), c.integer("patch_size"),
                c.integer("image_size"), c.number("layer_norm_eps", 1e-6), swiglu ? Mlp.SWIGLU : Mlp.GELU, 0,
                registers);
    }

    private static void requireQkvBias(ConfigJson c) throws WeightFileException {
        if (!c.bool("qkv_bias", true)) {
            throw c.fail("qkv_bias=false is not supported");
        }
    }

    private static WeightMap dinov2Names(ModelConfig cfg, boolean registers) {
        WeightMap m = embeddingsAndNorm().ignore(n -> n.equals("embeddings.mask_token"));
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

    /** The names transformers' ViT family (ViTModel, Dinov2Model) gives the patch embedding, CLS token,
     *  position embeddings and final LayerNorm. */
    private static WeightMap embeddingsAndNorm() {
        return new WeightMap()
                .same("patch.weight", "embeddings.patch_embeddings.projection.weight")
                .same("patch.bias", "embeddings.patch_embeddings.projection.bias")
                .same("cls", "embeddings.cls_token")
                .same("pos", "embeddings.position_embeddings")
                .same("norm.weight", "layernorm.weight")
                .same("norm.bias", "layernorm.bias");
    }
}
