package io.musc4j.models.layout;

import io.musc4j.models.io.Safetensors;
import io.musc4j.models.io.TensorSource;
import io.musc4j.models.io.TensorSources;
import io.musc4j.models.io.TorchCheckpoint;
import io.musc4j.models.io.WeightFileException;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.vit.WeightMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The three ways model folders name the same ViT: how the configuration is read and how the stored
 * tensor names map onto canonical ones. The same weights give the same tokens in every layout.
 */
public enum ModelLayout {
    /** Hugging Face transformers: {@code config.json} with a {@code model_type} ({@link TransformersLayout}). */
    TRANSFORMERS,
    /** timm: {@code config.json} with an {@code architecture} ({@link TimmLayout}). */
    TIMM,
    /** open_clip: {@code open_clip_config.json} ({@link OpenClipLayout}). */
    OPEN_CLIP;

    /**
     * A model folder ready to load.
     *
     * @param weightsFile the weights file, or the safetensors index of a sharded checkpoint
     */
    public record Checkpoint(ModelLayout layout, ModelConfig config, WeightMap names, Path configFile,
            Path weightsFile) {

        /** Opens the weights (safetensors memory-mapped, a pickled checkpoint through the restricted reader). */
        public TensorSource openWeights() throws IOException {
            return open(configFile, weightsFile);
        }
    }

    private static TensorSource open(Path configFile, Path weightsFile) throws IOException {
        if (configFile.getFileName().toString().equals(ModelFiles.CONFIG)) {
            // the same file: TensorSources looks for config.json's weights in ModelFiles' order
            return TensorSources.openFolder(weightsFile.getParent());
        }
        String name = weightsFile.getFileName().toString();
        return name.endsWith(".safetensors") ? Safetensors.openFile(weightsFile) : TorchCheckpoint.open(weightsFile);
    }

    /**
     * Finds the configuration and weights in {@code dir} ({@link ModelFiles#PREFERENCE}) and reads the
     * configuration, with the weights' shapes at hand for the sizes a timm configuration leaves to them.
     */
    public static Checkpoint locate(Path dir) throws IOException {
        Optional<ModelFiles.Choice> found = ModelFiles.find(dir);
        if (found.isEmpty()) {
            for (String config : new String[] {ModelFiles.CONFIG, ModelFiles.OPEN_CLIP_CONFIG}) {
                if (Files.isRegularFile(dir.resolve(config))) {
                    stated(dir.resolve(config), config); // a bad configuration is the first thing to fix
                }
            }
            if (Files.isRegularFile(dir.resolve("pytorch_model.bin.index.json"))) {
                throw new WeightFileException(dir.resolve("pytorch_model.bin.index.json")
                        + ": sharded PyTorch checkpoints are not read; fetch model.safetensors (or its index) instead");
            }
            throw new WeightFileException(dir + ": no model weights here; expected " + ModelFiles.expected());
        }
        ModelFiles.Choice choice = found.get();
        Path configFile = dir.resolve(choice.config());
        ConfigJson json = ConfigJson.read(configFile);
        Path weightsFile = dir.resolve(choice.weights());
        ModelLayout layout = of(json, choice.config());
        ModelConfig cfg = switch (layout) {
            case TRANSFORMERS -> TransformersLayout.config(json);
            case TIMM -> TimmLayout.config(json, Optional.of(open(configFile, weightsFile))).orElseThrow();
            case OPEN_CLIP -> OpenClipLayout.config(json);
        };
        return new Checkpoint(layout, cfg, layout.names(cfg), configFile, weightsFile);
    }

    /**
     * Reads a configuration file of any layout, without its weights; a timm configuration that leaves a
     * size to the weights is refused (load the folder with {@link #locate} instead).
     */
    public static ModelConfig readConfig(Path configFile) throws IOException {
        String name = configFile.getFileName().toString();
        return stated(configFile, name).orElseThrow(() -> new WeightFileException(configFile
                + ": the sizes of this timm model come from its weights; read the folder, not the file"));
    }

    /**
     * What a configuration file states, stored under another name (a hub cache's blob) whose name in the
     * model is {@code name}, which tells open_clip's configuration from the others; empty where a timm
     * configuration leaves a size to the weights.
     */
    public static Optional<ModelConfig> stated(Path file, String name) throws IOException {
        ConfigJson json = ConfigJson.read(file);
        return switch (of(json, name)) {
            case TRANSFORMERS -> Optional.of(TransformersLayout.config(json));
            case TIMM -> TimmLayout.config(json, Optional.empty());
            case OPEN_CLIP -> Optional.of(OpenClipLayout.config(json));
        };
    }

    private static ModelLayout of(ConfigJson json, String name) throws WeightFileException {
        if (name.equals(ModelFiles.OPEN_CLIP_CONFIG)) {
            return OPEN_CLIP;
        }
        if (json.has("model_type")) {
            return TRANSFORMERS;
        }
        if (json.has("architecture")) {
            return TIMM;
        }
        throw json.fail("neither a transformers config (no 'model_type') nor a timm config (no 'architecture')");
    }

    /** This layout's tensor names for a network of {@code cfg}. */
    public WeightMap names(ModelConfig cfg) {
        return switch (this) {
            case TRANSFORMERS -> TransformersLayout.names(cfg);
            case TIMM -> TimmLayout.names(cfg);
            case OPEN_CLIP -> OpenClipLayout.names(cfg);
        };
    }
}
