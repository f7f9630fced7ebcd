package io.musc4j.models.layout;

import io.musc4j.models.ModelConfig;
import io.musc4j.models.io.Safetensors;
import io.musc4j.models.io.TensorSource;
import io.musc4j.models.io.TensorSources;
import io.musc4j.models.io.TorchCheckpoint;
import io.musc4j.models.io.WeightFileException;
import io.musc4j.models.profile.BackboneProfile;
import io.musc4j.models.profile.BackboneProfiles;
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
    /** Hugging Face transformers: {@code config.json} with a {@code model_type}; names per profile. */
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
            if (configFile.getFileName().toString().equals(ModelFiles.CONFIG)) {
                // the same file: TensorSources looks for config.json's weights in ModelFiles' order
                return TensorSources.openFolder(weightsFile.getParent());
            }
            String name = weightsFile.getFileName().toString();
            return name.endsWith(".safetensors") ? Safetensors.openFile(weightsFile) : TorchCheckpoint.open(weightsFile);
        }
    }

    /** Finds the configuration and weights in {@code dir} ({@link ModelFiles#PREFERENCE}) and reads the configuration. */
    public static Checkpoint locate(Path dir) throws IOException {
        Optional<ModelFiles.Choice> found = ModelFiles.find(dir);
        if (found.isEmpty()) {
            for (String config : new String[] {ModelFiles.CONFIG, ModelFiles.OPEN_CLIP_CONFIG}) {
                if (Files.isRegularFile(dir.resolve(config))) {
                    readConfig(dir.resolve(config)); // a bad configuration is the first thing to fix
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
        ModelLayout layout = of(json);
        ModelConfig cfg = layout.config(json);
        return new Checkpoint(layout, cfg, layout.names(cfg), configFile, dir.resolve(choice.weights()));
    }

    /** Reads a configuration file of any layout. */
    public static ModelConfig readConfig(Path configFile) throws IOException {
        return readConfig(configFile, configFile.getFileName().toString());
    }

    /**
     * Reads a configuration file stored under another name (a hub cache's blob) whose name in the model
     * is {@code name}, which tells open_clip's configuration from the others.
     */
    public static ModelConfig readConfig(Path file, String name) throws IOException {
        ConfigJson json = ConfigJson.read(file);
        return of(json, name).config(json);
    }

    /** The layout a configuration file is written in. */
    static ModelLayout of(ConfigJson json) throws WeightFileException {
        return of(json, json.file().getFileName().toString());
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

    /** The numbers of the network this configuration describes. */
    public ModelConfig config(ConfigJson json) throws WeightFileException {
        return switch (this) {
            case TRANSFORMERS -> {
                String type = json.string("model_type");
                BackboneProfile profile = BackboneProfiles.forModelType(type).orElseThrow(() -> json.fail(
                        "unknown model_type '" + type + "' (supported: " + BackboneProfiles.modelTypes() + ")"));
                yield profile.readConfig(json);
            }
            case TIMM -> TimmLayout.config(json);
            case OPEN_CLIP -> OpenClipLayout.config(json);
        };
    }

    /** This layout's tensor names for a network of {@code cfg}. */
    public WeightMap names(ModelConfig cfg) {
        return switch (this) {
            case TRANSFORMERS -> cfg.profile().transformersNames(cfg);
            case TIMM -> TimmLayout.names(cfg);
            case OPEN_CLIP -> OpenClipLayout.names(cfg);
        };
    }
}
