package io.musc4j.models.vit;

import io.musc4j.models.io.WeightFileException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/** A checkpoint seen through its layout's {@link WeightMap}: tensors by canonical name. */
public interface CanonicalTensors {

    /**
     * The row-major float32 values of canonical tensor {@code name} of the given shape; a missing or
     * misshapen stored tensor is a one-line error naming its file.
     */
    float[] read(String name, long... shape) throws WeightFileException;

    /**
     * Canonical tensor {@code name} as float32 bytes in the checkpoint's own memory, one buffer per
     * stored tensor that it stacks along its first axis (q, k and v for a qkv weight), so that it can be
     * assembled without a copy in Java; empty where its values must be computed or converted
     * ({@link #read} gives them then). Checks shapes as {@link #read} does.
     */
    default Optional<List<ByteBuffer>> float32Parts(String name, long... shape) throws WeightFileException {
        return Optional.empty();
    }

    /**
     * Canonical tensor {@code name} as float32 bytes, little-endian and row-major, in memory of its own
     * (read from the file before, no longer tied to it), which arrays may use in place for as long as the
     * returned buffer is reachable; empty where it is not held so ({@link #float32Parts} or {@link #read}
     * give it then). Each tensor is handed out once. Checks shapes as {@link #read} does.
     */
    default Optional<ByteBuffer> resident(String name, long... shape) throws WeightFileException {
        return Optional.empty();
    }

    /** Called after every read: refuses stored tensors that were neither read nor declared unused. */
    void finish() throws WeightFileException;
}
