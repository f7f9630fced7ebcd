package io.musc4j.models;

import ai.djl.Device;

/**
 * How to load a backbone: the device (resolved), precision and the input size the position embedding
 * is prepared for. Build with {@link #on(Device)}; {@link DeviceChoice} is the user's choice of device
 * before it is resolved.
 */
public final class BackboneOptions {

    /**
     * Where the network runs: the CPU, a GPU by index, or AUTO (the first GPU if DJL sees one, else the
     * CPU). {@link #resolve} is a pure function of the choice and the number of visible GPUs.
     *
     * @param kind CPU, GPU or AUTO
     * @param index the GPU's index (0 for CPU and AUTO)
     */
    public record DeviceChoice(Kind kind, int index) {

        /** What is chosen. */
        public enum Kind { CPU, GPU, AUTO }

        /** Always the CPU. */
        public static final DeviceChoice CPU = new DeviceChoice(Kind.CPU, 0);
        /** The first GPU; loading fails if DJL sees none. */
        public static final DeviceChoice GPU = new DeviceChoice(Kind.GPU, 0);
        /** The first GPU if DJL sees one, else the CPU. */
        public static final DeviceChoice AUTO = new DeviceChoice(Kind.AUTO, 0);

        public DeviceChoice {
            java.util.Objects.requireNonNull(kind, "kind");
            if (index < 0 || (kind != Kind.GPU && index != 0)) {
                throw new IllegalArgumentException("a device index is a GPU's, >= 0; got " + kind + " " + index);
            }
        }

        /** GPU number {@code index}. */
        public static DeviceChoice gpu(int index) {
            return new DeviceChoice(Kind.GPU, index);
        }

        /** The choice of a DJL device, its GPU index kept. */
        public static DeviceChoice of(Device device) {
            return device.isGpu() ? gpu(device.getDeviceId()) : CPU;
        }

        /**
         * Parses {@code auto}, {@code cpu}, {@code gpu} (GPU 0) or {@code gpu:N}, any case.
         *
         * @throws IllegalArgumentException with a one-line message naming the bad value
         */
        public static DeviceChoice parse(String text) {
            String v = text.trim().toLowerCase(java.util.Locale.ROOT);
            switch (v) {
                case "auto":
                    return AUTO;
                case "cpu":
                    return CPU;
                case "gpu":
                    return GPU;
                default:
                    if (v.startsWith("gpu:")) {
                        try {
                            int index = Integer.parseInt(v.substring(4));
                            if (index >= 0) {
                                return gpu(index);
                            }
                        } catch (NumberFormatException e) {
                            // reported below
                        }
                    }
                    throw new IllegalArgumentException("device must be auto, cpu, gpu or gpu:N with N >= 0, got '"
                            + text + "'");
            }
        }

        /**
         * The device this choice means on a machine where DJL sees {@code gpus} GPUs.
         *
         * @throws IllegalArgumentException with a one-line message if the chosen GPU is not there
         */
        public Device resolve(int gpus) {
            switch (kind) {
                case CPU:
                    return Device.cpu();
                case AUTO:
                    return gpus > 0 ? Device.gpu(0) : Device.cpu();
                default:
                    if (gpus == 0) {
                        throw new IllegalArgumentException("a GPU was requested but none is usable: either the PyTorch"
                                + " natives are CPU-only (build with -Pcuda; ./musc does with MUSC_CUDA=1) or no CUDA"
                                + " driver and GPU are present; choose the cpu or auto device");
                    }
                    if (index >= gpus) {
                        throw new IllegalArgumentException("GPU " + index + " was requested but DJL sees " + gpus
                                + " GPU(s), numbered 0.." + (gpus - 1));
                    }
                    return Device.gpu(index);
            }
        }

        /**
         * The one place that knows which devices a precision runs on: FP16 needs CUDA; BF16 needs CUDA or a
         * CPU with native bfloat16 products ({@link CpuFeatures#bf16}), without which libtorch emulates them
         * many times slower than float32 (an AUTO choice is checked again once resolved, as the device it
         * resolved to).
         *
         * @throws IllegalArgumentException with a one-line message if the precision does not run here
         */
        public void checkRuns(Precision p) {
            checkRuns(p, CpuFeatures.bf16(), CpuFeatures.model());
        }

        /** {@link #checkRuns(Precision)} on a CPU that has bfloat16 products or not. */
        void checkRuns(Precision p, boolean cpuHasBf16, String cpuModel) {
            if (p == Precision.FP16 && kind == Kind.CPU) {
                throw new IllegalArgumentException("fp16 precision needs a CUDA device; the device is cpu");
            }
            if (p == Precision.BF16 && kind == Kind.CPU && !cpuHasBf16) {
                throw new IllegalArgumentException("bf16 precision needs a CPU with bfloat16 products (AVX512-BF16 "
                        + "or AMX) or a CUDA device; this CPU (" + cpuModel + ") has neither: use fp32");
            }
        }

        /** {@code auto}, {@code cpu} or {@code gpu:N}, the form {@link #parse} reads. */
        @Override
        public String toString() {
            return kind == Kind.GPU ? "gpu:" + index : kind.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Device device;
    private final Precision precision;
    private final int imageSize;

    private BackboneOptions(Builder b) {
        this.device = b.device;
        this.precision = b.precision;
        this.imageSize = b.imageSize;
    }

    /**
     * A builder for a backbone on {@code device}, a device already resolved from the user's choice
     * ({@link DeviceChoice#resolve}); defaults: FP32, the model's trained image size.
     */
    public static Builder on(Device device) {
        return new Builder(device);
    }

    /** Where the weights live. */
    public Device device() {
        return device;
    }

    /** Arithmetic of the weights and activations; the caller has checked it fits the device
     *  ({@link DeviceChoice#checkRuns}). */
    public Precision precision() {
        return precision;
    }

    /** Input size S the position embedding is prepared for at load; 0 means the trained size. */
    public int imageSize() {
        return imageSize;
    }

    /** Builder for {@link BackboneOptions}. */
    public static final class Builder {
        private final Device device;
        private Precision precision = Precision.FP32;
        private int imageSize;

        private Builder(Device device) {
            this.device = java.util.Objects.requireNonNull(device, "device");
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

        /** @throws IllegalArgumentException for fp16 on the CPU ({@link DeviceChoice#checkRuns}), so that a
         *      direct caller of {@code Backbones.load} meets the rule MuscConfig applies */
        public BackboneOptions build() {
            DeviceChoice.of(device).checkRuns(precision);
            return new BackboneOptions(this);
        }
    }
}
