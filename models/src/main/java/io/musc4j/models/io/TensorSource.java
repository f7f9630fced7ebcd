package io.musc4j.models.io;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Named float tensors read from a weights file, whatever its format ({@link Safetensors}; a PyTorch
 * checkpoint through a restricted reader). Backbones load their weights through this contract only.
 */
public interface TensorSource {

    /** Names of all tensors. */
    Set<String> names();

    /** The stored shape of a tensor. */
    long[] shape(String name) throws WeightFileException;

    /** The file a tensor is stored in (for error messages). */
    Path file(String name) throws WeightFileException;

    /** The stored element type, in safetensors' spelling: F32, F16 or BF16. */
    String dtype(String name) throws WeightFileException;

    /** A tensor's values as float32 (narrower types widened exactly in Java), row-major. */
    float[] floats(String name) throws WeightFileException;

    /**
     * A float32 tensor's stored bytes, little-endian and row-major, as a read-only direct buffer over
     * the source's own memory (no copy), or empty where the tensor is stored in another type or not in
     * memory as it is. Loading through it skips the Java array of {@link #floats}: the weights are
     * copied once, by libtorch, from the mapped file into tensors. Valid while the source is reachable.
     */
    default Optional<ByteBuffer> float32View(String name) throws WeightFileException {
        return Optional.empty();
    }
}
