package io.musc4j.models;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.musc4j.models.io.WeightFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The part of a Hugging Face {@code config.json} that defines a ViT backbone.
 *
 * @param architecture    DINOv2 or CLIP
 * @param hiddenSize      token width C
 * @param layers          number of transformer blocks
 * @param heads           attention heads
 * @param intermediateSize MLP hidden width
 * @param patchSize       patch (conv kernel and stride) in pixels
 * @param imageSize       trained input size; the trained grid is imageSize / patchSize
 * @param layerNormEps    LayerNorm epsilon
 * @param hiddenAct       MLP activation: gelu (exact erf) or quick_gelu
 * @param projectionDim   CLIP image-embedding width (0 for DINOv2)
 */
public record ModelConfig(Architecture architecture, int hiddenSize, int layers, int heads, int intermediateSize,
        int patchSize, int imageSize, double layerNormEps, String hiddenAct, int projectionDim) {

    /** Reads {@code config.json}; unknown model types and unsupported options are one-line errors naming the file. */
    public static ModelConfig read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new WeightFileException(file + ": config.json is missing");
        }
        JsonObject root;
        try {
            root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new WeightFileException(file + ": not valid JSON");
        }
        String type = str(root, "model_type", file);
        switch (type) {
            case "dinov2" -> {
                if (root.has("use_swiglu_ffn") && root.get("use_swiglu_ffn").getAsBoolean()) {
                    throw new WeightFileException(file + ": use_swiglu_ffn=true (DINOv2 giant) is not supported");
                }
                int hidden = num(root, "hidden_size", file);
                int mlpRatio = root.has("mlp_ratio") ? root.get("mlp_ratio").getAsInt() : 4;
                return new ModelConfig(Architecture.DINOV2, hidden, num(root, "num_hidden_layers", file),
                        num(root, "num_attention_heads", file), hidden * mlpRatio, num(root, "patch_size", file),
                        num(root, "image_size", file), eps(root, 1e-6), act(root, "gelu", file), 0);
            }
            case "clip", "clip_vision_model" -> {
                JsonObject v = type.equals("clip") ? obj(root, "vision_config", file) : root;
                int proj = root.has("projection_dim") ? root.get("projection_dim").getAsInt()
                        : v.has("projection_dim") ? v.get("projection_dim").getAsInt() : 512;
                return new ModelConfig(Architecture.CLIP, num(v, "hidden_size", file), num(v, "num_hidden_layers", file),
                        num(v, "num_attention_heads", file), num(v, "intermediate_size", file),
                        num(v, "patch_size", file), num(v, "image_size", file), eps(v, 1e-5),
                        act(v, "quick_gelu", file), proj);
            }
            default -> throw new WeightFileException(file + ": unknown model_type '" + type
                    + "' (supported: dinov2, clip, clip_vision_model)");
        }
    }

    /** Patch grid side the position embedding was trained for. */
    public int trainedGrid() {
        return imageSize / patchSize;
    }

    private static String act(JsonObject o, String dflt, Path file) throws WeightFileException {
        String a = o.has("hidden_act") ? o.get("hidden_act").getAsString() : dflt;
        if (!a.equals("gelu") && !a.equals("quick_gelu")) {
            throw new WeightFileException(file + ": hidden_act '" + a + "' is not supported (gelu, quick_gelu)");
        }
        return a;
    }

    private static double eps(JsonObject o, double dflt) {
        return o.has("layer_norm_eps") ? o.get("layer_norm_eps").getAsDouble() : dflt;
    }

    private static JsonObject obj(JsonObject o, String key, Path file) throws WeightFileException {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonObject()) {
            throw new WeightFileException(file + ": key '" + key + "' is missing");
        }
        return e.getAsJsonObject();
    }

    private static String str(JsonObject o, String key, Path file) throws WeightFileException {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive()) {
            throw new WeightFileException(file + ": key '" + key + "' is missing");
        }
        return e.getAsString();
    }

    private static int num(JsonObject o, String key, Path file) throws WeightFileException {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new WeightFileException(file + ": key '" + key + "' is missing or not a number");
        }
        return e.getAsInt();
    }
}
