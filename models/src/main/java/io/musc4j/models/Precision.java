package io.musc4j.models;

import ai.djl.ndarray.types.DataType;

/**
 * Arithmetic of a run: the backbone's weights and activations and the MSM distance products
 * ({@link #products}). FP32 is the default and matches the reference. FP16 halves memory and runs on
 * CUDA only, like the reference's autocast on GPU (the device choice checks it); it loses about three
 * decimal digits of distance. BF16 runs the backbone's matrix products in bfloat16 on CPUs that have
 * native bfloat16 products (AVX512-BF16, AMX) and on CUDA; its 8-bit mantissa is too coarse for the
 * distances, so MSM stays float32. Outputs are float32 in every precision: a BF16 array is converted
 * inside libtorch before anything reads it into Java (reading a BF16 array itself crashes the JVM under
 * DJL).
 */
public enum Precision {
    FP32(DataType.FLOAT32),
    FP16(DataType.FLOAT16),
    BF16(DataType.BFLOAT16);

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    /** The DJL data type the backbone's weights and activations are held in. */
    public DataType dataType() {
        return dataType;
    }

    /** Bytes per element. */
    public int bytes() {
        return dataType.getNumOfBytes();
    }

    /** The precision of the MSM distance products under this one: FP32 for BF16, else this. */
    public Precision products() {
        return this == BF16 ? FP32 : this;
    }
}
