package io.musc4j.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.musc4j.common.image.ImageDecoder;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.lnamd.Aggregation;
import io.musc4j.engine.msm.MsmInterval;
import io.musc4j.engine.msm.MsmPrecision;
import io.musc4j.engine.msm.ScoringKernel;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.models.Backbone;
import io.musc4j.models.BackboneOptions;
import io.musc4j.models.BackboneOptions.DeviceChoice;
import io.musc4j.models.BackboneSpec;
import io.musc4j.models.Backbones;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.hub.DownloadProgress;
import io.musc4j.models.hub.ModelResolver;
import io.musc4j.models.layout.ModelLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Zero-shot anomaly detection of a set of unlabeled images by MuSc: every image is scored by all the
 * others. The Java entry point of musc4j: a backbone, a {@link MuscConfig} and the {@link MuscPipeline}
 * of that configuration, with division into subsets and spilling of large sets around it.
 *
 * <pre>{@code
 * try (MuSc musc = MuSc.builder().model("facebook/dinov2-base").imageSize(518).build()) {
 *     ScoredSet r = musc.score(paths);   // per image: final score, score before RsCIN, S×S map
 * }
 * }</pre>
 *
 * <p>Thread safety: an instance may be shared between threads; {@code score} calls run one at a time
 * (the backbone and the scoring kernel use the whole machine anyway). There is no global state: two
 * instances are independent. Close it to free the backbone's native memory.
 */
public final class MuSc implements AutoCloseable {

    private final Backbone backbone;
    private final boolean ownsBackbone;
    private final MuscConfig config;
    private final int[] layers;
    private final MuscPipeline pipeline;
    private final ImageDecoder decoder;

    private MuSc(MuscConfig config, Backbone backbone, boolean owns, ProgressListener progress, StageListener stages,
            ImageDecoder decoder) {
        this.backbone = backbone;
        this.ownsBackbone = owns;
        this.config = config;
        this.layers = config.layers().stream().mapToInt(Integer::intValue).toArray();
        this.pipeline = new MuscPipeline(config, progress, stages);
        this.decoder = decoder != null ? decoder : ImageDecoder.installed();
    }

    /** A builder; {@link Builder#model} or {@link Builder#backbone} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Scores images read from files with {@link #imageDecoder()}. */
    public ScoredSet score(List<Path> images) throws IOException {
        List<Path> files = List.copyOf(images);
        return scoreSource(files.size(), i -> decoder.decode(files.get(i)));
    }

    /** Scores decoded images. */
    public ScoredSet scoreImages(List<RgbImage> images) throws IOException {
        List<RgbImage> all = List.copyOf(images);
        return scoreSource(all.size(), all::get);
    }

    /**
     * Scores {@code count} images supplied one at a time, so a caller never holds them all decoded
     * ({@link MuscPipeline#scoreSource}: with a {@link Division}, each subset runs through the pipeline
     * up to its image scores on its own, and RsCIN then runs over all images).
     */
    public synchronized ScoredSet scoreSource(int count, FeatureExtractor.ImageSource source) throws IOException {
        return pipeline.scoreSource(extractor(), count, source, backbone.device());
    }

    /** A feature extractor with this instance's backbone, size, layers and batch size. */
    public FeatureExtractor extractor() {
        return new FeatureExtractor(backbone, config.imageSize(), layers, config.batchSize());
    }

    /** The pipeline of this instance's configuration, the one {@link #scoreSource} runs. */
    public MuscPipeline pipeline() {
        return pipeline;
    }

    /** RsCIN windows applied over each whole scored set. */
    public RscinWindows rscin() {
        return config.rscin();
    }

    /** The configuration in use, resolved against the model: its image size, layers and device are the
     *  ones this instance uses. */
    public MuscConfig config() {
        return config;
    }

    /** How image files become RGB images (see {@link Builder#imageDecoder}). */
    public ImageDecoder imageDecoder() {
        return decoder;
    }

    /** The loaded backbone's description. */
    public BackboneSpec backboneSpec() {
        return backbone.spec();
    }

    /** Where the backbone runs. */
    public Device device() {
        return backbone.device();
    }

    /** Network input size S. */
    public int imageSize() {
        return config.imageSize();
    }

    /** Tapped blocks (0-based). */
    public int[] layers() {
        return layers.clone();
    }

