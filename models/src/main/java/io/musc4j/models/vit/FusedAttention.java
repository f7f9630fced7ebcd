package io.musc4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.musc4j.models.script.ScriptModule;

/**
 * Attention softmax(q·kᵀ)·v in one libtorch kernel ({@code scaled_dot_product_attention}), which DJL does
 * not expose: a TorchScript module compiled at first use from {@code fused_attention.py} beside this class
 * ({@link ScriptModule}). The fused kernel never materialises the (B, H, T, T) scores and their
 * softmax, which the composed ops write and read back three times; on a CPU it runs about twice as fast.
 *
 * <p>In: q, k, v (B, H, T, d) of one dtype on one device, q already scaled by 1/√d. Out: (B, H, T, d) on
 * q's manager. Equal to the composed {@link #composed} up to float32 rounding.
 */
public final class FusedAttention {

    private static final ScriptModule MODULE = new ScriptModule(FusedAttention.class, "fused_attention.py",
            "FusedAttention");
    private static final ScriptModule HEADS = new ScriptModule(FusedAttention.class, "fused_attention.py",
            "AttentionHeads");

    private FusedAttention() {
    }

    /** softmax(q·kᵀ)·v, fused. The module is loaded once per process and serves every device. */
    public static NDArray attend(NDArray q, NDArray k, NDArray v) {
        return MODULE.forward(new NDList(q, k, v)).singletonOrThrow();
    }

    /**
     * Every head's attention from the q/k/v product, in one native call: the split into heads, the fused
     * kernel and the heads' merge, which as DJL calls cost a block about 0.3 ms at batch 1.
     *
     * @param qkv (B, T, 3, H, d), the q/k/v product viewed by head, q pre-scaled by 1/√d
     * @return (B, T, H·d) on qkv's manager, the heads side by side: {@link #attend} on the three (B, H, T, d)
     *     views, transposed to (B, T, H, d) and merged, to the bit
     */
    public static NDArray attendHeads(NDArray qkv) {
        return HEADS.forward(new NDList(qkv)).singletonOrThrow();
    }

    /** The same attention as three DJL ops (scores, softmax, weighted sum), for tests and benchmarks. */
    public static NDArray composed(NDArray q, NDArray k, NDArray v) {
        return q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1).matMul(v);
    }
}
