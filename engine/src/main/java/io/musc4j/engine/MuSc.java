package io.musc4j.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.musc4j.common.image.ImageDecoder;
import io.musc4j.engine.lnamd.Aggregation;
import io.musc4j.engine.msm.MsmInterval;
import io.musc4j.engine.msm.MsmPrecision;
import io.musc4j.engine.msm.MsmScoring;
import io.musc4j.engine.rscin.Rscin;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.engine.store.SpilledTokens;
import io.musc4j.models.Backbone;
import io.musc4j.models.BackboneOptions;
import io.musc4j.models.BackboneSpec;
import io.musc4j.models.Backbones;
import io.musc4j.models.hub.DownloadProgress;
import io.musc4j.models.hub.ModelResolver;
import io.musc4j.common.image.RgbImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Zero-shot anomaly detection of a set of unlabeled images by MuSc: every image is scored by all the
 * others. The Java entry point of musc4j.
 *
 * <pre>{@code
 * try (MuSc musc = MuSc.builder().model("facebook/dinov2-base").imageSize(518).build()) {
 *     BatchResult r = musc.score(paths);   // per image: score, score after RsCIN, S×S map
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
    private final int imageSize;
    private final int[] layers;
    private final int batchSize;
    private final MuscConfig config;
    private final Division division;
    private final RscinWindows rscin;
    private final ProgressListener progress;
    private final long tokenBudgetBytes;
    private final Path spillDirectory;
    private final ImageDecoder decoder;

    private MuSc(Builder b, Backbone backbone, boolean owns) {
        this.backbone = backbone;
        this.ownsBackbone = owns;
        BackboneSpec spec = backbone.spec();
        this.imageSize = b.imageSize > 0 ? b.imageSize : spec.trainedImageSize();
        this.layers = b.layers != null ? b.layers.clone() : spec.defaultTaps();
        for (int l : layers) {
            if (l < 0 || l >= spec.blocks()) {
                throw new IllegalArgumentException("layer " + l + " does not exist: the backbone has blocks 0.."
                        + (spec.blocks() - 1));
            }
        }
        if (imageSize < spec.patchSize()) {
            throw new IllegalArgumentException("image size " + imageSize + " is smaller than one patch ("
                    + spec.patchSize() + " px)");
        }
        this.batchSize = b.batchSize;
        this.progress = b.progress;
        this.tokenBudgetBytes = b.tokenBudgetBytes;
        this.spillDirectory = b.spillDirectory;
        this.decoder = b.decoder != null ? b.decoder : ImageDecoder.installed();
        this.division = b.division;
        this.rscin = b.rscin;
        // RsCIN runs once over all subsets here, so the per-subset scorer leaves it off.
        this.config = MuscConfig.builder().degrees(b.degrees).interval(b.interval).rscin(RscinWindows.off())
                .memoryBudgetBytes(b.memoryBudgetBytes).precision(b.msmPrecision).imageSize(imageSize)
                .scoring(b.scoring).aggregation(b.aggregation).build();
    }

    /** A builder; {@link Builder#model} or {@link Builder#backbone} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Scores images read from files with {@link #imageDecoder()}. */
    public BatchResult score(List<Path> images) throws IOException {
        List<Path> files = List.copyOf(images);
        return scoreSource(files.size(), i -> decoder.decode(files.get(i)));
    }

    /** Scores decoded images. */
    public BatchResult scoreImages(List<RgbImage> images) throws IOException {
        List<RgbImage> all = List.copyOf(images);
        return scoreSource(all.size(), all::get);
    }

    /**
     * Scores {@code count} images supplied one at a time, so a caller never holds them all decoded.
     * With a {@link Division}, each subset is scored on its own and RsCIN runs over all images.
     */
    public synchronized BatchResult scoreSource(int count, FeatureExtractor.ImageSource source) throws IOException {
        if (count < 2) {
            throw new IllegalArgumentException("MuSc scores images against each other and needs at least 2, got "
                    + count);
        }
        int[][] subsets = division.split(count);
        List<MuscResult> parts = new ArrayList<>();
        double[] scores = new double[count];
        float[][] features = new float[count][];
        long done = 0;
        for (int p = 0; p < subsets.length; p++) {
            int[] subset = subsets[p];
            ProgressListener shifted = shift(done, count);
            MuscScorer scorer = new MuscScorer(config, scoringProgress(p, subsets.length));
            FeatureExtractor.ImageSource part = k -> source.image(subset[k]);
            MuscResult result;
            float[][] rows;
            try (NDManager scope = NDManager.newBaseManager(backbone.device())) {
                if (spills(subset.length)) {
                    int grid = backbone.spec().grid(imageSize);
                    try (SpilledTokens store = SpilledTokens.create(spillDirectory, subset.length, layers.length, grid,
                            grid, backbone.spec().hiddenSize())) {
                        List<float[]> gathered = new ArrayList<>();
                        extractor().extract(subset.length, part, scope, (tokens, f) -> {
                            store.append(tokens);
                            gathered.addAll(Arrays.asList(PatchTokens.rows(f)));
                        }, shifted);
                        result = scorer.score(store, null, scope);
                        rows = gathered.toArray(float[][]::new);
                    }
                } else {
                    try (PatchTokens tokens = extractor().extract(subset.length, part, scope, shifted)) {
                        result = scorer.score(tokens.layers(), tokens.gridH(), tokens.gridW(), null);
                        rows = tokens.imageFeatureRows();
                    }
                }
            }
            double[] before = result.scoresBeforeRscin();
            for (int k = 0; k < subset.length; k++) {
                scores[subset[k]] = before[k];
                features[subset[k]] = rows[k];
            }
            parts.add(result);
            done += subset.length;
        }
        return new BatchResult(parts, subsets, scores, Rscin.rescore(scores, features, rscin));
    }

    /** Whether a subset's tokens exceed the token budget and go to a file while it is scored. */
    private boolean spills(int images) {
        int grid = backbone.spec().grid(imageSize);
        return MemoryPlan.spills(images, (long) grid * grid, backbone.spec().hiddenSize(), layers.length, Float.BYTES,
                tokenBudgetBytes);
    }

    /** Feature extraction counts images of the whole set. */
    private ProgressListener shift(long offset, long total) {
        return (stage, d, t) -> progress.progress(stage, offset + d, total);
    }

    /** Scoring counts (layer, degree) steps of subset {@code index} among {@code subsets}. */
    private ProgressListener scoringProgress(int index, int subsets) {
        return (stage, d, t) -> progress.progress(stage, (long) index * t + d, (long) subsets * t);
    }

    /** A feature extractor with this instance's backbone, size, layers and batch size. */
    public FeatureExtractor extractor() {
        return new FeatureExtractor(backbone, imageSize, layers, batchSize);
    }

    /** RsCIN windows applied over each whole scored set. */
    public RscinWindows rscin() {
        return rscin;
    }

    /** The scoring configuration in use (RsCIN is applied by this class, see {@link #rscin()}). */
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
        return imageSize;
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

    /** Configuration of {@link MuSc}; validated when {@link #build()} is called. */
    public static final class Builder {
        private String model;
        private Backbone backbone;
        private int imageSize;
        private int[] layers;
        private Integer[] degrees = {1, 3, 5};
        private MsmInterval interval = MsmInterval.DEFAULT;
        private RscinWindows rscin = RscinWindows.Family.MVTEC_AD.windows();
        private int batchSize = 4;
        private BackboneOptions.DeviceChoice device = BackboneOptions.DeviceChoice.AUTO;
        private BackboneOptions.Precision precision = BackboneOptions.Precision.FP32;
        private MsmPrecision msmPrecision = MsmPrecision.FP32;
        private long memoryBudgetBytes = 1L << 30;
        private long tokenBudgetBytes = 1L << 30;
        private Path spillDirectory = Path.of(System.getProperty("java.io.tmpdir"));
        private ProgressListener progress = ProgressListener.none();
        private Division division = Division.NONE;
        private MsmScoring scoring = MsmScoring.FULL;
        private Aggregation aggregation = Aggregation.LNAMD;
        private DownloadProgress downloadProgress = DownloadProgress.silent();
        private ImageDecoder decoder;

        private Builder() {
        }

        /** A Hugging Face id {@code org/name[@revision]} (cache, then hub) or a model folder. */
        public Builder model(String idOrFolder) {
            this.model = Objects.requireNonNull(idOrFolder, "model");
            return this;
        }

        /** An already loaded backbone; the caller keeps ownership and closes it. */
        public Builder backbone(Backbone loaded) {
            this.backbone = Objects.requireNonNull(loaded, "backbone");
            return this;
        }

        /** Network input size S (default: the model's trained size). */
        public Builder imageSize(int size) {
            this.imageSize = positive(size, "image size");
            return this;
        }

        /** 0-based blocks to tap (default: four evenly spaced, ending at the last). */
        public Builder layers(int... blocks) {
            if (blocks.length == 0) {
                throw new IllegalArgumentException("at least one layer is needed");
            }
            this.layers = blocks.clone();
            return this;
        }

        /** LNAMD aggregation degrees r, odd (default 1, 3, 5). */
        public Builder degrees(int... r) {
            if (r.length == 0) {
                throw new IllegalArgumentException("at least one aggregation degree is needed");
            }
            this.degrees = Arrays.stream(r).boxed().toArray(Integer[]::new);
            return this;
        }

        /** MSM interval [low, high] of the sorted nearest distances to average (default 0, 0.3). */
        public Builder interval(double low, double high) {
            this.interval = new MsmInterval(low, high);
            return this;
        }

        /** RsCIN windows, or {@link RscinWindows#off()} (default 1, 2, 3). */
        public Builder rscin(RscinWindows windows) {
            this.rscin = Objects.requireNonNull(windows, "rscin");
            return this;
        }

        /** Full MSM (default, the reference) or position-constrained MSM for aligned parts. */
        public Builder scoring(MsmScoring s) {
            this.scoring = Objects.requireNonNull(s, "scoring");
            return this;
        }

        /** LNAMD (default, the reference) or MuSc-V2's SNAMD. */
        public Builder aggregation(Aggregation a) {
            this.aggregation = Objects.requireNonNull(a, "aggregation");
            return this;
        }

        /** Score the images in subsets (default: all together). */
        public Builder division(Division d) {
            this.division = Objects.requireNonNull(d, "division");
            return this;
        }

        /** Images per backbone pass (default 4). */
        public Builder batchSize(int images) {
            this.batchSize = positive(images, "batch size");
            return this;
        }

        /** {@code Device.cpu()} or {@code Device.gpu()}; a GPU that is not there fails {@link #build()}.
         *  Default: the GPU if DJL sees one, else the CPU. */
        public Builder device(Device d) {
            this.device = d.isGpu() ? BackboneOptions.DeviceChoice.GPU : BackboneOptions.DeviceChoice.CPU;
            return this;
        }

        /** Device by choice, including AUTO. */
        public Builder device(BackboneOptions.DeviceChoice choice) {
            this.device = Objects.requireNonNull(choice, "device");
            return this;
        }

        /** FP32 (default) or FP16 (CUDA only) for the backbone and the MSM products. */
        public Builder precision(BackboneOptions.Precision p) {
            this.precision = Objects.requireNonNull(p, "precision");
            this.msmPrecision = p == BackboneOptions.Precision.FP16 ? MsmPrecision.FP16 : MsmPrecision.FP32;
            return this;
        }

        /** Workspace budget of scoring in bytes (default 1 GiB): MSM's minima store or query block, one
         *  tile and one LNAMD chunk (see {@link MemoryPlan}). */
        public Builder memoryBudgetBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("memory budget must be positive, got " + bytes);
            }
            this.memoryBudgetBytes = bytes;
            return this;
        }

        /** Largest size of a set's tokens (all layers, float32) kept in memory; larger sets write them to
         *  a temporary file in {@link #spillDirectory} while they are scored (default 1 GiB). */
        public Builder tokenBudgetBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("token budget must be >= 0, got " + bytes);
            }
            this.tokenBudgetBytes = bytes;
            return this;
        }

        /** Folder for spilled tokens (default: java.io.tmpdir); the files are deleted after scoring. */
        public Builder spillDirectory(Path folder) {
            this.spillDirectory = Objects.requireNonNull(folder, "spillDirectory");
            return this;
        }

        /** Progress of feature extraction and scoring. */
        public Builder progress(ProgressListener listener) {
            this.progress = Objects.requireNonNull(listener, "progress");
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
         * Loads the model (resolving a hub id through the Hugging Face cache) and checks the configuration.
         *
         * @throws io.musc4j.models.hub.HubException (unchecked) with a one-line message if the model is
         *     neither a folder nor a hub id that can be resolved (cache, then hub)
         * @throws IOException with a one-line message if the model's files cannot be read
         * @throws IllegalArgumentException if the configuration does not fit the model
         */
        public MuSc build() throws IOException {
            if ((model == null) == (backbone == null)) {
                throw new IllegalArgumentException("set exactly one of model(...) and backbone(...)");
            }
            if (backbone != null) {
                return new MuSc(this, backbone, false);
            }
            Path folder = ModelResolver.builder().progress(downloadProgress).build().resolve(model);
            BackboneOptions.Builder options = BackboneOptions.builder().device(device).precision(precision);
            if (imageSize > 0) {
                options.imageSize(imageSize);
            }
            Backbone loaded = Backbones.load(folder, options.build());
            try {
                return new MuSc(this, loaded, true);
            } catch (RuntimeException e) {
                loaded.close();
                throw e;
            }
        }

        private static int positive(int value, String what) {
            if (value < 1) {
                throw new IllegalArgumentException(what + " must be positive, got " + value);
            }
            return value;
        }
    }
}
