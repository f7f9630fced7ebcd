package io.musc4j.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.vit.Casts;
import io.musc4j.models.vit.FusedAttention;
import io.musc4j.models.vit.PackedLinear;
import io.musc4j.models.vit.VitRecipe;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A pre-norm ViT forward pass on DJL NDArray ops, shared by every family; what differs between families
 * (embedding norm, register tokens, layer scale, MLP, what a tap returns, which block a layer taps, the
 * image feature, the position-embedding rule; SPEC §2) comes from the profile's {@link VitRecipe} and the
 * {@link ModelConfig}. One pass yields every tap and the image feature.
 *
 * <p>Scoping: each block runs in its own sub-manager of the batch scope, so only the residual stream and
 * the tapped tokens outlive a block; the batch scope itself is closed before {@link #forward} returns and
 * the results are attached to the caller's manager. Every op puts the activation first, so results land in
 * the activation's scope and never in the weights' manager.
 */
public final class VisionTransformer implements Backbone {

    private final ModelConfig cfg;
    private final VitRecipe recipe;
    private final BackboneSpec spec;
    private final NDManager weightsManager;
    private final VitWeights w;
    private final DataType type;
    private final Map<Integer, NDArray> posByGrid = new ConcurrentHashMap<>();
    /** The patchify convolution's (C, 3, p, p) kernel as the (3·p·p, C) matrix its product needs (a view). */
    private final NDArray patchMatrix;
    /** Per block, its linear layers' packed weights (q/k/v, output, fc1, fc2) for one row count; empty
     *  until {@link #packWeights}. */
    private volatile List<PackedLinear[]> packed = List.of();
    /** The row count B·T the packed weights serve, and their size. */
    private volatile long packedRows;
    private volatile long packedBytes;

    /**
     * Wraps loaded weights; takes ownership of {@code weightsManager}.
     *
     * @param imageSize input size whose position embedding is prepared now (CLIP resizes at load)
     */
    public VisionTransformer(ModelConfig cfg, VitWeights w, NDManager weightsManager, DataType type, int imageSize) {
        this.cfg = cfg;
        this.w = w;
        this.weightsManager = weightsManager;
        this.type = type;
        this.recipe = cfg.profile().recipe();
        this.spec = BackboneSpec.of(cfg);
        long c = cfg.hiddenSize();
        this.patchMatrix = w.patchWeight().reshape(c, w.patchWeight().size() / c).transpose();
        positionEmbedding(spec.grid(imageSize));
    }

    @Override
    public BackboneSpec spec() {
        return spec;
    }

    @Override
    public Device device() {
        return weightsManager.getDevice();
    }

    /** The weights (tests reach them to show which copy a product multiplies). */
    VitWeights weights() {
        return w;
    }

    /** Number of arrays the weights' manager holds (constant after load; used to check for leaks). */
    public int liveWeightArrays() {
        return weightsManager.getManagedArrays().size();
    }

    @Override
    public Features forward(NDArray images, int[] layers) {
        return forward(images, layers, null);
    }

    /**
     * {@inheritDoc} On a CPU in float32 only, with libtorch's MKL (x86-64): the packed products differ
     * from the plain ones by float32 rounding (the first MLP product by up to 3e-5 on ViT-B).
     */
    @Override
    public synchronized long packWeights(int batch, int imageSize) {
        if (device().isGpu() || type != DataType.FLOAT32) {
            throw new UnsupportedOperationException("packed weights are for float32 on a CPU, not " + type + " on "
                    + device());
        }
        long rows = (long) batch * tokens(spec.grid(imageSize));
        if (!packed.isEmpty()) {
            // one packing per backbone: replacing it could free arrays a pass is multiplying
            if (rows != packedRows) {
                throw new IllegalStateException("the weights are packed for passes of " + packedRows + " rows, not "
                        + rows + " (" + batch + " images at " + imageSize + ")");
            }
            return packedBytes;
        }
        List<PackedLinear[]> all = new ArrayList<>();
        long bytes = 0;
        try {
            for (VitWeights.Block bw : w.blocks()) {
                PackedLinear[] p = {PackedLinear.of(bw.qkvWeight(), rows, weightsManager),
                    PackedLinear.of(bw.outWeight(), rows, weightsManager),
                    PackedLinear.of(bw.fc1Weight(), rows, weightsManager),
                    PackedLinear.of(bw.fc2Weight(), rows, weightsManager)};
                for (PackedLinear l : p) {
                    bytes += l.bytes();
                }
                all.add(p);
            }
        } catch (ai.djl.engine.EngineException e) {
            throw new UnsupportedOperationException("packed weights need libtorch with MKL (x86-64): "
                    + firstLine(e.getMessage()), e);
        }
        packedRows = rows;
        packedBytes = bytes;
        packed = List.copyOf(all);
        return bytes;
    }

    private static String firstLine(String m) {
        String t = m == null ? "" : m.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /** Tokens per image at a grid: the class token, the register tokens and the patches. */
    private long tokens(int grid) {
        return 1L + cfg.registers() + (long) grid * grid;
    }

    /**
     * {@link #forward(NDArray, int[])} that also adds the wall time of attention, MLP and everything else
     * to {@code times} (ops are eager, so on CPU each op has finished when it returns). For benchmarks.
     */
    public Features forward(NDArray images, int[] layers, StageTimes times) {
        Shape s = images.getShape();
        if (s.dimension() != 4 || s.get(1) != 3 || s.get(2) != s.get(3) || s.get(2) < cfg.patchSize()) {
            throw new IllegalArgumentException("images must be (B,3,S,S) with S >= " + cfg.patchSize() + ", got " + s);
        }
        for (int l : layers) {
            if (l < 0 || l >= cfg.layers()) {
                throw new IllegalArgumentException("layer " + l + " is outside blocks 0.." + (cfg.layers() - 1));
            }
        }
        int[] taps = spec.blocksFor(layers);
        NDManager caller = images.getManager();
        try (NDManager batch = caller.newSubManager(device())) {
            NDArray input = images.toDevice(device(), true);
            input.attach(batch);
            NDArray x = embed(Casts.to(input, type), batch);
            NDArray[] tapped = new NDArray[taps.length];
            boolean xIsTap = false;
            for (int b = 0; b < cfg.layers(); b++) {
                // the residual stream is added to in place, unless x is kept as a tap
                NDArray next = block(x, b, times, !xIsTap);
                xIsTap = false;
                for (int i = 0; i < taps.length; i++) {
                    if (taps[i] == b) {
                        tapped[i] = tapOf(next);
                        xIsTap |= tapped[i] == next;
                    }
                }
                x = next;
            }
            List<NDArray> tokens = new ArrayList<>();
            for (NDArray t : tapped) {
                tokens.add(toCaller(t, caller));
            }
            return new Features(layers.clone(), tokens, toCaller(imageFeature(x), caller));
        }
    }

    private static NDArray toCaller(NDArray a, NDManager caller) {
        NDArray out = a.toDevice(caller.getDevice(), false).toType(DataType.FLOAT32, false);
        out.attach(caller);
        return out;
    }

    /**
     * Patchify, prepend the class token, add the position embedding, insert the register tokens after
     * the class token (they get no position embedding), and apply CLIP's pre-norm.
     */
    private NDArray embed(NDArray images, NDManager batch) {
        long bsz = images.getShape().get(0);
        int c = cfg.hiddenSize();
        int g = spec.grid((int) images.getShape().get(2));
        int p = cfg.patchSize();
        NDArray cropped = g * p == images.getShape().get(2) ? images
                : images.get(new NDIndex(":, :, :{}, :{}", g * p, g * p));
        NDArray patches = patchify(cropped, g, p).matMul(patchMatrix).addi(w.patchBias()).reshape(bsz, (long) g * g, c);
        NDArray cls = Casts.to(batch.zeros(new Shape(bsz, 1, c)), type).add(w.cls());
        NDArray x = NDArrays.concat(new NDList(cls, patches), 1).add(positionEmbedding(g));
        if (w.registers() != null) {
            NDArray registers = Casts.to(batch.zeros(new Shape(bsz, cfg.registers(), c)), type).add(w.registers());
            x = NDArrays.concat(new NDList(x.get(":, :1, :"), registers, x.get(":, 1:, :")), 1);
        }
        if (w.preNormWeight() != null) {
            x = layerNorm(x, w.preNormWeight(), w.preNormBias());
        }
        return x;
    }

    /**
     * The stride-p patchify convolution's input as the rows of one product: (B, 3, g·p, g·p) images to
     * (B·g², 3·p·p), row y·g + x holding patch (y, x) in the kernel's (channel, row, column) order. A
     * convolution whose stride is its kernel is this product exactly, up to float32 rounding. On a CPU the
     * rearrangement and the product took 1.4 ms per ViT-B/14 image at batch 1 (median) where libtorch's
     * convolution took 5.5 (docs/performance.md).
     */
    private static NDArray patchify(NDArray images, int g, int p) {
        long bsz = images.getShape().get(0);
        long channels = images.getShape().get(1);
        // (B, 3, y, row, x, column) -> (B, y, x, 3, row, column): each patch's pixels become one row
        return images.reshape(bsz, channels, g, p, g, p).transpose(0, 2, 4, 1, 3, 5)
                .reshape(bsz * g * g, channels * p * p);
    }

    /** The (1, 1+g², C) position embedding for grid g, resized once per grid and kept with the weights. */
    private NDArray positionEmbedding(int g) {
        return posByGrid.computeIfAbsent(g, grid -> {
            int m = cfg.trainedGrid();
            int c = cfg.hiddenSize();
            float[] pos = recipe.positions().resize(w.posEmbed(), m, c, grid);
            return Casts.to(weightsManager.create(pos, new Shape(1, 1 + (long) grid * grid, c)), type);
        });
    }

    /**
     * One pre-norm block. With {@code addInPlace} the block adds its two branches into {@code x} and
     * returns it (x + a is the same float32 sum as a + x), so the residual stream keeps one array for the
     * whole pass; otherwise {@code x} is left as it is (a tap the caller keeps). Each intermediate is
     * closed as soon as it is dead: at batch 8 a ViT-B pass's live arrays then peak a quarter lower, and
     * the pass touches less memory for the first time (docs/performance.md).
     */
    private NDArray block(NDArray x, int index, StageTimes times, boolean addInPlace) {
        VitWeights.Block bw = w.blocks().get(index);
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            x.tempAttach(scope);
            long t0 = System.nanoTime();
            PackedLinear[] p = packedFor(index, x);
            NDArray normed = layerNorm(x, bw.norm1Weight(), bw.norm1Bias());
            long t1 = System.nanoTime();
            NDArray attn = attention(normed, bw, p);
            normed.close();
            long t2 = System.nanoTime();
            // a packed product's result is an inference tensor, which may not be changed in place
            if (bw.gamma1() != null) {
                attn = p != null ? attn.mul(bw.gamma1()) : attn.muli(bw.gamma1());
            }
            NDArray h = addInPlace ? x.addi(attn) : p != null && bw.gamma1() == null ? attn.add(x) : attn.addi(x);
            if (h != attn) {
                attn.close();
            }
            NDArray hidden = layerNorm(h, bw.norm2Weight(), bw.norm2Bias());
            long t3 = System.nanoTime();
            NDArray fc1 = linear(hidden, bw.fc1Weight(), bw.fc1Bias(), p, 2);
            hidden.close();
            NDArray activated = activation(fc1);
            fc1.close();
            NDArray mlp = linear(activated, bw.fc2Weight(), bw.fc2Bias(), p, 3);
            activated.close();
            long t4 = System.nanoTime();
            if (bw.gamma2() != null) {
                mlp = p != null ? mlp.mul(bw.gamma2()) : mlp.muli(bw.gamma2());
            }
            NDArray out = h.addi(mlp);
            if (times != null) {
                times.add(t2 - t1, t4 - t3, (t1 - t0) + (t3 - t2) + (System.nanoTime() - t4));
            }
            if (out != x) {
                out.attach(parent);
            }
            return out;
        }
    }

    /** Block {@code index}'s packed weights where they serve this batch's row count, else null. */
    private PackedLinear[] packedFor(int index, NDArray x) {
        List<PackedLinear[]> all = packed;
        if (all.isEmpty()) {
            return null;
        }
        Shape s = x.getShape();
        return packedRows == s.get(0) * s.get(1) ? all.get(index) : null;
    }

    /** x·Wᵀ + b with the plain product ({@code weight} is the (K, N) view) or linear layer {@code i} of
     *  the packed ones. */
    private static NDArray linear(NDArray x, NDArray weight, NDArray bias, PackedLinear[] packed, int i) {
        return packed != null ? packed[i].apply(x, bias) : x.matMul(weight).addi(bias);
    }

    /** Multi-head self-attention with one packed q/k/v projection and one fused attention kernel over B·H heads. */
    private NDArray attention(NDArray h, VitWeights.Block bw, PackedLinear[] p) {
        Shape s = h.getShape();
        long bsz = s.get(0);
        long t = s.get(1);
        int heads = cfg.heads();
        long d = cfg.hiddenSize() / heads;
        NDArray attended;
        // the view shares the product's memory, freed once both are closed
        try (NDArray flat = linear(h, bw.qkvWeight(), bw.qkvBias(), p, 0);
             NDArray byHead = flat.reshape(bsz, t, 3, heads, d)) {
            attended = FusedAttention.attendHeads(byHead); // q pre-scaled by 1/√d (VitWeights)
        }
        try (attended) {
            return linear(attended, bw.outWeight(), bw.outBias(), p, 1);
        }
    }

    /** The MLP's nonlinearity on fc1's output; SwiGLU halves the width. */
    private NDArray activation(NDArray x) {
        return switch (cfg.mlp()) {
            case GELU -> Activation.gelu(x);
            case QUICK_GELU -> x.mul(Activation.sigmoid(x.mul(1.702f)));
            case SWIGLU -> {
                long h = cfg.intermediateSize();
                NDArray x1 = x.get(new NDIndex("..., :{}", h));
                NDArray x2 = x.get(new NDIndex("..., {}:", h));
                yield Activation.sigmoid(x1).muli(x1).muli(x2);
            }
        };
    }

    private NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
        return LayerNorm.layerNorm(x, new Shape(cfg.hiddenSize()), weight, bias, (float) cfg.layerNormEps())
                .singletonOrThrow();
    }

    /**
     * A block output (B, 1+R+L, C) as the (B, 1+L, C) tokens LNAMD reads, register tokens dropped (a
     * tap may be the block output itself, which the caller then keeps alive).
     */
    private NDArray tapOf(NDArray blockOut) {
        NDArray tokens = blockOut;
        if (cfg.registers() > 0) {
            tokens = NDArrays.concat(new NDList(blockOut.get(":, :1, :"),
                    blockOut.get(new NDIndex(":, {}:, :", 1 + cfg.registers()))), 1);
        }
        return switch (recipe.tap()) {
            case RAW -> tokens;
            case FINAL_NORM -> layerNorm(tokens, w.finalNormWeight(), w.finalNormBias());
            case FINAL_NORM_ZERO_CLS -> {
                NDArray normed = layerNorm(tokens, w.finalNormWeight(), w.finalNormBias());
                long bsz = normed.getShape().get(0);
                NDArray zero = Casts.to(normed.getManager().zeros(new Shape(bsz, 1, cfg.hiddenSize())), type);
                yield NDArrays.concat(new NDList(zero, normed.get(":, 1:, :")), 1);
            }
        };
    }

    /** The final-normed CLS; CLIP projects it and L2-normalises the result. */
    private NDArray imageFeature(NDArray last) {
        NDArray cls = last.get(":, 0, :");
        NDArray normed = layerNorm(cls, w.finalNormWeight(), w.finalNormBias());
        if (recipe.imageFeature() == VitRecipe.ImageFeature.FINAL_NORM_CLS) {
            return normed;
        }
        NDArray proj = normed.matMul(w.projection());
        return proj.div(proj.norm(new int[] {-1}, true));
    }

    @Override
    public void close() {
        weightsManager.close();
    }

    @Override
    public String toString() {
        return "VisionTransformer" + Arrays.asList(spec);
    }
}
