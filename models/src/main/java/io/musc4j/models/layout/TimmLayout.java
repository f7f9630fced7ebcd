package io.musc4j.models.layout;

import io.musc4j.models.io.TensorSource;
import io.musc4j.models.io.WeightFileException;
import io.musc4j.models.profile.BackboneProfile;
import io.musc4j.models.profile.BackboneProfiles;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.vit.Mlp;
import io.musc4j.models.vit.VitRecipe;
import io.musc4j.models.vit.WeightMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * timm's layout ({@code config.json} with {@code architecture}, {@code pretrained_cfg} and optional
 * {@code model_args}; {@code model.safetensors} with timm's names) for the ViT families MuSc uses. The
 * family comes from the architecture's name pattern, whatever its size word:
 * <pre>
 * vit_{size}_patch{P}[_reg{R}]_dinov2                     DINOv2, with registers when reg
 * vit_{size}_patch{P}_224 with pretrained tag "dino"        DINO v1
 * vit_{size}_patch{P}[_plus]_clip[_quickgelu]_{S}           CLIP vision tower
 * </pre>
 * The sizes are what timm builds: {@code model_args} (img_size, patch_size, embed_dim, depth, num_heads,
 * mlp_ratio, reg_tokens) over the standard sizes of the size word ({@link #SIZES}; giant's MLP is
 * SwiGLU). What neither says comes from the weights' shapes (width and patch from the patch embedding,
 * depth from the blocks, the MLP width and SwiGLU's packing from fc1 and fc2, the trained grid from the
 * position embedding, registers, the projection width); what they say must agree with the weights, or
 * the folder is refused in one line naming both values. The number of heads leaves no trace in the
 * weights, so it must be stated. timm builds OpenAI's CLIP towers with GELU and notes "natively
 * QuickGELU" in their {@code pretrained_cfg}; musc4j then computes QuickGELU, the function those
 * weights were trained with and the reference uses. timm stores DINOv2-with-registers position
 * embeddings without the class row ({@code no_embed_class}), that row already added to {@code cls_token}.
 */
public final class TimmLayout {

    /** A standard ViT size: width, depth, heads, MLP ratio. */
    record Size(int width, int depth, int heads, double mlpRatio) {
    }

    /** The standard sizes of timm's ViT names (giant: DINOv2's). */
    static final Map<String, Size> SIZES = Map.of(
            "tiny", new Size(192, 12, 3, 4),
            "small", new Size(384, 12, 6, 4),
            "medium", new Size(512, 12, 8, 4),
            "base", new Size(768, 12, 12, 4),
            "base_plus", new Size(896, 12, 14, 4),
            "large", new Size(1024, 24, 16, 4),
            "huge", new Size(1280, 32, 16, 4),
            // SwiGLUPacked: fc1 is ⌊1536·5.33334⌋ = 8192 = 2·4096 wide
            "giant", new Size(1536, 40, 24, 2.66667 * 2));

    private static final Pattern DINOV2 = Pattern.compile("vit_(\\w+?)_patch(\\d+)_(?:reg(\\d+)_)?dinov2");
    private static final Pattern DINO = Pattern.compile("vit_(\\w+?)_patch(\\d+)_224(_dino)?");
    private static final Pattern CLIP = Pattern.compile("vit_(\\w+?)_patch(\\d+)(_plus)?_clip_(quickgelu_)?(\\d+)");
    private static final Pattern BLOCK = Pattern.compile("blocks\\.(\\d+)\\..*");

    private static final Set<String> MODEL_ARGS = Set.of("img_size", "patch_size", "embed_dim", "depth", "num_heads",
            "mlp_ratio", "reg_tokens", "init_values", "qkv_bias", "class_token", "no_embed_class", "pre_norm",
            "act_layer", "global_pool", "num_classes", "dynamic_img_size");

    /** A size the configuration states, and where it says so. */
    private record Stated(int value, String source) {
    }

    /** A size the weights show, and the tensor that shows it. */
    private record Measured(int value, String evidence) {
    }

    private TimmLayout() {
    }

