package io.musc4j.engine;

import ai.djl.Device;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.musc4j.engine.lnamd.Aggregation;
import io.musc4j.engine.msm.MsmInterval;
import io.musc4j.models.Precision;
import io.musc4j.engine.msm.ScoringKernel;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.engine.tiles.TileOverlap;
import io.musc4j.engine.tiles.TilePool;
import io.musc4j.engine.tiles.Tiling;
import io.musc4j.models.BackboneOptions.DeviceChoice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Every option of a MuSc run, backbone options included, validated when it is set or built: nothing
 * that can be checked without the model waits for the model to load (what needs the model's
 * {@code config.json}, layers beyond its depth and an image smaller than a patch, {@link RunPlan}
 * checks right after reading it, before the weights load). Immutable; {@link #toBuilder()} derives
 * another.
 *
 * <p>{@link #describe()} is the canonical description: the same options give the same text, so a run
 * records it and a resumed run compares it.
 */
public final class MuscConfig {

    /**
     * The largest image size S: the ViT's tokens grow with S², attention with S⁴, and sizes far beyond
     * this overflow the backbone's int-sized buffers (the paper uses 518).
     */
    public static final int MAX_IMAGE_SIZE = 2048;

    /** One line, nulls kept (a configuration without a model says so), no HTML escapes. */
    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    private final String model;
    private final int imageSize;
    private final List<Integer> layers;
    private final List<Integer> degrees;
    private final MsmInterval interval;
    private final RscinWindows rscin;
    private final ScoringKernel scoring;
    private final Aggregation aggregation;
    private final Division division;
    private final int batchSize;
    private final DeviceChoice device;
    private final Precision precision;
    private final long memoryBudgetBytes;
    private final long tokenBudgetBytes;
    private final Path spillDirectory;
    private final boolean keepLayerScores;
    private final Tiling tiling;

    private MuscConfig(Builder b) {
        this.model = b.model;
        this.imageSize = b.imageSize;
        this.layers = List.copyOf(b.layers);
        this.degrees = List.copyOf(b.degrees);
        this.interval = b.interval;
        this.rscin = b.rscin;
        this.scoring = b.scoring;
        this.aggregation = b.aggregation;
        this.division = b.division;
        this.batchSize = b.batchSize;
        this.device = b.device;
        this.precision = b.precision;
        this.memoryBudgetBytes = b.memoryBudgetBytes;
        this.tokenBudgetBytes = b.tokenBudgetBytes;
        this.spillDirectory = b.spillDirectory;
        this.keepLayerScores = b.keepLayerScores;
        this.tiling = b.tiling;
    }

    /**
     * A builder with the paper's defaults: the model's trained image size and four evenly spaced layers,
     * degrees r = 1, 3, 5, interval [0, 0.3], RsCIN [1, 2, 3], full MSM, LNAMD, no division, batches of 8,
     * the AUTO device, FP32, 1 GiB scoring and token budgets, spilling to java.io.tmpdir.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A Hugging Face id {@code org/name[@revision]} or a model folder; null where the caller supplies a
     *  loaded backbone. */
    public String model() {
        return model;
    }

    /** Network input and pixel map side S; 0 = the model's trained size, until resolved. */
    public int imageSize() {
        return imageSize;
    }

    /** 0-based blocks to tap; empty = the model's default (four evenly spaced, ending at the last). */
    public List<Integer> layers() {
        return layers;
    }

    /** Aggregation degrees r, odd, in scoring order. */
    public List<Integer> degrees() {
        return degrees;
    }

    /** MSM interval average. */
    public MsmInterval interval() {
        return interval;
    }

    /** RsCIN windows applied over each whole scored set, or off. */
    public RscinWindows rscin() {
        return rscin;
    }

    /** The patch-scoring kernel: full MSM (the reference) or aligned MSM. */
    public ScoringKernel scoring() {
        return scoring;
    }

    /** LNAMD (the reference) or MuSc-V2's SNAMD. */
    public Aggregation aggregation() {
        return aggregation;
    }

    /** How a set is divided into subsets scored separately. */
    public Division division() {
        return division;
    }

    /** Images per backbone pass. */
    public int batchSize() {
        return batchSize;
    }

    /** Where the backbone and scoring run. */
    public DeviceChoice device() {
        return device;
    }

    /** Arithmetic of the backbone and of the MSM products (FP16: CUDA only). */
    public Precision precision() {
        return precision;
    }

    /** Workspace budget of scoring (see {@link MemoryPlan}). */
    public long memoryBudgetBytes() {
        return memoryBudgetBytes;
    }

    /** Largest size of a set's tokens kept in memory; larger sets spill them to {@link #spillDirectory()}. */
    public long tokenBudgetBytes() {
        return tokenBudgetBytes;
    }

    /** Folder for spilled tokens. */
    public Path spillDirectory() {
        return spillDirectory;
    }

    /** Whether a {@link MuscResult} keeps the MSM scores of every (degree, layer). */
    public boolean keepLayerScores() {
        return keepLayerScores;
    }

    /** How images are cut into tiles scored as images ({@link Tiling#NONE}: whole). */
    public Tiling tiling() {
        return tiling;
    }

    /**
     * The canonical description: one line of JSON with the options that decide the numbers, in a fixed
     * order. Left out are where spilled tokens wait and when they spill (a spilled set scores like one
     * in memory) and whether per-layer scores are kept. {@link #parse} reads it back.
     */
    public String describe() {
        return GSON.toJson(json());
    }

    /** {@link #describe()} as a JSON object, for a caller that records more beside it. */
    public JsonObject json() {
        JsonObject json = new JsonObject();
        json.addProperty("model", model);
        json.addProperty("image_size", imageSize);
        json.add("layers", GSON.toJsonTree(layers));
        json.add("degrees", GSON.toJsonTree(degrees));
        json.add("interval", GSON.toJsonTree(new double[] {interval.low(), interval.high()}));
        json.addProperty("scoring", scoring.toString());
        json.addProperty("aggregation", aggregation.name().toLowerCase(Locale.ROOT));
        json.addProperty("rscin", rscin.isOff() ? "off" : rscin.windows().toString().replace(" ", ""));
        json.addProperty("divide", division.parts());
        json.addProperty("divide_mode", division.mode().name().toLowerCase(Locale.ROOT));
        json.addProperty("divide_seed", division.seed());
        json.addProperty("batch", batchSize);
        json.addProperty("device", device.toString());
        json.addProperty("precision", precision.name().toLowerCase(Locale.ROOT));
        json.addProperty("memory_budget_bytes", memoryBudgetBytes);
        if (!tiling.isOff()) {
            // only when on, so that the descriptions of untiled runs recorded before tiling stay as they were
            JsonObject tiles = new JsonObject();
            tiles.addProperty("grid", tiling.tileSize() > 0 ? "" : tiling.rows() + "x" + tiling.cols());
            tiles.addProperty("size", tiling.tileSize());
            tiles.addProperty("overlap", tiling.overlap().toString());
            tiles.addProperty("pool", tiling.pool().toString());
            json.add("tiles", tiles);
        }
        return json;
    }

    /**
     * The configuration a {@link #describe()} text describes (with the default spill settings), checked as
     * the builder checks it: how a configuration crosses to another process.
     *
     * @throws IllegalArgumentException if the text is not such a description
     */
    public static MuscConfig parse(String description) {
        try {
            JsonObject j = JsonParser.parseString(description).getAsJsonObject();
            Builder b = builder();
            if (!j.get("model").isJsonNull()) {
                b.model(j.get("model").getAsString());
            }
            b.imageSize(j.get("image_size").getAsInt());
            List<Integer> layers = ints(j.getAsJsonArray("layers"));
            if (!layers.isEmpty()) {
                b.layers(layers);
            }
            b.degrees(ints(j.getAsJsonArray("degrees")));
            b.interval(j.getAsJsonArray("interval").get(0).getAsDouble(), j.getAsJsonArray("interval").get(1)
                    .getAsDouble());
            b.scoring(ScoringKernel.parse(j.get("scoring").getAsString()));
            b.aggregation(Aggregation.parse(j.get("aggregation").getAsString()));
            String rscin = j.get("rscin").getAsString();
            b.rscin(rscin.equals("off") ? RscinWindows.off() : new RscinWindows(ints(JsonParser.parseString(rscin)
                    .getAsJsonArray())));
            b.division(new Division(j.get("divide").getAsInt(), Division.Mode.valueOf(j.get("divide_mode")
                    .getAsString().toUpperCase(Locale.ROOT)), j.get("divide_seed").getAsLong()));
            b.batchSize(j.get("batch").getAsInt());
            b.device(DeviceChoice.parse(j.get("device").getAsString()));
            b.precision(Precision.valueOf(j.get("precision").getAsString().toUpperCase(Locale.ROOT)));
            b.memoryBudgetBytes(j.get("memory_budget_bytes").getAsLong());
            if (j.has("tiles")) {
                JsonObject t = j.getAsJsonObject("tiles");
                TileOverlap overlap = TileOverlap.parse(t.get("overlap").getAsString());
                TilePool pool = TilePool.parse(t.get("pool").getAsString());
                int side = t.get("size").getAsInt();
                int[] grid = side > 0 ? null : Tiling.parseGrid(t.get("grid").getAsString());
                b.tiling(side > 0 ? Tiling.ofSize(side, overlap, pool) : Tiling.grid(grid[0], grid[1], overlap, pool));
            }
            return b.build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a configuration's description: " + e.getMessage(), e);
        }
    }

    private static List<Integer> ints(JsonArray array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(e -> out.add(e.getAsInt()));
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MuscConfig c && describe().equals(c.describe())
                && tokenBudgetBytes == c.tokenBudgetBytes && spillDirectory.equals(c.spillDirectory)
                && keepLayerScores == c.keepLayerScores;
    }

    @Override
    public int hashCode() {
        return describe().hashCode();
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * Builder of {@link MuscConfig}: every setter checks its value at once, with a one-line message
     * naming the option; {@link #build()} checks the options against each other.
     */
    public static final class Builder {
        private String model;
        private int imageSize;
        private List<Integer> layers = List.of();
        private List<Integer> degrees = List.of(1, 3, 5);
        private MsmInterval interval = MsmInterval.DEFAULT;
        private RscinWindows rscin = RscinWindows.Family.MVTEC_AD.windows();
        private ScoringKernel scoring = ScoringKernel.FULL;
        private Aggregation aggregation = Aggregation.LNAMD;
        private Division division = Division.NONE;
        /** Larger matrix products run at a higher rate (fewer, larger GEMMs per block); 8 ViT-B/14 images
         *  at 224² hold about 100 MB of activations. The reference's 4 leaves the numbers as they are. */
        private int batchSize = 8;
        private DeviceChoice device = DeviceChoice.AUTO;
        private Precision precision = Precision.FP32;
        private long memoryBudgetBytes = 1L << 30;
        private long tokenBudgetBytes = 1L << 30;
        private Path spillDirectory = Path.of(System.getProperty("java.io.tmpdir"));
        private boolean keepLayerScores;
        private Tiling tiling = Tiling.NONE;

        private Builder() {
        }

        private Builder(MuscConfig c) {
            model = c.model;
            imageSize = c.imageSize;
            layers = c.layers;
            degrees = c.degrees;
            interval = c.interval;
            rscin = c.rscin;
            scoring = c.scoring;
            aggregation = c.aggregation;
            division = c.division;
            batchSize = c.batchSize;
            device = c.device;
            precision = c.precision;
            memoryBudgetBytes = c.memoryBudgetBytes;
            tokenBudgetBytes = c.tokenBudgetBytes;
            spillDirectory = c.spillDirectory;
            keepLayerScores = c.keepLayerScores;
            tiling = c.tiling;
        }

        /** A Hugging Face id {@code org/name[@revision]} (cache, then hub) or a model folder. */
        public Builder model(String idOrFolder) {
            Objects.requireNonNull(idOrFolder, "model");
            if (idOrFolder.isBlank()) {
                throw new IllegalArgumentException("model must name a Hugging Face id or a folder, got ''");
            }
            this.model = idOrFolder;
            return this;
        }

        /** Network input size S in pixels, at most {@value MuscConfig#MAX_IMAGE_SIZE} (default 0: the model's
         *  trained size). */
        public Builder imageSize(int size) {
            if (size < 0) {
                throw new IllegalArgumentException("image size must be positive, got " + size);
            }
            if (size > MAX_IMAGE_SIZE) {
                throw new IllegalArgumentException("image size must be between 1 and " + MAX_IMAGE_SIZE
                        + " pixels, got " + size);
            }
            this.imageSize = size;
            return this;
        }

        /** 0-based blocks to tap, each once (default: none given, the model's four evenly spaced). */
        public Builder layers(int... blocks) {
            List<Integer> list = new ArrayList<>();
            for (int b : blocks) {
                list.add(b);
            }
            return layers(list);
        }

        /** 0-based blocks to tap, each once, at least one (leave unset for the model's default). */
        public Builder layers(List<Integer> blocks) {
            if (blocks.isEmpty()) {
                throw new IllegalArgumentException("at least one layer is needed (leave layers unset for the"
                        + " model's default)");
            }
            Set<Integer> seen = new HashSet<>();
            for (int b : blocks) {
                if (b < 0) {
                    throw new IllegalArgumentException("layers are 0-based block indices, got " + b);
                }
                if (!seen.add(b)) {
                    throw new IllegalArgumentException("layer " + b + " is listed twice");
                }
            }
            this.layers = List.copyOf(blocks);
            return this;
        }

        /** Aggregation degrees r, odd and at least 1 (default 1, 3, 5). */
        public Builder degrees(int... r) {
            List<Integer> list = new ArrayList<>();
            for (int d : r) {
                list.add(d);
            }
            return degrees(list);
        }

        /** Aggregation degrees r, odd and at least 1. */
        public Builder degrees(List<Integer> r) {
            this.degrees = Aggregation.checkDegrees(r);
            return this;
        }

        /** MSM interval [low, high] of the sorted nearest distances to average (default 0, 0.3). */
        public Builder interval(MsmInterval i) {
            this.interval = Objects.requireNonNull(i, "interval");
            return this;
        }

        /** {@link #interval(MsmInterval)} from its bounds. */
        public Builder interval(double low, double high) {
            return interval(new MsmInterval(low, high));
        }

        /** RsCIN windows, or {@link RscinWindows#off()} (default 1, 2, 3). */
        public Builder rscin(RscinWindows windows) {
            this.rscin = Objects.requireNonNull(windows, "rscin");
            return this;
        }

        /** Full MSM (default, the reference) or aligned MSM. */
        public Builder scoring(ScoringKernel kernel) {
            this.scoring = Objects.requireNonNull(kernel, "scoring");
            return this;
        }

        /** LNAMD (default, the reference) or SNAMD. */
        public Builder aggregation(Aggregation a) {
            this.aggregation = Objects.requireNonNull(a, "aggregation");
            return this;
        }

        /** Score a set in subsets (default: all together). */
        public Builder division(Division d) {
            this.division = Objects.requireNonNull(d, "division");
            return this;
        }

        /** Images per backbone pass (default 8). */
        public Builder batchSize(int images) {
            if (images < 1) {
                throw new IllegalArgumentException("batch size must be positive, got " + images);
            }
            this.batchSize = images;
            return this;
        }

        /** Device by choice (default AUTO: the first GPU if DJL sees one, else the CPU). */
        public Builder device(DeviceChoice choice) {
            this.device = Objects.requireNonNull(choice, "device");
            return this;
        }

        /** {@code Device.cpu()} or {@code Device.gpu(i)}, the index kept; a GPU that is not there fails
         *  before the model loads. */
        public Builder device(Device d) {
            return device(DeviceChoice.of(Objects.requireNonNull(d, "device")));
        }

        /** FP32 (default) or FP16 (CUDA only), for the backbone and the MSM products. */
        public Builder precision(Precision p) {
            this.precision = Objects.requireNonNull(p, "precision");
            return this;
        }

        /** Workspace budget of scoring in bytes (default 1 GiB, see {@link MemoryPlan}). */
        public Builder memoryBudgetBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("memory budget must be positive, got " + bytes);
            }
            this.memoryBudgetBytes = bytes;
            return this;
        }

        /** Largest size of a set's tokens (all layers, float32) kept in memory; larger sets spill them to
         *  a temporary file while they are scored (default 1 GiB; 0 spills every set). */
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

        /** Whether results keep the MSM scores of every (degree, layer) (default false). */
        public Builder keepLayerScores(boolean keep) {
            this.keepLayerScores = keep;
            return this;
        }

        /** Cut each image into tiles scored as images (default {@link Tiling#NONE}: whole images). */
        public Builder tiling(Tiling t) {
            this.tiling = Objects.requireNonNull(t, "tiling");
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException with a one-line message if options contradict each other
         */
        public MuscConfig build() {
            device.checkRuns(precision);
            return new MuscConfig(this);
        }
    }
}
