package io.musc4j.models.layout;

import io.musc4j.models.io.Safetensors;
import io.musc4j.models.io.SafetensorsWriter;
import io.musc4j.models.io.TorchCheckpointWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test helper: the fixture models (transformers layout) converted into timm's and open_clip's layouts,
 * renaming and packing tensors as those projects' own converters and state dicts do (timm's
 * {@code checkpoint_filter_fn} / {@code _convert_openai_clip}, open_clip's {@code VisionTransformer}),
 * written out here name by name rather than derived from the code under test.
 */
public final class LayoutCopies {

    /** timm's own pretrained_cfg for the DINOv2 weights, with model_args shrinking vit_small to the fixture. */
    public static final String TIMM_DINOV2 = """
            {"architecture": "vit_small_patch14_dinov2", "num_classes": 0, "num_features": 64, "global_pool": "token",
             "model_args": {"img_size": 224, "embed_dim": 64, "depth": 8, "num_heads": 4},
             "pretrained_cfg": {"tag": "lvd142m", "custom_load": false, "input_size": [3, 518, 518],
               "fixed_input_size": true, "interpolation": "bicubic", "crop_pct": 1.0, "crop_mode": "center",
               "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "num_classes": 0,
               "pool_size": null, "first_conv": "patch_embed.proj", "classifier": "head", "license": "apache-2.0"}}
            """;

    public static final String TIMM_DINO = """
            {"architecture": "vit_small_patch16_224", "num_classes": 0, "num_features": 64, "global_pool": "token",
             "model_args": {"embed_dim": 64, "depth": 8, "num_heads": 4},
             "pretrained_cfg": {"tag": "dino", "custom_load": false, "input_size": [3, 224, 224],
               "fixed_input_size": false, "interpolation": "bicubic", "crop_pct": 0.9, "crop_mode": "center",
               "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "num_classes": 0,
               "pool_size": null, "first_conv": "patch_embed.proj", "classifier": "head"}}
            """;

    public static final String TIMM_CLIP = """
            {"architecture": "vit_base_patch16_clip_224", "num_classes": 32, "num_features": 64, "global_pool": "token",
             "model_args": {"embed_dim": 64, "depth": 6, "num_heads": 4},
             "pretrained_cfg": {"tag": "openai", "custom_load": false, "input_size": [3, 224, 224],
               "fixed_input_size": false, "interpolation": "bicubic", "crop_pct": 1.0, "crop_mode": "center",
               "mean": [0.48145466, 0.4578275, 0.40821073], "std": [0.26862954, 0.26130258, 0.27577711],
               "num_classes": 32, "pool_size": null, "first_conv": "patch_embed.proj", "classifier": "head",
               "notes": ["natively QuickGELU, use quickgelu model variant for original results"]}}
            """;

    public static final String OPEN_CLIP = """
            {"model_cfg": {"embed_dim": 32, "quick_gelu": true,
               "vision_cfg": {"image_size": 224, "layers": 6, "width": 64, "patch_size": 16, "head_width": 16},
               "text_cfg": {"context_length": 77, "vocab_size": 10, "width": 8, "heads": 2, "layers": 1}},
             "preprocess_cfg": {"mean": [0.48145466, 0.4578275, 0.40821073],
               "std": [0.26862954, 0.26130258, 0.27577711], "interpolation": "bicubic", "resize_mode": "shortest"}}
            """;

    private final Safetensors hf;
    private final SafetensorsWriter out = new SafetensorsWriter();

    private LayoutCopies(Path hfDir) throws IOException {
        this.hf = Safetensors.openFolder(hfDir);
    }

    private LayoutCopies put(String name, String from) throws IOException {
        out.put(name, "F32", hf.shape(from), hf.floats(from));
        return this;
    }

    private LayoutCopies put(String name, long[] shape, float[] values) {
        out.put(name, "F32", shape, values);
        return this;
    }

    /** Rows of the given tensors stacked (q, k, v into one packed projection). */
    private LayoutCopies stack(String name, String... from) throws IOException {
        long rows = 0;
        long[] shape = hf.shape(from[0]).clone();
        float[] all = new float[0];
        for (String f : from) {
            float[] v = hf.floats(f);
            float[] grown = java.util.Arrays.copyOf(all, all.length + v.length);
            System.arraycopy(v, 0, grown, all.length, v.length);
            all = grown;
            rows += hf.shape(f)[0];
        }
        shape[0] = rows;
        return put(name, shape, all);
    }

