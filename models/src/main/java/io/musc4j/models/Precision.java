package io.musc4j.models;

import ai.djl.ndarray.types.DataType;
import io.musc4j.models.BackboneOptions.DeviceChoice;

/**
 * Arithmetic of a run: the backbone's weights and activations and the MSM distance products. FP32 is
 * the default and matches the reference; FP16 halves memory and runs on CUDA only (like the
 * reference's autocast on GPU; it loses about three decimal digits of distance; outputs are float32).
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

    /**
     * The one place that knows which devices a precision runs on: FP16 needs CUDA.
     *
     * @throws IllegalArgumentException with a one-line message if {@code device} is the CPU and this is FP16
     */
    public void checkRunsOn(DeviceChoice device) {
        if (this == FP16 && device.kind() == DeviceChoice.Kind.CPU) {
            throw new IllegalArgumentException("fp16 precision needs a CUDA device; the device is cpu");
        }
    }
}
