package io.musc4j.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.musc4j.common.image.ImageDecoder;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.models.Backbone;
import io.musc4j.models.BackboneSpec;
import io.musc4j.models.Backbones;
import io.musc4j.models.PendingWeights;
import io.musc4j.models.hub.DownloadProgress;
import io.musc4j.models.hub.ModelResolver;
import io.musc4j.models.layout.ModelLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Zero-shot anomaly detection of a set of unlabeled images by MuSc: every image is scored by all the
 * others. The Java entry point of musc4j: a backbone, a {@link RunPlan} (the {@link MuscConfig} resolved
 * against the model) and the {@link MuscPipeline} of that plan, with division into subsets and spilling
 * of large sets around it.
 *
 * <pre>{@code
 * MuscConfig config = MuscConfig.builder().model("facebook/dinov2-base").imageSize(518).build();
 * try (MuSc musc = MuSc.builder().config(config).build()) {
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
    private final RunPlan plan;
    private final MuscPipeline pipeline;
    private final FeatureExtractor extractor;
    private final ImageDecoder decoder;
    /** Calls inside the instance hold the read lock; {@link #close} takes the write lock, so it waits for them. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock use = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private boolean closed;

    private MuSc(RunPlan plan, Backbone backbone, boolean owns, ProgressListener progress, StageListener stages,
            ImageDecoder decoder) {
        this.backbone = backbone;
        this.ownsBackbone = owns;
        this.plan = plan;
        this.pipeline = new MuscPipeline(plan.config(), progress, stages);
        this.extractor = new FeatureExtractor(backbone, plan.imageSize(), plan.taps(), plan.config().batchSize());
        this.decoder = decoder != null ? decoder : ImageDecoder.installed();
    }

    /** A builder; {@link Builder#config} with a model, or {@link Builder#backbone}, is required. */
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
        if (!plan.config().tiling().isOff()) {
            throw new IllegalStateException("the configuration cuts images into tiles ("
                    + plan.config().tiling().describe() + "): score them with scoreTiled");
        }
        try (InUse u = inUse()) {
            return pipeline.scoreSource(extractor, count, source, plan.device());
        }
    }

    /**
     * Scores images read from files cut into tiles as the configuration's {@link MuscConfig#tiling()}
     * says ({@link MuscPipeline#scoreTiled}): maps at each image's own size, stitched from its tiles'.
     */
    public TiledSet scoreTiled(List<Path> images) throws IOException {
        List<Path> files = List.copyOf(images);
        return scoreTiledSource(files.size(), i -> decoder.decode(files.get(i)));
    }

    /** {@link #scoreTiled} of decoded images at their own size. */
    public TiledSet scoreTiledImages(List<RgbImage> images) throws IOException {
        List<RgbImage> all = List.copyOf(images);
        return scoreTiledSource(all.size(), all::get);
    }

    /** {@link #scoreTiled} of {@code count} images at their own size supplied one at a time. */
    public synchronized TiledSet scoreTiledSource(int count, FeatureExtractor.ImageSource source) throws IOException {
        try (InUse u = inUse()) {
            return pipeline.scoreTiled(extractor, plan.config().tiling(), count, source, plan.device());
        }
    }

    /** The feature extractor of this instance's backbone and plan (size, layers, batch size). */
    public FeatureExtractor extractor() {
        return extractor;
    }

    /** The pipeline of this instance's configuration, the one {@link #scoreSource} runs. */
    public MuscPipeline pipeline() {
        return pipeline;
    }

    /** The options resolved against the model, as every stage receives them. */
    public RunPlan plan() {
        return plan;
    }

    /** RsCIN windows applied over each whole scored set. */
    public RscinWindows rscin() {
        return plan.config().rscin();
    }

    /** The configuration in use, resolved against the model: its image size, layers and device are the
     *  ones this instance uses. */
    public MuscConfig config() {
        return plan.config();
    }

    /** How image files become RGB images (see {@link Builder#imageDecoder}). */
    public ImageDecoder imageDecoder() {
        return decoder;
    }

    /** The loaded backbone's description. */
    public BackboneSpec backboneSpec() {
        return plan.model();
    }

    /** Where the backbone runs. */
    public Device device() {
        return plan.device();
    }

    /** Network input size S. */
    public int imageSize() {
        return plan.imageSize();
    }

    /** Tapped blocks (0-based). */
    public int[] layers() {
        return plan.taps();
    }

    /** A call inside the instance: until it is closed, {@link MuSc#close} waits. */
    public interface InUse extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Marks a call that uses this instance's model (an {@link io.musc4j.engine.inspect.Inspector}'s
     * inspection, a score call); {@link #close} waits until every such call has closed its handle.
     *
     * @throws IllegalStateException when the instance is closed
     */
    public InUse inUse() {
        java.util.concurrent.locks.Lock read = use.readLock();
        read.lock();
        if (closed) {
            read.unlock();
            throw new IllegalStateException("the MuSc instance is closed");
        }
        return read::unlock;
    }

    /** Frees the model once the calls still inside the instance have returned; later calls are refused. */
    @Override
    public void close() {
        if (use.getReadHoldCount() > 0) {
            throw new IllegalStateException("close() called from inside a call of this MuSc instance");
        }
        use.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                if (ownsBackbone) {
                    backbone.close();
                }
            }
        } finally {
            use.writeLock().unlock();
        }
    }

    /**
     * Builds a {@link MuSc} from a {@link MuscConfig} (every option, each checked when it was set) and
     * what is not an option: a loaded backbone, listeners, the image decoder and download progress.
     */
    public static final class Builder {
        private MuscConfig config = MuscConfig.builder().build();
        private Backbone backbone;
        private ProgressListener progress = ProgressListener.none();
        private StageListener stages = StageListener.none();
        private DownloadProgress downloadProgress = DownloadProgress.silent();
        private ImageDecoder decoder;

        private Builder() {
        }

        /** The options, the model among them unless a {@link #backbone} is given (default: the defaults). */
        public Builder config(MuscConfig options) {
            this.config = Objects.requireNonNull(options, "config");
            return this;
        }

        /** An already loaded backbone, in place of the configuration's model; the caller keeps ownership
         *  and closes it. */
        public Builder backbone(Backbone loaded) {
            this.backbone = Objects.requireNonNull(loaded, "backbone");
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
         * Resolves the device, reads the model's configuration (resolving a hub id through the Hugging
         * Face cache) into the {@link RunPlan}, which checks the options against it, then loads the
         * weights.
         *
         * @throws io.musc4j.models.hub.HubException (unchecked) with a one-line message if the model is
         *     neither a folder nor a hub id that can be resolved (cache, then hub)
         * @throws IOException with a one-line message if the model's files cannot be read
         * @throws IllegalArgumentException if the configuration names neither a model nor a backbone, asks
         *     for a device that is not there, or does not fit the model
         */
        public MuSc build() throws IOException {
            MuscConfig c = config;
            if ((c.model() == null) == (backbone == null)) {
                throw new IllegalArgumentException("set exactly one of model(...) and backbone(...)");
            }
            if (backbone != null) {
                return new MuSc(RunPlan.resolve(c, backbone.spec(), backbone.device()), backbone, false, progress,
                        stages, decoder);
            }
            // a download checks the plan on config.json before the weights come, and keeps it
            RunPlan[] planned = new RunPlan[1];
            Path folder = ModelResolver.builder().progress(downloadProgress)
                    .configCheck(model -> planned[0] = RunPlan.resolve(c, BackboneSpec.of(model), resolvedDevice(c))).build()
                    .resolve(c.model());
            ModelLayout.Checkpoint checkpoint = ModelLayout.locate(folder);
            // the weights are read on another core while libtorch loads on this one (Engine, for the device)
            try (PendingWeights weights = PendingWeights.start(checkpoint, c.device(), c.precision())) {
                Device device = resolvedDevice(c);
                RunPlan plan = planned[0] != null ? planned[0]
                        : RunPlan.resolve(c, BackboneSpec.of(checkpoint.config()), device);
                Backbone loaded = Backbones.load(weights, plan.backboneOptions());
                try {
                    return new MuSc(plan, loaded, true, progress, stages, decoder);
                } catch (RuntimeException e) {
                    loaded.close();
                    throw e;
                }
            }
        }
    }

    /** The device the configuration's choice means here (loads libtorch the first time). */
    private static Device resolvedDevice(MuscConfig c) {
        return c.device().resolve(Engine.getInstance().getGpuCount());
    }
}
