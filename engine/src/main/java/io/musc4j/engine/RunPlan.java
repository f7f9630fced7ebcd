package io.musc4j.engine;

import ai.djl.Device;
import io.musc4j.models.BackboneOptions;
import io.musc4j.models.BackboneOptions.DeviceChoice;
import io.musc4j.models.BackboneSpec;

/**
 * A run's options resolved against its model, once: what every stage below receives, so that none of
 * them checks or defaults a value again. The model's facts (family, depth, patch size, trained image
 * size, token width) are read once from its configuration, before its weights load; the options that
 * depend on them are checked here and nowhere else (a layer beyond the model's depth, an image smaller
 * than one patch), and the defaults the model decides are filled in (image size, tapped layers). The
 * device is the one the user's choice resolved to, and the precision has been checked against it by
 * the configuration that names it.
 */
public final class RunPlan {

    private final MuscConfig config;
    private final BackboneSpec model;
    private final Device device;
    private final int[] taps;

    private RunPlan(MuscConfig config, BackboneSpec model, Device device) {
        this.config = config;
        this.model = model;
        this.device = device;
        this.taps = config.layers().stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The plan of {@code options} for a model with these facts on a resolved device.
     *
     * @throws IllegalArgumentException with a one-line message if a layer is beyond the model's depth, the
     *     image is smaller than one patch, or the precision does not run on the device
     */
    public static RunPlan resolve(MuscConfig options, BackboneSpec model, Device device) {
        for (int l : options.layers()) {
            if (l >= model.blocks()) {
                throw new IllegalArgumentException("layer " + l + " does not exist: the backbone has blocks 0.."
                        + (model.blocks() - 1));
            }
        }
        int size = model.imageSize(options.imageSize());
        if (size < model.patchSize()) {
            throw new IllegalArgumentException("image size " + size + " is smaller than one patch ("
                    + model.patchSize() + " px)");
        }
        MuscConfig.Builder resolved = options.toBuilder().imageSize(size).device(DeviceChoice.of(device));
        if (options.layers().isEmpty()) {
            resolved.layers(model.defaultTaps());
        }
        return new RunPlan(resolved.build(), model, device);
    }

    /** The options with the model's defaults filled in: image size, layers and device are concrete. */
    public MuscConfig config() {
        return config;
    }

    /** The model's facts. */
    public BackboneSpec model() {
        return model;
    }

    /** Where the backbone and scoring run. */
    public Device device() {
        return device;
    }

    /** Network input and pixel map side S. */
    public int imageSize() {
        return config.imageSize();
    }

    /** Tapped blocks (0-based), in scoring order. */
    public int[] taps() {
        return taps.clone();
    }

    /** Patches per side of the grid the tokens are on. */
    public int grid() {
        return model.grid(config.imageSize());
    }

    /** How to load the backbone of this plan. */
    public BackboneOptions backboneOptions() {
        return BackboneOptions.on(device).precision(config.precision()).imageSize(config.imageSize()).build();
    }

    @Override
    public String toString() {
        return model.profile() + " (" + model.blocks() + " blocks, patch " + model.patchSize() + ") on " + device
                + ": " + config.describe();
    }
}
