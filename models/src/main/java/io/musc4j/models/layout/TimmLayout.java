package io.musc4j.models.layout;

import io.musc4j.models.ModelConfig;
import io.musc4j.models.io.WeightFileException;
import io.musc4j.models.profile.BackboneProfile;
import io.musc4j.models.profile.BackboneProfiles;
import io.musc4j.models.vit.Mlp;
import io.musc4j.models.vit.VitRecipe;
import io.musc4j.models.vit.WeightMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * timm's layout ({@code config.json} with {@code architecture}, {@code pretrained_cfg} and optional
 * {@code model_args}; {@code model.safetensors} with timm's names) for the ViT families MuSc uses:
 * <pre>
 * vit_{small,base,large,giant}_patch14[_reg{R}]_dinov2        DINOv2 (giant: SwiGLU), with registers when reg
 * vit_{small,base}_patch{8,16}_224 with pretrained tag "dino"  DINO v1
 * vit_{base,large,huge}_patch{14,16,32}_clip[_quickgelu]_{S}   CLIP vision tower (base_patch16_plus: width 896)
 * </pre>
 * Sizes come from {@link #SIZES}; {@code model_args} may override them (img_size, patch_size, embed_dim,
 * depth, num_heads, mlp_ratio, reg_tokens). timm builds OpenAI's CLIP towers with GELU and notes
 * "natively QuickGELU" in their {@code pretrained_cfg}; musc4j then computes QuickGELU, the function
 * those weights were trained with and the reference uses. timm stores DINOv2-with-registers position
 * embeddings without the class row ({@code no_embed_class}), that row already added to {@code cls_token}.
 */
public final class TimmLayout {

    /** A standard ViT size: width, depth, heads, MLP ratio. */
    record Size(int width, int depth, int heads, double mlpRatio) {
    }

    /** The standard sizes of timm's ViT names. */
    static final Map<String, Size> SIZES = Map.of(
            "small", new Size(384, 12, 6, 4),
            "base", new Size(768, 12, 12, 4),
            "base_plus", new Size(896, 12, 14, 4),
            "large", new Size(1024, 24, 16, 4),
            "huge", new Size(1280, 32, 16, 4),
            // SwiGLUPacked: fc1 is ⌊1536·5.33334⌋ = 8192 = 2·4096 wide
            "giant", new Size(1536, 40, 24, 2.66667 * 2));

    private static final Pattern DINOV2 = Pattern.compile("vit_(small|base|large|giant)_patch(\\d+)_(?:reg(\\d+)_)?dinov2");
    private static final Pattern DINO = Pattern.compile("vit_(small|base)_patch(\\d+)_224(_dino)?");
    private static final Pattern CLIP = Pattern.compile("vit_(base|large|huge)_patch(\\d+)(_plus)?_clip_(quickgelu_)?(\\d+)");

    private static final Set<String> MODEL_ARGS = Set.of("img_size", "patch_size", "embed_dim", "depth", "num_heads",
            "mlp_ratio", "reg_tokens", "init_values", "qkv_bias", "class_token", "no_embed_class", "pre_norm",
            "act_layer", "global_pool", "num_classes", "dynamic_img_size");

    private TimmLayout() {
    }