    @Override
    public void close() {
        if (ownsBackbone) {
            backbone.close();
        }
    }

    /**
     * Builds a {@link MuSc}: the options go into one {@link MuscConfig} (each setter checks its value at
     * once); besides them, the builder takes what is not an option: a loaded backbone, listeners and the
     * image decoder.
     */
    public static final class Builder {
        private MuscConfig.Builder config = MuscConfig.builder();
        private Backbone backbone;
        private ProgressListener progress = ProgressListener.none();
        private StageListener stages = StageListener.none();
        private DownloadProgress downloadProgress = DownloadProgress.silent();
        private ImageDecoder decoder;

        private Builder() {
        }

        /** Every option at once (replacing those set so far). */
        public Builder config(MuscConfig options) {
            this.config = options.toBuilder();
            return this;
        }

        /** A Hugging Face id {@code org/name[@revision]} (cache, then hub) or a model folder. */
        public Builder model(String idOrFolder) {
            config.model(idOrFolder);
            return this;
        }

        /** An already loaded backbone; the caller keeps ownership and closes it. */
        public Builder backbone(Backbone loaded) {
            this.backbone = Objects.requireNonNull(loaded, "backbone");
            return this;
        }

        /** Network input size S (default: the model's trained size); checked by {@link MuscConfig.Builder#imageSize}. */
        public Builder imageSize(int size) {
            config.imageSize(size);
            return this;
        }

        /** 0-based blocks to tap (default: four evenly spaced, ending at the last). */
        public Builder layers(int... blocks) {
            config.layers(blocks);
            return this;
        }

        /** Aggregation degrees r, odd (default 1, 3, 5). */
        public Builder degrees(int... r) {
            config.degrees(r);
            return this;
        }

        /** MSM interval [low, high] of the sorted nearest distances to average (default 0, 0.3). */
        public Builder interval(double low, double high) {
            config.interval(new MsmInterval(low, high));
            return this;
        }

        /** RsCIN windows, or {@link RscinWindows#off()} (default 1, 2, 3). */
        public Builder rscin(RscinWindows windows) {
            config.rscin(windows);
            return this;
        }

        /** Full MSM (default, the reference) or position-constrained MSM for aligned parts. */
        public Builder scoring(ScoringKernel kernel) {
            config.scoring(kernel);
            return this;
        }

        /** LNAMD (default, the reference) or MuSc-V2's SNAMD. */
        public Builder aggregation(Aggregation a) {
            config.aggregation(a);
            return this;
        }

        /** Score the images in subsets (default: all together). */
        public Builder division(Division d) {
            config.division(d);
            return this;
        }

        /** Images per backbone pass (default 8). */
        public Builder batchSize(int images) {
            config.batchSize(images);
            return this;
        }

        /** {@code Device.cpu()} or {@code Device.gpu(i)} (the index is kept); a GPU that is not there
         *  fails {@link #build()} before the model loads. Default: the GPU if DJL sees one, else the CPU. */
        public Builder device(Device d) {
            config.device(d);
            return this;
        }

        /** Device by choice, including AUTO. */
        public Builder device(DeviceChoice choice) {
            config.device(choice);
            return this;
        }

        /** FP32 (default) or FP16 (CUDA only) for the backbone and the MSM products. */
        public Builder precision(MsmPrecision p) {
            config.precision(p);
            return this;
        }

        /** Workspace budget of scoring in bytes (default 1 GiB): MSM's minima store or query block, one
         *  tile and one aggregation chunk (see {@link MemoryPlan}). */
        public Builder memoryBudgetBytes(long bytes) {
            config.memoryBudgetBytes(bytes);
            return this;
        }

        /** Largest size of a set's tokens (all layers, float32) kept in memory; larger sets write them to
         *  a temporary file in {@link #spillDirectory} while they are scored (default 1 GiB). */
        public Builder tokenBudgetBytes(long bytes) {
            config.tokenBudgetBytes(bytes);
            return this;
        }

        /** Folder for spilled tokens (default: java.io.tmpdir); the files are deleted after scoring. */
        public Builder spillDirectory(Path folder) {
            config.spillDirectory(folder);
            return this;
        }

