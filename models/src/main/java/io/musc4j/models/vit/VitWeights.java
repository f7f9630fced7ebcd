package io.musc4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.musc4j.models.Architecture;
import io.musc4j.models.ModelConfig;
import io.musc4j.models.io.TensorSource;
import io.musc4j.models.io.WeightFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The weights of a DINOv2 or CLIP vision tower, read from Hugging Face tensor names and laid out for
 * the forward pass: linear weights transposed to (in, out), q/k/v packed into one (C, 3C) matrix so a
 * block does one projection matmul, with the attention scale 1/√d already applied to the query part. The patch position embedding stays in Java memory too, because it is
 * resized per input grid (see {@link PosEmbedResize}).
 */
public record VitWeights(NDArray patchWeight, NDArray patchBias, NDArray cls, float[] posEmbed,
        NDArray preNormWeight, NDArray preNormBias, List<Block> blocks, NDArray finalNormWeight,
        NDArray finalNormBias, NDArray projection) {

    /** One transformer block; layer-scale vectors are null for CLIP. */
    public record Block(NDArray norm1Weight, NDArray norm1Bias, NDArray qkvWeight, NDArray qkvBias,
            NDArray outWeight, NDArray outBias, NDArray gamma1, NDArray norm2Weight, NDArray norm2Bias,
            NDArray fc1Weight, NDArray fc1Bias, NDArray fc2Weight, NDArray fc2Bias, NDArray gamma2) {
    }

    /**
     * Loads and checks every tensor of the architecture; missing, unexpected or misshapen tensors are
     * one-line errors naming the file and the tensor. Arrays are created in {@code manager} as {@code type}.
     */
    public static VitWeights load(TensorSource st, ModelConfig cfg, NDManager manager, DataType type)
            throws WeightFileException {
        return build(new Reader(st, null, manager, type), cfg);
    }

    /**
     * Random weights of the real sizes (normal, σ = 0.02, seeded), for benchmarks that need a
     * full-size network without downloading one. Not a trained model.
     */
    public static VitWeights random(ModelConfig cfg, NDManager manager, DataType type, long seed) {
        try {
            return build(new Reader(null, new java.util.Random(seed), manager, type), cfg);
        } catch (WeightFileException e) {
            throw new IllegalStateException("random weights cannot fail to load", e);
        }
    }

    private static VitWeights build(Reader r, ModelConfig cfg) throws WeightFileException {
        int c = cfg.hiddenSize();
        int p = cfg.patchSize();
        int m = cfg.trainedGrid();
        int inter = cfg.intermediateSize();
        // softmax(q·kᵀ/√d) with 1/√d folded into the query projection: one elementwise op less per block,
        // and bit-identical for the head width 64 of every DINOv2/CLIP model (1/8 is a power of two)
        float qScale = (float) (1.0 / Math.sqrt((double) c / cfg.heads()));
        List<Block> blocks = new ArrayList<>();
        VitWeights w;
        if (cfg.architecture() == Architecture.DINOV2) {
            for (int i = 0; i < cfg.layers(); i++) {
                String b = "encoder.layer." + i + ".";
                String a = b + "attention.attention.";
                blocks.add(new Block(r.get(b + "norm1.weight", c), r.get(b + "norm1.bias", c),
                        r.qkv(a + "query", a + "key", a + "value", c, qScale), r.qkvBias(a + "query", a + "key", a + "value", c, qScale),
                        r.linear(b + "attention.output.dense.weight", c, c), r.get(b + "attention.output.dense.bias", c),
                        r.get(b + "layer_scale1.lambda1", c), r.get(b + "norm2.weight", c), r.get(b + "norm2.bias", c),
                        r.linear(b + "mlp.fc1.weight", inter, c), r.get(b + "mlp.fc1.bias", inter),
                        r.linear(b + "mlp.fc2.weight", c, inter), r.get(b + "mlp.fc2.bias", c),
                        r.get(b + "layer_scale2.lambda1", c)));
            }
            w = new VitWeights(r.get("embeddings.patch_embeddings.projection.weight", c, 3, p, p),
                    r.get("embeddings.patch_embeddings.projection.bias", c),
                    r.get("embeddings.cls_token", 1, 1, c),
                    r.floats("embeddings.position_embeddings", 1, 1 + (long) m * m, c),
                    null, null, blocks, r.get("layernorm.weight", c), r.get("layernorm.bias", c), null);
            r.ignore("embeddings.mask_token");
        } else {
            String v = "vision_model.";
            for (int i = 0; i < cfg.layers(); i++) {
                String b = v + "encoder.layers." + i + ".";
                String a = b + "self_attn.";
                blocks.add(new Block(r.get(b + "layer_norm1.weight", c), r.get(b + "layer_norm1.bias", c),
                        r.qkv(a + "q_proj", a + "k_proj", a + "v_proj", c, qScale), r.qkvBias(a + "q_proj", a + "k_proj", a + "v_proj", c, qScale),
                        r.linear(a + "out_proj.weight", c, c), r.get(a + "out_proj.bias", c), null,
                        r.get(b + "layer_norm2.weight", c), r.get(b + "layer_norm2.bias", c),
                        r.linear(b + "mlp.fc1.weight", inter, c), r.get(b + "mlp.fc1.bias", inter),
                        r.linear(b + "mlp.fc2.weight", c, inter), r.get(b + "mlp.fc2.bias", c), null));
            }
            w = new VitWeights(r.get(v + "embeddings.patch_embedding.weight", c, 3, p, p),
                    r.zeros(c),
                    r.get(v + "embeddings.class_embedding", c).reshape(1, 1, c),
                    r.floats(v + "embeddings.position_embedding.weight", 1 + (long) m * m, c),
                    r.get(v + "pre_layrnorm.weight", c), r.get(v + "pre_layrnorm.bias", c), blocks,
                    r.get(v + "post_layernorm.weight", c), r.get(v + "post_layernorm.bias", c),
                    r.linear("visual_projection.weight", cfg.projectionDim(), c));
            // a full CLIPModel checkpoint also holds the text tower, which MuSc never uses
            r.ignoreMatching(n -> n.startsWith("text_model.") || n.equals("text_projection.weight")
                    || n.equals("logit_scale") || n.endsWith("position_ids"));
        }
        r.checkNoneLeft();
        return w;
    }

    /** Reads named tensors, checks shapes, and remembers which names were used. */
    private static final class Reader {
        private final TensorSource st;
        private final java.util.Random random;
        private final NDManager manager;
        private final DataType type;
        private final Set<String> left;

        /** Reads from {@code st}, or, if it is null, draws every requested tensor from {@code random}. */
        Reader(TensorSource st, java.util.Random random, NDManager manager, DataType type) {
            this.st = st;
            this.random = random;
            this.manager = manager;
            this.type = type;
            this.left = st == null ? new HashSet<>() : new HashSet<>(st.names());
        }

        float[] floats(String name, long... shape) throws WeightFileException {
            if (st == null) {
                float[] v = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (0.02 * random.nextGaussian());
                }
                return v;
            }
            if (!left.remove(name)) {
                throw new WeightFileException("weights: tensor '" + name + "' is missing (is this the right model folder?)");
            }
            long[] actual = st.shape(name);
            if (!Arrays.equals(actual, shape)) {
                throw new WeightFileException(st.file(name) + ": tensor '" + name + "' has shape "
                        + Arrays.toString(actual) + ", config.json implies " + Arrays.toString(shape));
            }
            return st.floats(name);
        }

        NDArray get(String name, long... shape) throws WeightFileException {
            return manager.create(floats(name, shape), new Shape(shape)).toType(type, false);
        }

        NDArray zeros(long n) {
            return manager.zeros(new Shape(n), type);
        }

        /** An HF linear weight (out, in) as the (in, out) matrix the forward pass multiplies by. */
        NDArray linear(String name, long out, long in) throws WeightFileException {
            // manager.create wraps a Java direct buffer owned by w, so the transposed view must be
            // copied into torch-owned memory before w is closed
            try (NDArray w = manager.create(floats(name, out, in), new Shape(out, in))) {
                return w.transpose().toType(type, false).duplicate();
            }
        }

        NDArray qkv(String q, String k, String v, long c, float qScale) throws WeightFileException {
            try (NDArray wq = linear(q + ".weight", c, c).muli(qScale); NDArray wk = linear(k + ".weight", c, c);
                    NDArray wv = linear(v + ".weight", c, c)) {
                return NDArrays.concat(new NDList(wq, wk, wv), 1);
            }
        }

        NDArray qkvBias(String q, String k, String v, long c, float qScale) throws WeightFileException {
            try (NDArray bq = get(q + ".bias", c).muli(qScale); NDArray bk = get(k + ".bias", c); NDArray bv = get(v + ".bias", c)) {
                return NDArrays.concat(new NDList(bq, bk, bv));
            }
        }

        void ignore(String name) {
            left.remove(name);
        }

        void ignoreMatching(java.util.function.Predicate<String> p) {
            left.removeIf(p);
        }

        void checkNoneLeft() throws WeightFileException {
            if (st != null && !left.isEmpty()) {
                String first = left.stream().sorted().findFirst().orElseThrow();
                throw new WeightFileException(st.file(first) + ": unexpected tensor '" + first + "'"
                        + (left.size() > 1 ? " (and " + (left.size() - 1) + " more)" : "")
                        + "; the file does not match config.json");
            }
        }
    }
}