    /**
     * The network a timm {@code config.json} describes, its sizes checked against and completed from
     * {@code weights}. Without weights, empty when the file leaves a size to them.
     */
    static Optional<ModelConfig> config(ConfigJson json, Optional<TensorSource> weights) throws WeightFileException {
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
            profile = BackboneProfiles.DINOV2;
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
                    + " DINO v1 and CLIP ViTs are: vit_*_patch*[_reg4]_dinov2, vit_*_patch*_224 tagged dino,"
                    + " vit_*_patch*_clip_*)");
        }
        Shapes shapes = new Shapes(weights);
        boolean dinov2 = profile == BackboneProfiles.DINOV2;
        // timm's CLIP giant (1408 wide) is not DINOv2's giant, the one size word two families use differently
        Size standard = size.equals("giant") && !dinov2 ? null : SIZES.get(size);
        String named = "architecture '" + arch + "'";
        String sized = standard == null ? null : "the " + named + " (size " + size + ")";

        Stated statedWidth = stated(args, "embed_dim", standard == null ? null : standard.width(), sized);
        int width = settle(json, "embed_dim", statedWidth, shapes.first("patch_embed.proj.weight", 0));
        int depth = settle(json, "depth", stated(args, "depth", standard == null ? null : standard.depth(), sized),
                shapes.depth());
        int heads = settle(json, "num_heads", stated(args, "num_heads", standard == null ? null : standard.heads(),
                sized), null);
        patch = settle(json, "patch_size", stated(args, "patch_size", patch, named), shapes.first("patch_embed.proj.weight", 2));
        registers = settle(json, "reg_tokens", stated(args, "reg_tokens", registers, named), shapes.registers());
        if (registers > 0 && profile == BackboneProfiles.DINOV2) {
            profile = BackboneProfiles.DINOV2_WITH_REGISTERS;
        }
        if (registers > 0 && profile != BackboneProfiles.DINOV2_WITH_REGISTERS) {
            throw json.fail("reg_tokens is supported for DINOv2 only");
        }
        int trainedImage = args.has("img_size") ? args.squareSize("img_size")
                : pre.has("input_size") ? pre.squareSize("input_size") : image;
        Stated statedImage = args.has("img_size") ? new Stated(trainedImage, "model_args") : null;
        image = settle(json, "img_size", statedImage, shapes.trainedImage(patch, registers > 0));
        if (image < 0) {
            image = trainedImage; // the weights are absent or carry no position embedding to tell
        }

        VitRecipe recipe = profile.recipe();
        requireIf(json, args, "qkv_bias", true);
        requireIf(json, args, "class_token", true);
        requireIf(json, args, "no_embed_class", registers > 0);
        requireIf(json, args, "pre_norm", recipe.preNorm());
        if (args.has("init_values") && !recipe.layerScale()) {
            throw json.fail("model_args init_values (layer scale) does not fit " + profile);
        }

        // the MLP: SwiGLU packs two halves into fc1, so its fc1 is twice fc2's input
        Boolean swiglu = shapes.swiglu();
        if (standard != null && swiglu != null && swiglu != size.equals("giant")) {
            throw json.fail("the " + named + " (size " + size + ") has " + (size.equals("giant") ? "a SwiGLU" : "a plain")
                    + " MLP, the weights have " + (swiglu ? "a SwiGLU" : "a plain") + " one (" + shapes.mlpEvidence() + ")");
        }
        boolean packed = swiglu != null ? swiglu : size.equals("giant");
        if (packed && !dinov2) {
            throw json.fail("a SwiGLU MLP is supported for DINOv2 only");
        }
        Mlp mlp = packed ? Mlp.SWIGLU : quickGelu ? Mlp.QUICK_GELU : Mlp.GELU;
        Double ratio = args.has("mlp_ratio") ? Double.valueOf(args.number("mlp_ratio"))
                : standard == null ? null : Double.valueOf(standard.mlpRatio());
        Stated statedFc1 = ratio == null || width < 0 ? null
                : new Stated((int) (width * ratio), (args.has("mlp_ratio") ? "model_args mlp_ratio " : "the size "
                        + size + "'s mlp_ratio ") + ratio + " × embed_dim " + width);
        int fc1 = settle(json, "the fc1 width", statedFc1, shapes.first("blocks.0.mlp.fc1.weight", 0));
        if (mlp == Mlp.SWIGLU && fc1 > 0 && fc1 % 2 != 0) {
            throw json.fail("a SwiGLU MLP needs an even fc1 width, " + statedFc1.source() + " gives " + fc1);
        }

        int projection = 0;
        if (profile == BackboneProfiles.CLIP) {
            Stated classes = json.has("num_classes") ? new Stated(json.integer("num_classes"), "num_classes")
                    : pre.has("num_classes") ? new Stated(pre.integer("num_classes"), "pretrained_cfg num_classes") : null;
            if (classes != null && classes.value() <= 0) {
                throw json.fail("this CLIP tower has no projection head (num_classes 0); MuSc's image feature needs it");
            }
            projection = settle(json, "the projection width (num_classes)", classes, shapes.first("head.weight", 0));
        }

        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, Integer> e : Map.of("embed_dim", width, "depth", depth, "num_heads", heads,
                "mlp_ratio", fc1, "num_classes", profile == BackboneProfiles.CLIP ? projection : 0).entrySet()) {
            if (e.getValue() < 0) {
                unknown.add(e.getKey());
            }
        }
        if (!unknown.isEmpty()) {
            if (weights.isEmpty() && !unknown.equals(List.of("num_heads"))) {
                return Optional.empty(); // the weights will tell
            }
            java.util.Collections.sort(unknown);
            throw json.fail(named + " has no standard size (" + new java.util.TreeSet<>(SIZES.keySet())
                    + ") and model_args does not give " + String.join(", ", unknown)
                    + (unknown.contains("num_heads") ? "; the weights cannot tell the number of heads" : ""));
        }
        double eps = profile == BackboneProfiles.CLIP ? 1e-5 : 1e-6;
        try {
            return Optional.of(new ModelConfig(profile, width, depth, heads, mlp == Mlp.SWIGLU ? fc1 / 2 : fc1,
                    patch, image, eps, mlp, projection, registers));
        } catch (IllegalArgumentException e) {
            throw json.fail(e.getMessage());
        }
    }

    /** {@code model_args[key]} if given, else {@code fallback} (from {@code source}), else nothing. */
    private static Stated stated(ConfigJson args, String key, Integer fallback, String source)
            throws WeightFileException {
        if (args.has(key)) {
            return new Stated(args.integer(key), "model_args");
        }
        return fallback == null ? null : new Stated(fallback, source);
    }

    /** What the configuration states, refused where the weights show another value; -1 where neither says. */
    private static int settle(ConfigJson json, String what, Stated stated, Measured measured)
            throws WeightFileException {
        if (stated != null && measured != null && stated.value() != measured.value()) {
            throw json.fail(stated.source() + " gives " + what + " " + stated.value() + ", the weights give "
                    + measured.value() + " (" + measured.evidence() + ")");
        }
        return stated != null ? stated.value() : measured != null ? measured.value() : -1;
    }

    /** The sizes timm's tensors show; nothing when the weights are not at hand. */
    private record Shapes(Optional<TensorSource> weights) {

        Optional<long[]> shape(String name) throws WeightFileException {
            if (weights.isEmpty() || !weights.get().names().contains(name)) {
                return Optional.empty();
            }
            return Optional.of(weights.get().shape(name));
        }

        String evidence(String name, long[] shape) throws WeightFileException {
            return name + " " + Arrays.toString(shape) + " in " + weights.get().file(name).getFileName();
        }

        Measured first(String name, int axis) throws WeightFileException {
            Optional<long[]> s = shape(name);
            return s.isEmpty() || s.get().length <= axis ? null
                    : new Measured(Math.toIntExact(s.get()[axis]), evidence(name, s.get()));
        }

        Measured depth() {
            if (weights.isEmpty()) {
                return null;
            }
            int blocks = weights.get().names().stream().map(BLOCK::matcher).filter(Matcher::matches)
                    .mapToInt(b -> Integer.parseInt(b.group(1)) + 1).max().orElse(0);
            return blocks == 0 ? null : new Measured(blocks, "blocks.0 to blocks." + (blocks - 1));
        }

        Measured registers() throws WeightFileException {
            if (weights.isEmpty()) {
                return null;
            }
            Optional<long[]> s = shape("reg_token");
            return s.isEmpty() ? new Measured(0, "no reg_token")
                    : new Measured(Math.toIntExact(s.get()[s.get().length - 2]), evidence("reg_token", s.get()));
        }

        /** The trained image side: the position embedding's grid (class row first unless registers) × patch. */
        Measured trainedImage(int patch, boolean noClassRow) throws WeightFileException {
            Optional<long[]> s = shape("pos_embed");
            if (s.isEmpty() || s.get().length < 2) {
                return null;
            }
            long cells = s.get()[s.get().length - 2] - (noClassRow ? 0 : 1);
            int grid = (int) Math.round(Math.sqrt(cells));
            if ((long) grid * grid != cells) {
                throw new WeightFileException(evidence("pos_embed", s.get()) + ": " + cells
                        + " position rows are not a square grid");
            }
            return new Measured(grid * patch, evidence("pos_embed", s.get()) + ", a " + grid + "×" + grid
                    + " grid of " + patch + "-pixel patches");
        }

        /** Whether fc1 is twice as wide as fc2's input (SwiGLU's packing); null without the tensors. */
        Boolean swiglu() throws WeightFileException {
            Optional<long[]> fc1 = shape("blocks.0.mlp.fc1.weight");
            Optional<long[]> fc2 = shape("blocks.0.mlp.fc2.weight");
            if (fc1.isEmpty() || fc2.isEmpty() || fc2.get().length < 2) {
                return null;
            }
            return fc1.get()[0] == 2 * fc2.get()[1];
        }

        String mlpEvidence() throws WeightFileException {
            return evidence("blocks.0.mlp.fc1.weight", shape("blocks.0.mlp.fc1.weight").orElseThrow()) + ", "
                    + evidence("blocks.0.mlp.fc2.weight", shape("blocks.0.mlp.fc2.weight").orElseThrow());
        }
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
