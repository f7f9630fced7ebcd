package io.musc4j.models;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.musc4j.models.layout.ModelLayout;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.vit.CanonicalTensors;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads backbones from model folders in any supported layout (transformers, timm, open_clip; safetensors
 * or pickled checkpoints through the restricted reader), see {@link ModelLayout}.
 */
public final class Backbones {

    private static final Logger LOG = LoggerFactory.getLogger(Backbones.class);

    private Backbones() {
    }

    /**
     * Loads the backbone in {@code modelDir}.
     *
     * @throws IOException with a one-line message naming the file and problem if the folder's files are
     *     missing, malformed or do not match each other
     */
    public static Backbone load(Path modelDir, BackboneOptions opts) throws IOException {
        return load(ModelLayout.locate(modelDir), opts);
    }

    /**
     * Loads the weights of a located checkpoint, whose configuration the caller has already read, with
     * options resolved by the caller: the device, the precision (checked against the device where the
     * run's options are, {@link BackboneOptions.DeviceChoice#checkRuns}) and the image size (0: the trained size).
     *
     * @throws IOException with a one-line message naming the file and problem if the weights are
     *     missing, malformed or do not match the configuration
     * @throws IllegalArgumentException with a one-line message if the device is a GPU the loaded natives
     *     cannot drive ({@link CudaCompatibility})
     */
    public static Backbone load(ModelLayout.Checkpoint checkpoint, BackboneOptions opts) throws IOException {
        try (PendingWeights weights = PendingWeights.start(checkpoint, BackboneOptions.DeviceChoice.of(opts.device()),
                opts.precision())) {
            return load(weights, opts);
        }
    }

    /**
     * As {@link #load(ModelLayout.Checkpoint, BackboneOptions)}, from weights whose reading started
     * earlier ({@link PendingWeights}, started for the device and precision of {@code opts}).
     */
    public static Backbone load(PendingWeights weights, BackboneOptions opts) throws IOException {
        ModelLayout.Checkpoint checkpoint = weights.checkpoint();
        ModelConfig cfg = checkpoint.config();
        Device device = opts.device();
        CudaCompatibility.check(device);
        DataType type = opts.precision().dataType();
        CanonicalTensors tensors = weights.await();
        NDManager manager = NDManager.newBaseManager(device);
        try {
            VitWeights w = VitWeights.load(tensors, cfg, manager, type);
            LOG.info("Loaded {} ({} layout, {} blocks, width {}) from {} on {} as {}", cfg.profile(),
                    checkpoint.layout(), cfg.layers(), cfg.hiddenSize(), checkpoint.weightsFile(), device, type);
            return new VisionTransformer(cfg, w, manager, type, BackboneSpec.of(cfg).imageSize(opts.imageSize()));
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