    private LayoutCopies reshaped(String name, String from, long... shape) throws IOException {
        return put(name, shape, hf.floats(from));
    }

    /** DINOv2 (transformers Dinov2Model) → timm names; the mask token is dropped as timm's filter does. */
    public static void timmDinov2(Path hfDir, int blocks, Path dir, String config) throws IOException {
        LayoutCopies c = new LayoutCopies(hfDir)
                .put("cls_token", "embeddings.cls_token")
                .put("pos_embed", "embeddings.position_embeddings")
                .put("patch_embed.proj.weight", "embeddings.patch_embeddings.projection.weight")
                .put("patch_embed.proj.bias", "embeddings.patch_embeddings.projection.bias")
                .put("norm.weight", "layernorm.weight")
                .put("norm.bias", "layernorm.bias");
        for (int i = 0; i < blocks; i++) {
            String h = "encoder.layer." + i + ".";
            String t = "blocks." + i + ".";
            String a = h + "attention.attention.";
            for (String p : new String[] {"weight", "bias"}) {
                c.put(t + "norm1." + p, h + "norm1." + p)
                        .stack(t + "attn.qkv." + p, a + "query." + p, a + "key." + p, a + "value." + p)
                        .put(t + "attn.proj." + p, h + "attention.output.dense." + p)
                        .put(t + "norm2." + p, h + "norm2." + p)
                        .put(t + "mlp.fc1." + p, h + "mlp.fc1." + p)
                        .put(t + "mlp.fc2." + p, h + "mlp.fc2." + p);
            }
            c.put(t + "ls1.gamma", h + "layer_scale1.lambda1").put(t + "ls2.gamma", h + "layer_scale2.lambda1");
        }
        c.write(dir, "config.json", config, "model.safetensors");
    }

    /** DINO v1 (transformers ViTModel) → timm names; the pooler is dropped (timm's .dino weights have none). */
    public static void timmDino(Path hfDir, int blocks, Path dir, String config) throws IOException {
        LayoutCopies c = new LayoutCopies(hfDir)
                .put("cls_token", "embeddings.cls_token")
                .put("pos_embed", "embeddings.position_embeddings")
                .put("patch_embed.proj.weight", "embeddings.patch_embeddings.projection.weight")
                .put("patch_embed.proj.bias", "embeddings.patch_embeddings.projection.bias")
                .put("norm.weight", "layernorm.weight")
                .put("norm.bias", "layernorm.bias");
        for (int i = 0; i < blocks; i++) {
            String h = "encoder.layer." + i + ".";
            String t = "blocks." + i + ".";
            String a = h + "attention.attention.";
            for (String p : new String[] {"weight", "bias"}) {
                c.put(t + "norm1." + p, h + "layernorm_before." + p)
                        .stack(t + "attn.qkv." + p, a + "query." + p, a + "key." + p, a + "value." + p)
                        .put(t + "attn.proj." + p, h + "attention.output.dense." + p)
                        .put(t + "norm2." + p, h + "layernorm_after." + p)
                        .put(t + "mlp.fc1." + p, h + "intermediate.dense." + p)
                        .put(t + "mlp.fc2." + p, h + "output.dense." + p);
            }
        }
        c.write(dir, "config.json", config, "model.safetensors");
    }

