package io.musc4j.models.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A tensor of a PyTorch checkpoint as {@code torch._utils._rebuild_tensor_v2} describes it: a view of
 * {@code shape} with element {@code stride}s starting {@code offset} elements into a storage. Creating
 * one checks that every element it addresses lies inside the storage, so reading it never goes out of
 * bounds; views (transposes, slices, tensors sharing one storage) are read by stride.
 */
record StoredTensor(StorageRef storage, long offset, long[] shape, long[] stride) {

    /** A storage named by a checkpoint's pickle: its element type, its record key and its declared length. */
    record StorageRef(TorchStorageType type, String key, long numel) {
    }

    /** More dimensions than PyTorch itself allows in a tensor. */
    static final int MAX_DIMS = 64;

    /**
     * Views whose strides overlap (stride 0 of an expanded tensor) address more elements than their
     * storage span holds; they are read only up to this size, so that the floats read are bounded by
     * the bytes actually stored, whatever the file declares.
     */
    static final long MAX_OVERLAPPING = 1 << 24;

    /** Checks the view against its storage; the exception names {@code file} and the problem. */
    static StoredTensor of(Path file, StorageRef storage, long offset, long[] shape, long[] stride)
            throws WeightFileException {
        String where = file + ": tensor on storage '" + storage.key() + "' ";
        if (shape.length != stride.length || shape.length > MAX_DIMS) {
            throw new WeightFileException(where + "has " + shape.length + " sizes and " + stride.length
                    + " strides (at most " + MAX_DIMS + " dimensions, one stride each)");
        }
        if (offset < 0) {
            throw new WeightFileException(where + "has a negative storage offset " + offset);
        }
        long numel = 1;
        long last = offset;
        try {
            for (int d = 0; d < shape.length; d++) {
                if (shape[d] < 0 || stride[d] < 0) {
                    throw new WeightFileException(where + "has a negative size or stride (shape "
                            + Arrays.toString(shape) + ", strides " + Arrays.toString(stride) + ")");
                }
                numel = Math.multiplyExact(numel, shape[d]);
                if (shape[d] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(shape[d] - 1, stride[d]));
                }
            }
        } catch (ArithmeticException e) {
            throw new WeightFileException(where + "has a shape " + Arrays.toString(shape) + " and strides "
                    + Arrays.toString(stride) + " whose extent overflows 64 bits");
        }
        boolean inside = numel == 0 ? offset <= storage.numel() : last < storage.numel();
        if (!inside) {
            throw new WeightFileException(where + "reaches element " + (numel == 0 ? offset : last)
                    + " (offset " + offset + ", shape " + Arrays.toString(shape) + ", strides "
                    + Arrays.toString(stride) + ") of a storage of " + storage.numel() + " elements");
        }
        StoredTensor t = new StoredTensor(storage, offset, shape.clone(), stride.clone());
        if (numel > t.spanElements() && numel > MAX_OVERLAPPING) {
            throw new WeightFileException(where + "has " + numel + " elements on " + t.spanElements()
                    + " stored ones (overlapping strides " + Arrays.toString(stride) + "); at most "
                    + MAX_OVERLAPPING + " elements are read from such a view");
        }
        return t;
    }

    /** Number of elements. */
    long numel() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    /** Storage elements from {@link #offset} to the last one the view addresses (0 when empty). */
    long spanElements() {
        if (numel() == 0) {
            return 0;
        }
        long last = 0;
        for (int d = 0; d < shape.length; d++) {
            last += (shape[d] - 1) * stride[d];
        }
        return last + 1;
    }

    /**
     * The view's values in row-major order, widened to float32, from {@code span}: the little-endian
     * bytes of its storage from element {@link #offset} on ({@link #spanElements()} elements).
     */
    float[] gather(ByteBuffer span) {
        ByteBuffer b = span.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[Math.toIntExact(numel())];
        TorchStorageType type = storage.type();
        if (type == TorchStorageType.FLOAT && isContiguous()) {
            b.asFloatBuffer().get(out);
            return out;
        }
        int dims = shape.length;
        long[] index = new long[dims];
        long element = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (type) {
                case FLOAT -> b.getFloat(Math.toIntExact(element * 4));
                case HALF -> Safetensors.halfToFloat(b.getShort(Math.toIntExact(element * 2)));
                // BF16 is the top half of an IEEE float32
                case BFLOAT16 -> Float.intBitsToFloat((b.getShort(Math.toIntExact(element * 2)) & 0xFFFF) << 16);
                default -> throw new IllegalStateException(type + " is not a float storage");
            };
            for (int d = dims - 1; d >= 0; d--) {
                element += stride[d];
                if (++index[d] < shape[d]) {
                    break;
                }
                element -= stride[d] * shape[d];
                index[d] = 0;
            }
        }
        return out;
    }

    private boolean isContiguous() {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }
}
