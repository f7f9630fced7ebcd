package io.musc4j.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.musc4j.models.profile.BackboneProfiles;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.vit.Mlp;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a Hugging Face model folder ({@code config.json} + {@code model.safetensors}, float32) with
 * random weights of a real architecture's size and tensor names, so {@code musc run --model DIR} loads
 * it like a downloaded checkpoint. Linear weights are N(0, 0.02), but the attention's query and key
 * weights N(0, {@value #QUERY_KEY_STD}); layer norms are the identity and the DINOv2 layer scales 1, so
 * activations stay in a normal range through all blocks. Not a trained model: its scores mean nothing,
 * its timings are those of the real network.
 *
 * <p>Why the larger query and key weights: at 0.02 the attention is nearly uniform, so the class token
 * of every image ends as nearly the same vector (pairwise cosine 0.99945 to 0.99994 over the 40
 * benchmark images of {@code bench make-data}), and RsCIN's choice of neighbours then hangs on
 * differences of 1e-5 in F·Fᵀ, below the float32 rounding of that product: two correct implementations
 * disagree after RsCIN. At 0.1 the attention depends on the image as a trained model's does (cosine
 * 0.61 to 0.998; smallest neighbour gap 4e-3, forty times the rounding), measured on the reference's own
 * DINOv2 code with these weights.
 */
final class RandomCheckpoint {

    /** Standard deviation of the attention's query and key weights (see above); every other random tensor has 0.02. */
    static final double QUERY_KEY_STD = 0.1;

    private final ModelConfig cfg;
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    RandomCheckpoint(ModelConfig cfg) {
        this.cfg = cfg;
        long c = cfg.hiddenSize();
        long p = cfg.patchSize();
        long tokens = 1 + (long) cfg.trainedGrid() * cfg.trainedGrid();
        long inter = cfg.intermediateSize();
        if (cfg.profile() == BackboneProfiles.DINOV2) {
            put("embeddings.cls_token", 1, 1, c);
            put("embeddings.mask_token", 1, c);
            put("embeddings.position_embeddings", 1, tokens, c);
            put("embeddings.patch_embeddings.projection.weight", c, 3, p, p);
            put("embeddings.patch_embeddings.projection.bias", c);
            for (int i = 0; i < cfg.layers(); i++) {
                String b = "encoder.layer." + i + ".";
                norm(b + "norm1");
                for (String x : new String[] {"query", "key", "value"}) {
                    linear(b + "attention.attention." + x, c, c);
                }
                linear(b + "attention.output.dense", c, c);
                put(b + "layer_scale1.lambda1", c);
                norm(b + "norm2");
                linear(b + "mlp.fc1", inter, c);
                linear(b + "mlp.fc2", c, inter);
                put(b + "layer_scale2.lambda1", c);
            }
            norm("layernorm");
        } else {
            String v = "vision_model.";
            put(v + "embeddings.class_embedding", c);
            put(v + "embeddings.patch_embedding.weight", c, 3, p, p);
            put(v + "embeddings.position_embedding.weight", tokens, c);
            norm(v + "pre_layrnorm");
            for (int i = 0; i < cfg.layers(); i++) {
                String b = v + "encoder.layers." + i + ".";
                norm(b + "layer_norm1");
                for (String x : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
                    linear(b + "self_attn." + x, c, c);
                }
                norm(b + "layer_norm2");
                linear(b + "mlp.fc1", inter, c);
                linear(b + "mlp.fc2", c, inter);
            }
            norm(v + "post_layernorm");
            put("visual_projection.weight", cfg.projectionDim(), c);
        }
    }

    private void put(String name, long... shape) {
        shapes.put(name, shape);
    }

    private void norm(String prefix) {
        put(prefix + ".weight", cfg.hiddenSize());
        put(prefix + ".bias", cfg.hiddenSize());
    }

    private void linear(String prefix, long out, long in) {
        put(prefix + ".weight", out, in);
        put(prefix + ".bias", out);
    }

    /** Writes {@code config.json} and {@code model.safetensors} into {@code dir} (created if needed). */
    void write(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), new GsonBuilder().setPrettyPrinting().create()
                .toJson(configJson()) + "\n");
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long bytes = 4 * count(e.getValue());
            header.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":")
                    .append(Arrays.toString(e.getValue()).replace(" ", "")).append(",\"data_offsets\":[")
                    .append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        SplittableRandom random = new SplittableRandom(seed);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve("model.safetensors")), 1 << 20)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                float constant = constant(e.getKey());
                double std = std(e.getKey());
                for (long i = count(e.getValue()); i > 0; i--) {
                    buf.putFloat(Float.isNaN(constant) ? (float) (std * random.nextGaussian()) : constant);
                    if (!buf.hasRemaining()) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                }
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    /** The standard deviation of a random tensor: larger for the attention's query and key weights. */
    static double std(String name) {
        boolean queryKey = name.endsWith("attention.query.weight") || name.endsWith("attention.key.weight")
                || name.endsWith("self_attn.q_proj.weight") || name.endsWith("self_attn.k_proj.weight");
        return queryKey ? QUERY_KEY_STD : 0.02;
    }

    /** The fixed value of a norm or layer-scale tensor, NaN for a random one. */
    private static float constant(String name) {
        boolean norm = name.contains("norm") || name.contains("layrnorm");
        if (name.contains("layer_scale") || norm && name.endsWith(".weight")) {
            return 1f;
        }
        return norm && name.endsWith(".bias") ? 0f : Float.NaN;
    }

    private static long count(long[] shape) {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    private JsonObject configJson() {
        JsonObject o = new JsonObject();
        o.addProperty("hidden_size", cfg.hiddenSize());
        o.addProperty("num_hidden_layers", cfg.layers());
        o.addProperty("num_attention_heads", cfg.heads());
        o.addProperty("patch_size", cfg.patchSize());
        o.addProperty("image_size", cfg.imageSize());
        o.addProperty("layer_norm_eps", cfg.layerNormEps());
        o.addProperty("hidden_act", cfg.mlp() == Mlp.QUICK_GELU ? "quick_gelu" : "gelu");
        if (cfg.profile() == BackboneProfiles.DINOV2) {
            o.addProperty("model_type", "dinov2");
            o.addProperty("mlp_ratio", cfg.intermediateSize() / cfg.hiddenSize());
            o.addProperty("layerscale_value", 1.0);
            o.addProperty("use_swiglu_ffn", false);
        } else {
            o.addProperty("model_type", "clip_vision_model");
            o.addProperty("intermediate_size", cfg.intermediateSize());
            o.addProperty("projection_dim", cfg.projectionDim());
        }
        o.addProperty("torch_dtype", "float32");
        o.addProperty("musc4j_note", "random weights written by musc bench make-model, for timing only");
        return o;
    }
}
