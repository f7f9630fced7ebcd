package io.musc4j.models.io;

import java.util.Optional;

/**
 * The legacy storage classes ({@code torch.FloatStorage}, …) that {@code torch.save} names in a
 * checkpoint's pickle to give each storage's element type, with that type in safetensors' spelling.
 * Integer and boolean storages are known so that checkpoints holding them (e.g. the {@code position_ids}
 * buffer of older Hugging Face models) open; reading them as floats is refused later.
 */
enum TorchStorageType {
    DOUBLE("DoubleStorage", "F64", 8),
    FLOAT("FloatStorage", "F32", 4),
    HALF("HalfStorage", "F16", 2),
    BFLOAT16("BFloat16Storage", "BF16", 2),
    LONG("LongStorage", "I64", 8),
    INT("IntStorage", "I32", 4),
    SHORT("ShortStorage", "I16", 2),
    CHAR("CharStorage", "I8", 1),
    BYTE("ByteStorage", "U8", 1),
    BOOL("BoolStorage", "BOOL", 1);

    private final String className;
    private final String dtype;
    private final int itemSize;

    TorchStorageType(String className, String dtype, int itemSize) {
        this.className = className;
        this.dtype = dtype;
        this.itemSize = itemSize;
    }

    /** The storage type named {@code torch.<name>} in a pickle, if it is one of these. */
    static Optional<TorchStorageType> byClassName(String name) {
        for (TorchStorageType t : values()) {
            if (t.className.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The element type in safetensors' spelling (F32, F16, BF16, I64, …). */
    String dtype() {
        return dtype;
    }

    /** Bytes per element. */
    int itemSize() {
        return itemSize;
    }

    @Override
    public String toString() {
        return "torch." + className;
    }
}
