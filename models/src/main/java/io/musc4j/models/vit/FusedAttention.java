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

    private FusedAttention() {
    }

    /** softmax(q·kᵀ)·v, fused. The module is loaded once per process and serves every device. */
    public static NDArray attend(NDArray q, NDArray k, NDArray v) {
        return MODULE.forward(new NDList(q, k, v)).singletonOrThrow();
    }

    /** The same attention as three DJL ops (scores, softmax, weighted sum), for tests and benchmarks. */
    public static NDArray composed(NDArray q, NDArray k, NDArray v) {
        return q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1).matMul(v);
    }
}
