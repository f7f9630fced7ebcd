package io.musc4j.models.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the weights of a model folder in whichever format it holds. */
public final class TensorSources {

    /** PyTorch checkpoint names a model folder may hold, in the order they are looked for. */
    static final String[] CHECKPOINTS = {"pytorch_model.bin", "model.bin", "model.pt", "model.pth"};

    private TensorSources() {
    }

    /**
     * The weights of {@code dir}: {@code model.safetensors} (or its sharded index) when present, else a
     * PyTorch checkpoint ({@code pytorch_model.bin}, …) read by the restricted {@link TorchCheckpoint}.
     *
     * @throws IOException with a one-line message naming the file when none is there or it cannot be read
     */
    public static TensorSource openFolder(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve("model.safetensors"))
                || Files.isRegularFile(dir.resolve("model.safetensors.index.json"))) {
            return Safetensors.openFolder(dir);
        }
        for (String name : CHECKPOINTS) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return TorchCheckpoint.open(dir.resolve(name));
            }
        }
        if (Files.isRegularFile(dir.resolve("pytorch_model.bin.index.json"))) {
            throw new WeightFileException(dir.resolve("pytorch_model.bin.index.json")
                    + ": sharded PyTorch checkpoints are not read; fetch model.safetensors (or its index) instead");
        }
        throw new WeightFileException(dir + ": no model.safetensors, model.safetensors.index.json or"
                + " pytorch_model.bin in this folder");
    }
}