    /** The network a timm {@code config.json} describes. */
    static ModelConfig config(ConfigJson json) throws WeightFileException {
        String arch = json.string("architecture");
        ConfigJson pre = json.objectOrEmpty("pretrained_cfg");
        ConfigJson args = json.objectOrEmpty("model_args");
        for (String key : args.keys()) {
            if (!MODEL_ARGS.contains(key)) {
                throw json.fail("model_args key '" + key + "' is not supported (supported: " + MODEL_ARGS + ")");
            }
        }
        BackboneProfile profile;
        String size;
        int patch;
        int image;
        int registers = 0;
        boolean quickGelu = false;
        Matcher m;
        if ((m = DINOV2.matcher(arch)).matches()) {
            registers = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
            profile = registers > 0 ? BackboneProfiles.DINOV2_WITH_REGISTERS : BackboneProfiles.DINOV2;
            size = m.group(1);
            patch = Integer.parseInt(m.group(2));
            image = 518;
        } else if ((m = DINO.matcher(arch)).matches()) {
            String tag = pre.optionalString("tag").orElse("");
            if (m.group(3) == null && !tag.equals("dino")) {
                throw json.fail("timm architecture '" + arch + "' is read as DINO v1 only for its DINO weights"
                        + " (pretrained_cfg tag 'dino'), this one's tag is '" + tag + "'");
            }
            profile = BackboneProfiles.DINO;
            size = m.group(1);
            patch = Integer.parseInt(m.group(2));
            image = 224;
        } else if ((m = CLIP.matcher(arch)).matches()) {
            profile = BackboneProfiles.CLIP;
            size = m.group(3) == null ? m.group(1) : m.group(1) + "_plus";
            patch = Integer.parseInt(m.group(2));
            image = Integer.parseInt(m.group(5));
            quickGelu = m.group(4) != null || notesSayQuickGelu(pre)
                    || "quick_gelu".equals(args.optionalString("act_layer").orElse(""));
        } else {
            throw json.fail("timm architecture '" + arch + "' is not supported (DINOv2, DINOv2 with registers,"
                    + " DINO v1 and CLIP ViTs are: vit_*_patch14[_reg4]_dinov2, vit_*_patch*_224 tagged dino,"
                    + " vit_*_patch*_clip_*)");
        }
        Size s = SIZES.get(size);
        if (s == null) {
            throw json.fail("timm architecture '" + arch + "' has no standard size");
        }
        if (pre.has("input_size")) {
            image = pre.squareSize("input_size");
        }
        image = args.has("img_size") ? args.squareSize("img_size") : image;
        patch = args.integer("patch_size", patch);
        int width = args.integer("embed_dim", s.width());
        double ratio = args.number("mlp_ratio", s.mlpRatio());
        registers = args.integer("reg_tokens", registers);
        if (registers > 0 && profile == BackboneProfiles.DINOV2) {
            profile = BackboneProfiles.DINOV2_WITH_REGISTERS;
        }
        if (registers > 0 && profile != BackboneProfiles.DINOV2_WITH_REGISTERS) {
            throw json.fail("reg_tokens is supported for DINOv2 only");
        }
        VitRecipe recipe = profile.recipe();
        requireIf(json, args, "qkv_bias", true);
        requireIf(json, args, "class_token", true);
        requireIf(json, args, "no_embed_class", registers > 0);
        requireIf(json, args, "pre_norm", recipe.preNorm());
        if (args.has("init_values") && !recipe.layerScale()) {
            throw json.fail("model_args init_values (layer scale) does not fit " + profile);
        }
        Mlp mlp = size.equals("giant") ? Mlp.SWIGLU
                : quickGelu ? Mlp.QUICK_GELU : Mlp.GELU;
        int fc1 = (int) (width * ratio);
        if (mlp == Mlp.SWIGLU && fc1 % 2 != 0) {
            throw json.fail("a SwiGLU MLP needs an even fc1 width, " + width + " × " + ratio + " gives " + fc1);
        }
        int projection = 0;
        if (profile == BackboneProfiles.CLIP) {
            projection = json.has("num_classes") ? json.integer("num_classes") : pre.integer("num_classes", 0);
            if (projection <= 0) {
                throw json.fail("this CLIP tower has no projection head (num_classes 0); MuSc's image feature needs it");
            }
        }
        double eps = profile == BackboneProfiles.CLIP ? 1e-5 : 1e-6;
        return new ModelConfig(profile, width, args.integer("depth", s.depth()), args.integer("num_heads", s.heads()),
                mlp == Mlp.SWIGLU ? fc1 / 2 : fc1, patch, image, eps, mlp, projection, registers);
    }

    private static boolean notesSayQuickGelu(ConfigJson pre) {
        com.google.gson.JsonElement notes = pre.raw("notes");
        return notes != null && notes.toString().contains("QuickGELU");
    }

    private static void requireIf(ConfigJson json, ConfigJson args, String key, boolean expected)
            throws WeightFileException {
        if (args.bool(key, expected) != expected) {
            throw json.fail("model_args " + key + "=" + !expected + " is not supported for this architecture");
        }
    }

    /** timm's tensor names for a network of {@code cfg}. */
    static WeightMap names(ModelConfig cfg) {
        VitRecipe recipe = cfg.profile().recipe();
        WeightMap m = new WeightMap()
                .same("patch.weight", "patch_embed.proj.weight")
                .same("cls", "cls_token")
                .same("norm.weight", "norm.weight")
                .same("norm.bias", "norm.bias");
        if (recipe.patchBias()) {
            m.same("patch.bias", "patch_embed.proj.bias");
        }
        if (cfg.registers() > 0) {
            m.same("registers", "reg_token").zeroRowFirst("pos", "pos_embed");
        } else {
            m.same("pos", "pos_embed");
        }
        if (recipe.preNorm()) {
            m.same("pre_norm.weight", "norm_pre.weight").same("pre_norm.bias", "norm_pre.bias");
        }
        if (cfg.projectionDim() > 0) {
            m.same("head.weight", "head.weight").mustBeZero("head.bias");
        } else {
            m.ignore(n -> n.startsWith("head."));
        }
        for (int i = 0; i < cfg.layers(); i++) {
            String b = "blocks." + i + ".";
            for (String p : new String[] {"weight", "bias"}) {
                m.same(b + "norm1." + p, b + "norm1." + p)
                        .same(b + "qkv." + p, b + "attn.qkv." + p)
                        .same(b + "proj." + p, b + "attn.proj." + p)
                        .same(b + "norm2." + p, b + "norm2." + p)
                        .same(b + "fc1." + p, b + "mlp.fc1." + p)
                        .same(b + "fc2." + p, b + "mlp.fc2." + p);
            }
            if (recipe.layerScale()) {
                m.same(b + "ls1", b + "ls1.gamma").same(b + "ls2", b + "ls2.gamma");
            }
        }
        return m;
    }
}
