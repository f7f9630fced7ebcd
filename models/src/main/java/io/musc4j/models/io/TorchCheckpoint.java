package io.musc4j.models.io;

import java.nio.file.Path;

/**
 * Placeholder for the restricted PyTorch-checkpoint reader that the checkpoint branch provides under this
 * name: until it is merged, pickled weights are refused here with a one-line error.
 */
public final class TorchCheckpoint {

    private TorchCheckpoint() {
    }

    /** Opens a {@code torch.save} zip checkpoint as named tensors. */
    public static TensorSource open(Path file) throws WeightFileException {
        throw new WeightFileException(file + ": reading pickled PyTorch checkpoints is not available in this build;"
                + " use the repository's safetensors weights");
    }
}
