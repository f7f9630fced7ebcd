package io.musc4j.models;

/**
 * How to load a backbone: device, precision and the input size the position embedding is prepared for.
 * Build with {@link #builder()}.
 */
public final class BackboneOptions {

    /** Where the network runs. */
    public enum DeviceChoice {
        /** Always the CPU. */
        CPU,
        /** The first GPU; loading fails if DJL sees none. */
        GPU,
        /** The first GPU if DJL sees one, else the CPU. */
        AUTO
    }

    /** Arithmetic precision of weights and activations. */
    public enum Precision {
        /** float32 everywhere (what the reference fixtures use). */
        FP32,
        /** float16 weights and activations, CUDA only (like the reference's autocast on GPU); outputs are float32. */
        FP16
    }

    private final DeviceChoice device;
    private final Precision precision;
    private final int imageSize;

    private BackboneOptions(Builder b) {
        this.device = b.device;
        this.precision = b.precision;
        this.imageSize = b.imageSize;
    }

    /** A builder with defaults: AUTO device, FP32, the model's trained image size. */
    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: AUTO device, FP32, the model's trained image size. */
    public static BackboneOptions defaults() {
        return builder().build();
    }

    public DeviceChoice device() {
        return device;
    }

    public Precision precision() {
        return precision;
    }

    /** Input size S the position embedding is prepared for at load; 0 means the trained size. */
    public int imageSize() {
        return imageSize;
    }

    /** Builder for {@link BackboneOptions}. */
    public static final class Builder {
        private DeviceChoice device = DeviceChoice.AUTO;
        private Precision precision = Precision.FP32;
        private int imageSize;

        private Builder() {
        }

        public Builder device(DeviceChoice d) {
            this.device = java.util.Objects.requireNonNull(d);
            return this;
        }

        public Builder precision(Precision p) {
            this.precision = java.util.Objects.requireNonNull(p);
            return this;
        }

        /** Input image side S in pixels (e.g. 224 or 518). */
        public Builder imageSize(int s) {
            if (s <= 0) {
                throw new IllegalArgumentException("image size must be positive, got " + s);
            }
            this.imageSize = s;
            return this;
        }

        public BackboneOptions build() {
            return new BackboneOptions(this);
        }
    }
}