        /** Progress of feature extraction and scoring. */
        public Builder progress(ProgressListener listener) {
            this.progress = Objects.requireNonNull(listener, "progress");
            return this;
        }

        /** Told as each stage of the pipeline ends (see {@link StageListener}). */
        public Builder stages(StageListener listener) {
            this.stages = Objects.requireNonNull(listener, "stages");
            return this;
        }

        /** How image files are decoded (default: {@link ImageDecoder#installed()}, OpenCV when
         *  musc4j-datasets is on the classpath, else the JDK's for 8-bit images). */
        public Builder imageDecoder(ImageDecoder d) {
            this.decoder = Objects.requireNonNull(d, "imageDecoder");
            return this;
        }

        /** Progress of a model download from the hub. */
        public Builder downloadProgress(DownloadProgress listener) {
            this.downloadProgress = Objects.requireNonNull(listener, "downloadProgress");
            return this;
        }

        /**
         * Checks the configuration, resolves the device, reads the model's configuration (resolving a
         * hub id through the Hugging Face cache) and checks the configuration against it, then loads the
         * weights.
         *
         * @throws io.musc4j.models.hub.HubException (unchecked) with a one-line message if the model is
         *     neither a folder nor a hub id that can be resolved (cache, then hub)
         * @throws IOException with a one-line message if the model's files cannot be read
         * @throws IllegalArgumentException if the configuration is inconsistent, asks for a device that is
         *     not there, or does not fit the model
         */
        public MuSc build() throws IOException {
            MuscConfig c = config.build();
            if ((c.model() == null) == (backbone == null)) {
                throw new IllegalArgumentException("set exactly one of model(...) and backbone(...)");
            }
            if (backbone != null) {
                return new MuSc(resolve(c, backbone), backbone, false, progress, stages, decoder);
            }
            Device device = c.device().resolve(Engine.getInstance().getGpuCount());
            if (c.precision() == MsmPrecision.FP16 && !device.isGpu()) {
                throw new IllegalArgumentException("fp16 precision needs a CUDA device; this run uses the cpu");
            }
            Path folder = ModelResolver.builder().progress(downloadProgress)
                    .configCheck(model -> checkAgainstModel(c, model)).build().resolve(c.model());
            checkAgainstModel(c, ModelLayout.locate(folder).config());
            BackboneOptions.Builder options = BackboneOptions.builder().device(DeviceChoice.of(device))
                    .precision(c.precision() == MsmPrecision.FP16
                            ? BackboneOptions.Precision.FP16 : BackboneOptions.Precision.FP32);
            if (c.imageSize() > 0) {
                options.imageSize(c.imageSize());
            }
            Backbone loaded = Backbones.load(folder, options.build());
            try {
                return new MuSc(resolve(c, loaded), loaded, true, progress, stages, decoder);
            } catch (RuntimeException e) {
                loaded.close();
                throw e;
            }
        }

        /** The options that need the model's configuration, checked before its weights load (or download). */
        private static void checkAgainstModel(MuscConfig c, ModelConfig model) {
            checkLayers(c, model.layers());
            checkImageSize(c.imageSize() > 0 ? c.imageSize() : model.imageSize(), model.patchSize());
        }

        /** The configuration with the model's defaults filled in and the device the backbone is on. */
        private static MuscConfig resolve(MuscConfig c, Backbone backbone) {
            BackboneSpec spec = backbone.spec();
            checkLayers(c, spec.blocks());
            int size = c.imageSize() > 0 ? c.imageSize() : spec.trainedImageSize();
            checkImageSize(size, spec.patchSize());
            int[] taps = c.layers().isEmpty() ? spec.defaultTaps() : c.layers().stream().mapToInt(Integer::intValue)
                    .toArray();
            return c.toBuilder().imageSize(size).layers(taps).device(DeviceChoice.of(backbone.device())).build();
        }

        private static void checkLayers(MuscConfig c, int blocks) {
            for (int l : c.layers()) {
                if (l >= blocks) {
                    throw new IllegalArgumentException("layer " + l + " does not exist: the backbone has blocks 0.."
                            + (blocks - 1));
                }
            }
        }

        private static void checkImageSize(int size, int patch) {
            if (size < patch) {
                throw new IllegalArgumentException("image size " + size + " is smaller than one patch (" + patch
                        + " px)");
            }
        }
    }
}
