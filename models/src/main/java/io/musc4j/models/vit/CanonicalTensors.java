package io.musc4j.models.vit;

import io.musc4j.models.io.WeightFileException;

/** A checkpoint seen through its layout's {@link WeightMap}: tensors by canonical name. */
public interface CanonicalTensors {

    /**
     * The row-major float32 values of canonical tensor {@code name} of the given shape; a missing or
     * misshapen stored tensor is a one-line error naming its file.
     */
    float[] read(String name, long... shape) throws WeightFileException;

    /** Called after every read: refuses stored tensors that were neither read nor declared unused. */
    void finish() throws WeightFileException;
}