    /**
     * CLIP (transformers CLIPVisionModelWithProjection) → timm names, as timm's converter does for
     * OpenAI's weights: the class embedding becomes (1,1,C), the projection a head with a zero bias.
     */
    public static void timmClip(Path hfDir, int blocks, Path dir, String config) throws IOException {
        String v = "vision_model.";
        LayoutCopies copy = new LayoutCopies(hfDir);
        long c = copy.hf.shape(v + "embeddings.class_embedding")[0];
        long[] pos = copy.hf.shape(v + "embeddings.position_embedding.weight");
        long proj = copy.hf.shape("visual_projection.weight")[0];
        copy.reshaped("cls_token", v + "embeddings.class_embedding", 1, 1, c)
                .reshaped("pos_embed", v + "embeddings.position_embedding.weight", 1, pos[0], pos[1])
                .put("patch_embed.proj.weight", v + "embeddings.patch_embedding.weight")
                .put("norm_pre.weight", v + "pre_layrnorm.weight")
                .put("norm_pre.bias", v + "pre_layrnorm.bias")
                .put("norm.weight", v + "post_layernorm.weight")
                .put("norm.bias", v + "post_layernorm.bias")
                .put("head.weight", "visual_projection.weight")
                .put("head.bias", new long[] {proj}, new float[(int) proj]);
        for (int i = 0; i < blocks; i++) {
            String h = v + "encoder.layers." + i + ".";
            String t = "blocks." + i + ".";
            String a = h + "self_attn.";
            for (String p : new String[] {"weight", "bias"}) {
                copy.put(t + "norm1." + p, h + "layer_norm1." + p)
                        .stack(t + "attn.qkv." + p, a + "q_proj." + p, a + "k_proj." + p, a + "v_proj." + p)
                        .put(t + "attn.proj." + p, a + "out_proj." + p)
                        .put(t + "norm2." + p, h + "layer_norm2." + p)
                        .put(t + "mlp.fc1." + p, h + "mlp.fc1." + p)
                        .put(t + "mlp.fc2." + p, h + "mlp.fc2." + p);
            }
        }
        copy.write(dir, "config.json", config, "model.safetensors");
    }

    /**
     * CLIP (transformers) → open_clip's state dict: {@code visual.*} with the packed in_proj, the
     * projection stored (C, D), plus a few text-tower tensors a real file carries.
     */
    public static void openClip(Path hfDir, int blocks, Path dir, String config, boolean pickled) throws IOException {
        String v = "vision_model.";
        LayoutCopies copy = new LayoutCopies(hfDir);
        long[] proj = copy.hf.shape("visual_projection.weight");
        float[] projection = copy.hf.floats("visual_projection.weight");
        float[] transposed = new float[projection.length];
        for (int r = 0; r < proj[0]; r++) {
            for (int k = 0; k < proj[1]; k++) {
                transposed[(int) (k * proj[0] + r)] = projection[(int) (r * proj[1] + k)];
            }
        }
        copy.put("visual.class_embedding", v + "embeddings.class_embedding")
                .put("visual.positional_embedding", v + "embeddings.position_embedding.weight")
                .put("visual.conv1.weight", v + "embeddings.patch_embedding.weight")
                .put("visual.ln_pre.weight", v + "pre_layrnorm.weight")
                .put("visual.ln_pre.bias", v + "pre_layrnorm.bias")
                .put("visual.ln_post.weight", v + "post_layernorm.weight")
                .put("visual.ln_post.bias", v + "post_layernorm.bias")
                .put("visual.proj", new long[] {proj[1], proj[0]}, transposed)
                .put("token_embedding.weight", new long[] {10, 8}, new float[80])
                .put("text_projection", new long[] {8, proj[0]}, new float[(int) (8 * proj[0])])
                .put("logit_scale", new long[] {1}, new float[] {4.6f});
        for (int i = 0; i < blocks; i++) {
            String h = v + "encoder.layers." + i + ".";
            String r = "visual.transformer.resblocks." + i + ".";
            String a = h + "self_attn.";
            for (String p : new String[] {"weight", "bias"}) {
                copy.put(r + "ln_1." + p, h + "layer_norm1." + p)
                        .stack(r + "attn.in_proj_" + p, a + "q_proj." + p, a + "k_proj." + p, a + "v_proj." + p)
                        .put(r + "attn.out_proj." + p, a + "out_proj." + p)
                        .put(r + "ln_2." + p, h + "layer_norm2." + p)
                        .put(r + "mlp.c_fc." + p, h + "mlp.fc1." + p)
                        .put(r + "mlp.c_proj." + p, h + "mlp.fc2." + p);
            }
        }
        copy.write(dir, "open_clip_config.json", config,
                pickled ? "open_clip_pytorch_model.bin" : "open_clip_model.safetensors");
    }

    private void write(Path dir, String configName, String config, String weightsName) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(configName), config);
        if (weightsName.endsWith(".bin")) {
            TorchCheckpointWriter.write(dir.resolve(weightsName), out.tensors());
        } else {
            out.write(dir.resolve(weightsName));
        }
    }
}
