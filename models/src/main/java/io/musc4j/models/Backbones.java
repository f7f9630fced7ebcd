package io.musc4j.models;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.musc4j.models.io.TensorSource;
import io.musc4j.models.io.WeightFileException;
import io.musc4j.models.layout.ModelLayout;
import io.musc4j.models.profile.ModelConfig;
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
     *     missing, malformed or do not match each other, or if the options ask for hardware that is absent
     */
    public static Backbone load(Path modelDir, BackboneOptions opts) throws IOException {
        ModelLayout.Checkpoint checkpoint = ModelLayout.locate(modelDir);
        ModelConfig cfg = checkpoint.config();
        Device device = chooseDevice(opts.device());
        DataType type = DataType.FLOAT32;
        if (opts.precision() == BackboneOptions.Precision.FP16) {
            if (!device.isGpu()) {
                throw new WeightFileException(modelDir + ": fp16 precision needs a CUDA device; this run uses " + device);
            }
            type = DataType.FLOAT16;
        }
        int imageSize = opts.imageSize() > 0 ? opts.imageSize() : cfg.imageSize();
        TensorSource weights = checkpoint.openWeights();
        NDManager manager = NDManager.newBaseManager(device);
        try {
            VitWeights w = VitWeights.load(checkpoint.names().over(weights), cfg, manager, type);
            LOG.info("Loaded {} ({} layout, {} blocks, width {}) from {} on {} as {}", cfg.profile(),
                    checkpoint.layout(), cfg.layers(), cfg.hiddenSize(), checkpoint.weightsFile(), device, type);
            return new VisionTransformer(cfg, w, manager, type, imageSize);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static Device chooseDevice(BackboneOptions.DeviceChoice choice) throws WeightFileException {
        int gpus = Engine.getInstance().getGpuCount();
        Device d;
        try {
            d = choice.resolve(gpus);
            CudaCompatibility.check(d);
        } catch (IllegalArgumentException e) {
            throw new WeightFileException(e.getMessage());
        }
        LOG.info("Backbone device: {} ({} GPU(s) visible to DJL)", d, gpus);
        return d;
    }
}
