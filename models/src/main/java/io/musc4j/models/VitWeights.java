package io.musc4j.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.musc4j.models.io.WeightFileException;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.vit.Casts;
import io.musc4j.models.vit.CanonicalTensors;
import io.musc4j.models.vit.PosEmbedResize;
import io.musc4j.models.vit.VitRecipe;
import io.musc4j.models.vit.WeightMap;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The weights of a ViT, read by canonical name ({@link WeightMap}) and laid out for the forward pass:
 * linear weights transposed to (in, out), q/k/v as one (C, 3C) matrix so a block does one projection
 * matmul, with the attention scale 1/√d already applied to the query part. The position embedding stays
 * in Java memory, because it is resized per input grid ({@link PosEmbedResize}).
 *
 * @param patchBias    (C), zeros for a family without one
 * @param registers    (1, R, C) register tokens, or null
 * @param posEmbed     (1+M², C) position embedding, CLS row first
 * @param preNormWeight null unless the family has a pre-norm
 * @param projection   (C, D) image projection, or null
 * @param inPlace      the memory of their own that arrays use in place ({@link CanonicalTensors#resident}):
 *                     reachable from here as long as the weights are, since an array does not keep it
 *                     reachable once a view of it has replaced it
 */
public record VitWeights(NDArray patchWeight, NDArray patchBias, NDArray cls, NDArray registers, float[] posEmbed,
        NDArray preNormWeight, NDArray preNormBias, List<Block> blocks, NDArray finalNormWeight,
        NDArray finalNormBias, NDArray projection, List<ByteBuffer> inPlace) {

    /** One transformer block; the layer-scale vectors are null for a family without them. */
    public record Block(NDArray norm1Weight, NDArray norm1Bias, NDArray qkvWeight, NDArray qkvBias,
            NDArray outWeight, NDArray outBias, NDArray gamma1, NDArray norm2Weight, NDArray norm2Bias,
            NDArray fc1Weight, NDArray fc1Bias, NDArray fc2Weight, NDArray fc2Bias, NDArray gamma2) {
    }

    /**
     * Loads and checks every tensor {@code cfg} implies; missing, unexpected or misshapen tensors are
     * one-line errors naming the file and the tensor. Arrays are created in {@code manager} as {@code type}.
     */
    public static VitWeights load(CanonicalTensors tensors, ModelConfig cfg, NDManager manager, DataType type)
            throws WeightFileException {
        VitWeights w = build(new TensorArrays(tensors, manager, type), cfg);
        tensors.finish();
        return w;
    }

    /**
     * Random weights of the real sizes (normal, σ = 0.02, seeded), for benchmarks that need a
     * full-size network without downloading one. Not a trained model.
     */
    public static VitWeights random(ModelConfig cfg, NDManager manager, DataType type, long seed) {
        Random random = new Random(seed);
        CanonicalTensors gaussian = new CanonicalTensors() {
            @Override
            public float[] read(String name, long... shape) {
                float[] v = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (0.02 * random.nextGaussian());
                }
                return v;
            }

            @Override
            public void finish() {
            }
        };
        try {
            return build(new TensorArrays(gaussian, manager, type), cfg);
        } catch (WeightFileException e) {
            throw new IllegalStateException("random weights cannot fail to load", e);
        }
    }

    private static VitWeights build(TensorArrays r, ModelConfig cfg) throws WeightFileException {
        VitRecipe recipe = cfg.profile().recipe();
        int c = cfg.hiddenSize();
        int p = cfg.patchSize();
        int m = cfg.trainedGrid();
        int hidden = cfg.intermediateSize();
        int fc1 = cfg.mlp().fc1Width(hidden);
        // softmax(q·kᵀ/√d) with 1/√d folded into the query projection: one elementwise op less per block,
        // and bit-identical for head widths that are powers of four (1/√64 = 1/8, a power of two)
        float qScale = (float) (1.0 / Math.sqrt((double) c / cfg.heads()));
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < cfg.layers(); i++) {
            String b = "blocks." + i + ".";
            blocks.add(new Block(r.get(b + "norm1.weight", c), r.get(b + "norm1.bias", c),
                    r.qkvWeight(b + "qkv.weight", c, qScale), r.qkvBias(b + "qkv.bias", c, qScale),
                    r.linear(b + "proj.weight", c, c), r.get(b + "proj.bias", c),
                    recipe.layerScale() ? r.get(b + "ls1", c) : null,
                    r.get(b + "norm2.weight", c), r.get(b + "norm2.bias", c),
                    r.linear(b + "fc1.weight", fc1, c), r.get(b + "fc1.bias", fc1),
                    r.linear(b + "fc2.weight", c, hidden), r.get(b + "fc2.bias", c),
                    recipe.layerScale() ? r.get(b + "ls2", c) : null));
        }
        boolean projected = recipe.imageFeature() == VitRecipe.ImageFeature.PROJECTED_UNIT;
        return new VitWeights(r.get("patch.weight", c, 3, p, p),
                recipe.patchBias() ? r.get("patch.bias", c) : r.zeros(c),
                r.get("cls", c).reshape(1, 1, c),
                cfg.registers() > 0 ? r.get("registers", cfg.registers(), c).reshape(1, cfg.registers(), c) : null,
                r.floats("pos", 1 + (long) m * m, c),
                recipe.preNorm() ? r.get("pre_norm.weight", c) : null,
                recipe.preNorm() ? r.get("pre_norm.bias", c) : null,
                blocks, r.get("norm.weight", c), r.get("norm.bias", c),
                projected ? r.linear("head.weight", cfg.projectionDim(), c) : null, List.copyOf(r.inPlace));
    }

    /** Makes NDArrays of canonical tensors. */
    private static final class TensorArrays {
        private final CanonicalTensors tensors;
        private final NDManager manager;
        private final DataType type;
        private final List<ByteBuffer> inPlace = new ArrayList<>();

        TensorArrays(CanonicalTensors tensors, NDManager manager, DataType type) {
            this.tensors = tensors;
            this.manager = manager;
            this.type = type;
        }

        float[] floats(String name, long... shape) throws WeightFileException {
            return tensors.read(name, shape);
        }

        NDArray get(String name, long... shape) throws WeightFileException {
            return converted(stored(name, shape));
        }

        NDArray zeros(long n) {
            return Casts.to(manager.zeros(new Shape(n)), type);
        }

        /** A stored (out, in) linear weight as the (in, out) matrix the forward pass multiplies by. */
        NDArray linear(String name, long out, long in) throws WeightFileException {
            return transposed(stored(name, out, in));
        }

        /** The (3C, C) [q;k;v] weight as (C, 3C), the query rows scaled by 1/√d. */
        NDArray qkvWeight(String name, int c, float qScale) throws WeightFileException {
            return transposed(queryScaled(stored(name, 3L * c, c), c, qScale));
        }

        /** The (3C) [q;k;v] bias, the query part scaled by 1/√d. */
        NDArray qkvBias(String name, int c, float qScale) throws WeightFileException {
            return converted(queryScaled(stored(name, 3L * c), c, qScale));
        }

        /**
         * A canonical tensor as float32. Where it was read into memory of its own, the array is that
         * memory (on the CPU; a GPU array is a copy of it, as is any other type's); else, where the
         * checkpoint holds it as float32 in mapped memory, libtorch copies it from there (one copy, no
         * Java array: a ViT-B loads about three times faster the first time in a process); otherwise
         * through {@link #floats}, copied again, because DJL's array of Java data borrows a Java buffer
         * that only that array keeps alive, and {@link #transposed} returns a view that outlives it.
         */
        private NDArray stored(String name, long... shape) throws WeightFileException {
            Optional<ByteBuffer> own = tensors.resident(name, shape);
            if (own.isPresent()) {
                NDArray array = manager.create(own.get(), new Shape(shape), DataType.FLOAT32);
                if (!manager.getDevice().isGpu() && type == DataType.FLOAT32) {
                    inPlace.add(own.get());
                }
                return array;
            }
            Optional<List<ByteBuffer>> parts = tensors.float32Parts(name, shape);
            if (parts.isEmpty()) {
                try (NDArray borrowed = manager.create(floats(name, shape), new Shape(shape))) {
                    return borrowed.duplicate();
                }
            }
            List<ByteBuffer> buffers = parts.get();
            long[] part = shape.clone();
            part[0] /= buffers.size();
            // arrays over the mapped file must not outlive this call: each is copied, then closed
            NDList views = new NDList();
            try {
                for (ByteBuffer b : buffers) {
                    views.add(manager.create(b, new Shape(part), DataType.FLOAT32));
                }
                return views.size() == 1 ? views.get(0).duplicate() : NDArrays.concat(views, 0);
            } finally {
                views.close();
            }
        }

        /**
         * Rows [0, c) of {@code qkv}, an array in its own memory, times {@code qScale} in place: the same
         * float32 products as scaling them one by one, without a second copy of the matrix.
         */
        private NDArray queryScaled(NDArray qkv, int c, float qScale) {
            try (NDArray q = qkv.get(new NDIndex(":{}", c))) {
                q.muli(qScale);
            }
            return qkv;
        }

        /**
         * {@code w} transposed, in this model's type; closes {@code w}. A float32 {@code w} is not copied:
         * the transpose is a view of its memory, which MKL multiplies at the same rate as a contiguous
         * copy (the copy used to cost a ViT-B 340 MB of freshly touched memory).
         */
        private NDArray transposed(NDArray w) {
            try (w) {
                if (type == DataType.FLOAT32) {
                    return w.transpose();
                }
                try (NDArray t = w.transpose()) {
                    return Casts.to(t, type);
                }
            }
        }

        /** {@code w} in this model's type; closes {@code w} unless it already is that type. */
        private NDArray converted(NDArray w) {
            if (w.getDataType() == type) {
                return w;
            }
            try (w) {
                return Casts.to(w, type);
            }
        }
    }
}
