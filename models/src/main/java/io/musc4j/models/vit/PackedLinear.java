package io.musc4j.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.musc4j.models.script.ScriptModule;

/**
 * A linear layer's weight in MKL's packed layout for products of a fixed row count ({@code packed_linear.py}:
 * libtorch's {@code mkl::_mkl_reorder_linear_weight} and {@code mkl::_mkl_linear}). A plain product lays
 * the weight out again for MKL's kernel on every call; with few rows (one image of 257 tokens) that
 * copy is a large part of the call, and a packed weight skips it.
 *
 * @param packed the weight in MKL's layout (about twice its size)
 * @param weight the weight (N, K) as stored, which the op also takes
 * @param rows the rows B·T of the products it serves
 */
public record PackedLinear(NDArray packed, NDArray weight, NDArray rows) {

    private static final ScriptModule PACK = new ScriptModule(PackedLinear.class, "packed_linear.py", "Pack");
    private static final ScriptModule APPLY = new ScriptModule(PackedLinear.class, "packed_linear.py", "Apply");

    /**
     * @param transposedWeight the (K, N) view the plain product multiplies by, of a (N, K) weight
     * @param rows B·T
     * @param owner owns the packed and original arrays
     */
    public static PackedLinear of(NDArray transposedWeight, long rows, NDManager owner) {
        NDArray weight = transposedWeight.transpose();
        weight.attach(owner);
        NDArray count = owner.create(rows);
        NDArray packed = PACK.forward(new NDList(weight, count)).singletonOrThrow();
        packed.attach(owner);
        return new PackedLinear(packed, weight, count);
    }

    /** x·Wᵀ + b for x (B, T, K) with B·T = {@link #rows}: (B, T, N), owned by x's manager. libtorch
     *  marks it an inference tensor, which no in-place op may change. */
    public NDArray apply(NDArray x, NDArray bias) {
        return APPLY.forward(new NDList(x, packed, weight, bias, rows)).singletonOrThrow();
    }

    /** Bytes of the packed layout. */
    public long bytes() {
        return packed.size() * packed.getDataType().getNumOfBytes();
    }
}
