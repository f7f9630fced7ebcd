package io.musc4j.models;

import ai.djl.ndarray.types.DataType;

/**
 * Arithmetic of a run: the backbone's weights and activations and the MSM distance products. FP32 is
 * the default and matches the reference; FP16 halves memory and runs on CUDA only, like the
 * reference's autocast on GPU (the device choice checks it); it loses about three decimal digits of
 * distance, and outputs are float32.
 * BF16 is deliberately absent: any BF16 tensor crashes the JVM under DJL.
 */
public enum Precision {
    FP32(DataType.FLOAT32),
    FP16(DataType.FLOAT16);

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    /** The DJL data type the weights and products are held in. */
    public DataType dataType() {
        return dataType;
    }

    /** Bytes per element. */
    public int bytes() {
        return dataType.getNumOfBytes();
    }
}
