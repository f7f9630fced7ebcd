package io.musc4j.engine.msm;

import ai.djl.ndarray.types.DataType;

/**
 * Arithmetic of the MSM distance products. FP32 is the default and matches the reference; FP16
 * halves memory and is meant for CUDA (it loses about three decimal digits of distance). BF16 is
 * deliberately absent: any BF16 tensor crashes the JVM under DJL.
 */
public enum MsmPrecision {
    FP32(DataType.FLOAT32),
    FP16(DataType.FLOAT16);

    private final DataType dataType;

    MsmPrecision(DataType dataType) {
        this.dataType = dataType;
    }

    /** The DJL data type the products are computed in. */
    public DataType dataType() {
        return dataType;
    }

    /** Bytes per element. */
    public int bytes() {
        return dataType.getNumOfBytes();
    }
}
