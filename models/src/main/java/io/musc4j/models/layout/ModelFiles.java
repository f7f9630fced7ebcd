package io.musc4j.models.layout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The files a model folder may hold, per layout, and which pair of configuration and weights is used
 * when a folder (or a hub repository) holds several: safetensors before pickled checkpoints, and
 * {@code config.json} (transformers or timm) before open_clip's files.
 */
public final class ModelFiles {

    public static final String CONFIG = "config.json";
    public static final String OPEN_CLIP_CONFIG = "open_clip_config.json";
    public static final String SAFETENSORS = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";
    public static final String PYTORCH = "pytorch_model.bin";
    /** Other names a transformers or timm folder's PyTorch checkpoint may have, in the reader's order. */
    public static final List<String> OTHER_CHECKPOINTS = List.of("model.bin", "model.pt", "model.pth");
    public static final String OPEN_CLIP_SAFETENSORS = "open_clip_model.safetensors";
    public static final String OPEN_CLIP_PYTORCH = "open_clip_pytorch_model.bin";

    /**
     * A configuration file and the weights file that goes with it.
     *
     * @param weights a weights file, or a safetensors index naming shards
     */
    public record Choice(String config, String weights) {

        /** Whether {@link #weights()} is an index whose shards hold the tensors. */
        public boolean sharded() {
            return weights.equals(INDEX);
        }

        /** Whether the weights are a pickled PyTorch checkpoint (read by the restricted reader). */
        public boolean pickled() {
            return !weights.endsWith(".safetensors") && !sharded();
        }
    }

    /** Every supported pair, most preferred first. */
    public static final List<Choice> PREFERENCE = List.of(
            new Choice(CONFIG, SAFETENSORS),
            new Choice(CONFIG, INDEX),
            new Choice(OPEN_CLIP_CONFIG, OPEN_CLIP_SAFETENSORS),
            new Choice(CONFIG, PYTORCH),
            new Choice(CONFIG, OTHER_CHECKPOINTS.get(0)),
            new Choice(CONFIG, OTHER_CHECKPOINTS.get(1)),
            new Choice(CONFIG, OTHER_CHECKPOINTS.get(2)),
            new Choice(OPEN_CLIP_CONFIG, OPEN_CLIP_PYTORCH));

    private ModelFiles() {
    }

    /** The most preferred pair whose two files are in {@code dir} (an index's shards are not checked here). */
    public static Optional<Choice> find(Path dir) {
        return PREFERENCE.stream().filter(c -> Files.isRegularFile(dir.resolve(c.config()))
                && Files.isRegularFile(dir.resolve(c.weights()))).findFirst();
    }

    /** What a folder that matches no pair needs, for messages. */
    public static String expected() {
        return CONFIG + " with " + SAFETENSORS + " (or " + INDEX + " and its shards, or " + PYTORCH + "), or "
                + OPEN_CLIP_CONFIG + " with " + OPEN_CLIP_SAFETENSORS + " (or " + OPEN_CLIP_PYTORCH + ")";
    }
}
