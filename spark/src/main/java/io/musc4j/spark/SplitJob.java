package io.musc4j.spark;

import io.musc4j.batch.CategoryScorer;
import io.musc4j.run.CategoryRun;
import io.musc4j.run.CategorySummary;
import io.musc4j.run.RunJob;
import io.musc4j.common.image.RgbImage;
import io.musc4j.datasets.Category;
import io.musc4j.datasets.DecodedCategory;
import io.musc4j.datasets.Datasets;
import io.musc4j.datasets.Warnings;
import io.musc4j.datasets.image.ImageIo;
import ai.djl.Device;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.MuscPipeline;
import io.musc4j.engine.TiledSet;
import io.musc4j.engine.tiles.TileGrid;
import io.musc4j.engine.tiles.TileSets;
import io.musc4j.engine.tiles.Tiling;
import io.musc4j.common.image.ImageSize;
import io.musc4j.engine.metrics.Metrics;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.util.LongAccumulator;

/**
 * One category split over the cluster, with the numbers of the single-machine run.
 *
 * <p>Stage 1 ("features"): the images in partitions (multiples of the backbone batch), each task
 * writing per scoring unit the LNAMD features of its images (per tapped layer its map and box-sum norms
 * where the pipeline scores a layer's degrees from one product, else per pass (layer, degree) its
 * features; see {@link StageRunner}), and their image features, as chunk files into the shared work
 * folder. Stage 2 ("msm", one Spark job per unit): tasks over query blocks; each executor loads the
 * unit's features of all N images once and scores its blocks against them, returning (sets, block, L)
 * scores. Stage 3 on the driver: the means over
 * layers and degrees, pixel maps, image scores, RsCIN, masks, metrics and the category's files,
 * published whole.
 *
 * <p>A tiled run ({@code --tiles}, {@code --tile-size}) is split the same way with tiles as the images:
 * each image is cut at its own size ({@link Tiling}) into the tile sets of its pool ({@link TileSets}:
 * R·C sets of N tiles by position, one of N·R·C all together). A feature task reads each of its images
 * once and extracts its tiles of every set; stages 2 and 3 run per tile set (its chunks in a folder of
 * its own) up to the tiles' scores before RsCIN ({@link StageRunner#finishUpToRscin}), and the driver
 * then stitches each image's map at its own size and runs RsCIN over the images
 * ({@link StageRunner#stitch}), as the local tiled run does.
 */
final class SplitJob {

    /** The folder of the feature chunks, in OUT or in the --spark-work folder. */
    static final String WORK = ".musc4j-work";

    /** Images per feature task at most, when not given: bounds a task's tokens in memory. */
    static final int MAX_PARTITION_IMAGES = 64;

    private final JavaSparkContext sc;
    private final RunContext context;
    private final SparkOptions options;
    private final RunJob job;
    private final MuSc musc;
    private final Warnings warnings;
    private final LongAccumulator bytesRead;

    SplitJob(JavaSparkContext sc, RunContext context, SparkOptions options, RunJob job, MuSc musc, Warnings warnings) {
        this.sc = sc;
        this.context = context;
        this.options = options;
        this.job = job;
        this.musc = musc;
        this.warnings = warnings;
        this.bytesRead = sc.sc().longAccumulator("musc4j bytes read");
    }

    /**
     * Members [from, to) of tile set {@code set} that a feature task extracts: member t is tile
     * {@code tile[t − from]} of the task's image {@code image[t − from]} (an index into its images).
     * Untiled, the one set's members are the images, each its own single tile.
     */
    record Slice(int set, int from, int to, int[] image, int[] tile) implements Serializable {
    }

    /** One feature task: its images, by their paths relative to the data root, and what it extracts of them. */
    record Partition(ArrayList<String> images, ArrayList<Slice> slices) implements Serializable {
    }

    /** Query images [from, to) of one scoring unit (a layer or a pass). */
    record Block(int unit, int from, int to) implements Serializable {
    }

    /** Scores {@code category} (read from the driver's local copy) and publishes its folder. */
    CategorySummary run(Category category, Path localOut, OutputLocation output) throws IOException {
        Map<String, Long> timings = new LinkedHashMap<>();
        long clock = System.nanoTime();
        int size = musc.imageSize();
        // only the sizes are kept: the executors read the images themselves
        DecodedCategory decoded = Datasets.decode(category, img -> SIZE_ONLY, warnings);
        Category kept = decoded.category();
        int n = kept.samples().size();
        if (n < 2) {
            throw new IllegalArgumentException(category.name() + ": MuSc needs at least 2 readable images, got " + n);
        }
        Tiling tiling = musc.config().tiling();
        // every image's tiles before anything runs: a grid that does not fit stops the category here
        List<TileGrid> grids = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            ImageSize own = decoded.sizes().get(k);
            grids.add(tiling.grid(k, own.width(), own.height(), k == 0 ? null : grids.get(0)));
        }
        TileSets sets = TileSets.of(tiling.pool(), grids);
        clock = lap(timings, "decode", clock);
        // every set has as many members (N, or the one set of all tiles): they share passes and blocks
        int members = sets.size(0);
        StageRunner.Passes passes = StageRunner.Passes.of(musc, members);
        // under a name only musc4j uses, also in a --spark-work folder: it is deleted when the category is done
        org.apache.hadoop.fs.Path work = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(
                options.work() != null ? Storage.location(options.work()) : context.outLocation(), WORK),
                category.name().isEmpty() ? "_" : category.name());
        int[] bounds = bounds(members, sets.count());
        ExecutorMemory memory = ExecutorMemory.of(sc.getConf());
        int block = memory.block(passes, musc.config(), musc.device(), options.queryBlock(), sc.defaultParallelism());
        if (!tiling.isOff()) {
            System.err.println("musc: " + category.name() + ": tiles "
                    + CategoryScorer.describeTiles(tiling, decoded.sizes().get(0), n));
        }
        try {
            features(kept, sets, bounds, work, passes.layered());
            clock = lap(timings, "features", clock);
            StageRunner.Finished whole = null;
            List<MuscPipeline.Unrescored> tileSets = new ArrayList<>();
            for (int set = 0; set < sets.count(); set++) {
                org.apache.hadoop.fs.Path setWork = Chunks.set(work, set);
                double[][][] msm = msm(sc, context.storage(), setWork.toString(), passes, bounds, block,
                        MsmSettings.of(musc), bytesRead);
                clock = lap(timings, "msm", clock);
                float[][] features = imageFeatures(setWork, bounds);
                if (tiling.isOff()) {
                    whole = StageRunner.finish(musc, passes, msm, features);
                } else {
                    tileSets.add(StageRunner.finishUpToRscin(musc, passes, msm, features));
                }
                clock = lap(timings, "maps", clock);
            }
            System.err.printf(java.util.Locale.ROOT, "musc: %s: %s%d %s of N=%d in query blocks of %d; executors read "
                    + "%.1f MiB of features%n", category.name(),
                    tiling.isOff() ? "" : sets.count() + (sets.count() == 1 ? " tile set x " : " tile sets x "),
                    passes.units(), passes.layered() ? "layers" : "passes", members, block,
                    bytesRead.value() / 1048576.0);
            Path folder = localOut.resolve(category.name());
            CategoryRun writer = job.categoryRun(musc, warnings);
            CategorySummary summary;
            if (tiling.isOff()) {
                byte[][] masks = kept.hasMasks() ? CategoryScorer.masks(kept.samples(), size, job.format(), warnings)
                        : null;
                Optional<Metrics> metrics = CategoryScorer.metrics(kept, whole.scores(), whole.maps(), masks, size);
                lap(timings, "metrics", clock);
                summary = writer.write(category, new CategoryRun.Scored(kept, decoded.sizes(), whole.maps(),
                        whole.scoresBeforeRscin(), whole.scores(), metrics, timings), folder, context.fingerprint());
            } else {
                TiledSet tiled = StageRunner.stitch(musc, grids, tileSets);
                lap(timings, "maps", clock);
                summary = writer.writeTiled(category, kept, decoded.sizes(), tiled, timings, folder,
                        context.fingerprint());
            }
            output.publish(category.name(), folder);
            return summary;
        } finally {
            if (!options.keepFeatures()) {
                context.storage().delete(work);
                context.storage().deleteIfEmpty(work.getParent());
            }
        }
    }

    /**
     * Partition bounds over a set's {@code members}: multiples of the backbone batch, so every batch is
     * the one the whole set sees. A task takes its members of every one of the {@code sets} (a tiled
     * image's tiles at every position), so --partition-images and the default count what it extracts:
     * images, or tiles.
     */
    private int[] bounds(int members, int sets) {
        int batch = batchSize();
        int tiles = options.partitionImages() > 0 ? options.partitionImages()
                : Math.min(MAX_PARTITION_IMAGES, (int) Math.ceil((double) members * sets / sc.defaultParallelism()));
        int per = Math.max(1, tiles / sets);
        per = Math.max(batch, (per + batch - 1) / batch * batch);
        List<Integer> b = new ArrayList<>();
        for (int i = 0; i < members; i += per) {
            b.add(i);
        }
        b.add(members);
        return b.stream().mapToInt(Integer::intValue).toArray();
    }

    private int batchSize() {
        return musc.config().batchSize();
    }

    /**
     * Stage 1: one task per partition of the bounds, which (being every set's) cover each set's members:
     * a task reads the images its members come from once and extracts its slice of every set.
     */
    private void features(Category kept, TileSets sets, int[] bounds, org.apache.hadoop.fs.Path work,
            boolean layered) {
        List<Partition> parts = new ArrayList<>();
        for (int k = 0; k + 1 < bounds.length; k++) {
            Map<Integer, Integer> index = new LinkedHashMap<>();
            ArrayList<Slice> slices = new ArrayList<>();
            for (int set = 0; set < sets.count(); set++) {
                int[] image = new int[bounds[k + 1] - bounds[k]];
                int[] tile = new int[image.length];
                for (int t = bounds[k]; t < bounds[k + 1]; t++) {
                    image[t - bounds[k]] = index.computeIfAbsent(sets.image(set, t), i -> index.size());
                    tile[t - bounds[k]] = sets.tile(set, t);
                }
                slices.add(new Slice(set, bounds[k], bounds[k + 1], image, tile));
            }
            ArrayList<String> images = new ArrayList<>();
            index.keySet().forEach(i -> images.add(kept.samples().get(i).relativePath()));
            parts.add(new Partition(images, slices));
        }
        sc.setJobDescription("features");
        try {
            sc.parallelize(parts, parts.size()).map(new FeatureTask(context, work.toString(), layered)).collect();
        } finally {
            sc.setJobDescription(null);
        }
    }

    private float[][] imageFeatures(org.apache.hadoop.fs.Path work, int[] bounds) throws IOException {
        int n = bounds[bounds.length - 1];
        float[][] rows = new float[n][];
        for (int k = 0; k + 1 < bounds.length; k++) {
            int from = bounds[k];
            int count = bounds[k + 1] - from;
            ByteBuffer bytes = ByteBuffer.wrap(context.storage().read(Chunks.imageFeatures(work, from, bounds[k + 1])))
                    .order(ByteOrder.LITTLE_ENDIAN);
            int d = bytes.remaining() / Float.BYTES / count;
            for (int i = 0; i < count; i++) {
                float[] row = new float[d];
                bytes.asFloatBuffer().position(i * d).get(row);
                rows[from + i] = row;
            }
        }
        return rows;
    }

    private static long lap(Map<String, Long> timings, String stage, long since) {
        long now = System.nanoTime();
        timings.merge(stage, (now - since) / 1_000_000, Long::sum);
        return now;
    }

    /** Names of the chunk files in the work folder. */
    static final class Chunks {
        private Chunks() {
        }

        /** The folder of tile set {@code set}'s chunks (untiled, the one set of the images). */
        static org.apache.hadoop.fs.Path set(org.apache.hadoop.fs.Path work, int set) {
            return new org.apache.hadoop.fs.Path(work, "set-" + set);
        }

        static org.apache.hadoop.fs.Path features(org.apache.hadoop.fs.Path work, int unit, int from, int to) {
            return new org.apache.hadoop.fs.Path(work, "features/unit-" + unit + "/" + from + "-" + to + ".f32");
        }

        static org.apache.hadoop.fs.Path imageFeatures(org.apache.hadoop.fs.Path work, int from, int to) {
            return new org.apache.hadoop.fs.Path(work, "image-features/" + from + "-" + to + ".f32");
        }
    }

    /** Stage 1 on an executor: one partition's images → each of its slices' chunk files. */
    static final class FeatureTask implements Function<Partition, Long> {
        private static final long serialVersionUID = 1L;
        private final RunContext context;
        private final String work;
        /** Whether the driver scores by layer ({@link StageRunner.Passes#layered}): the executors write what it reads. */
        private final boolean layered;

        FeatureTask(RunContext context, String work, boolean layered) {
            this.context = context;
            this.work = work;
            this.layered = layered;
        }

        @Override
        public Long call(Partition part) throws Exception {
            Path scratch = RunContext.scratch("musc4j-features");
            try {
                RunJob job = context.job(scratch, scratch.resolve("out"), null);
                MuSc musc = ExecutorCache.model(context.runArgs(), job);
                RgbImage[][] tiles = tiles(musc, part, scratch);
                long bytes = 0;
                for (Slice slice : part.slices()) {
                    List<RgbImage> images = new ArrayList<>();
                    for (int t = 0; t < slice.image().length; t++) {
                        images.add(tiles[slice.image()[t]][slice.tile()[t]]);
                    }
                    bytes += extract(musc, images, slice, scratch);
                }
                return bytes;
            } finally {
                RunContext.delete(scratch);
            }
        }

        /** Each of the partition's images read once at its own size and cut into the tiles its slices take,
         *  resized to S: [image][tile], null where no slice takes it. */
        private RgbImage[][] tiles(MuSc musc, Partition part, Path scratch) throws IOException {
            RgbImage[][] tiles = new RgbImage[part.images().size()][];
            for (int i = 0; i < tiles.length; i++) {
                RgbImage image = ImageIo.readRgb(image(part.images().get(i), scratch));
                TileGrid grid = musc.config().tiling().grid(image.width(), image.height());
                tiles[i] = new RgbImage[grid.count()];
                for (Slice slice : part.slices()) {
                    for (int t = 0; t < slice.image().length; t++) {
                        int p = slice.tile()[t];
                        if (slice.image()[t] == i && tiles[i][p] == null) {
                            tiles[i][p] = StageRunner.tile(musc, grid, image, p);
                        }
                    }
                }
            }
            return tiles;
        }

        /** Backbone and aggregation of one slice's tiles into its set's chunk files; returns their bytes. */
        private long extract(MuSc musc, List<RgbImage> images, Slice slice, Path scratch) throws IOException {
            int passes = layered ? musc.layers().length : musc.pipeline().passes(musc.layers().length).size();
            Path[] local = new Path[passes + 1];
            OutputStream[] outs = new OutputStream[passes + 1];
            try {
                for (int p = 0; p <= passes; p++) {
                    local[p] = scratch.resolve("chunk-" + slice.set() + "-" + p + ".f32");
                    outs[p] = new BufferedOutputStream(Files.newOutputStream(local[p]), 1 << 20);
                }
                synchronized (musc) {
                    StageRunner.extract(musc, images, layered, new StageRunner.FeatureSink() {
                        @Override
                        public void features(int pass, float[] values) throws IOException {
                            outs[pass].write(littleEndian(values));
                        }

                        @Override
                        public void imageFeatures(float[][] rows) throws IOException {
                            for (float[] row : rows) {
                                outs[passes].write(littleEndian(row));
                            }
                        }
                    });
                }
            } finally {
                for (OutputStream o : outs) {
                    if (o != null) {
                        o.close();
                    }
                }
            }
            Faults.check("features", null);
            org.apache.hadoop.fs.Path w = Chunks.set(new org.apache.hadoop.fs.Path(work), slice.set());
            long bytes = 0;
            for (int p = 0; p <= passes; p++) {
                org.apache.hadoop.fs.Path target = p < passes ? Chunks.features(w, p, slice.from(), slice.to())
                        : Chunks.imageFeatures(w, slice.from(), slice.to());
                Path file = local[p];
                context.storage().write(target, o -> Files.copy(file, o));
                bytes += Files.size(file);
                Files.delete(file);
            }
            return bytes;
        }

        private Path image(String relative, Path scratch) throws IOException {
            org.apache.hadoop.fs.Path root = context.dataLocation();
            if (Storage.isLocal(root)) {
                return Storage.localPath(root).resolve(relative);
            }
            Path local = scratch.resolve("images").resolve(relative);
            context.storage().download(new org.apache.hadoop.fs.Path(root, relative), local);
            return local;
        }
    }

    /** What the driver's decoding keeps of an image: nothing but its size, which it records beside. */
    private static final RgbImage SIZE_ONLY = new RgbImage(1, 1, new byte[3]);

    static byte[] littleEndian(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    /**
     * What stage 2 computes with: the run's configuration as its canonical description (how it crosses to
     * the executors, which build the same {@link MuscPipeline} from it) and the GPU the executors score on
     * (its index, or −1 for the CPU).
     */
    record MsmSettings(String config, int gpu) implements Serializable {

        static MsmSettings of(MuSc musc) {
            return new MsmSettings(musc.config().describe(), musc.device().isGpu() ? musc.device().getDeviceId() : -1);
        }

        MuscPipeline pipeline() {
            return new MuscPipeline(MuscConfig.parse(config));
        }

        Device device() {
            return gpu >= 0 ? Device.gpu(gpu) : Device.cpu();
        }
    }

    /** Stage 2 on an executor: one query block of one unit → its (sets, block, L) MSM scores. */
    static final class MsmTask implements Function<Block, double[]> {
        private static final long serialVersionUID = 1L;
        private final Storage storage;
        private final String work;
        private final StageRunner.Passes passes;
        private final int[] bounds;
        private final MsmSettings settings;
        private final LongAccumulator bytesRead;

        MsmTask(Storage storage, String work, StageRunner.Passes passes, int[] bounds, MsmSettings settings,
                LongAccumulator bytesRead) {
            this.storage = storage;
            this.work = work;
            this.passes = passes;
            this.bounds = bounds.clone();
            this.settings = settings;
            this.bytesRead = bytesRead;
        }

        @Override
        public double[] call(Block block) throws Exception {
            org.apache.hadoop.fs.Path w = new org.apache.hadoop.fs.Path(work);
            MuscPipeline pipeline = settings.pipeline();
            try (ExecutorCache.Lease lease = ExecutorCache.reference(work + "#" + block.unit(),
                    () -> StageRunner.load(passes, block.unit(), bounds, (from, to) -> {
                        byte[] bytes = storage.read(Chunks.features(w, block.unit(), from, to));
                        bytesRead.add(bytes.length);
                        return ByteBuffer.wrap(bytes);
                    }, pipeline, settings.device()))) {
                Faults.check("msm", null);
                return StageRunner.scoreBlock(lease.reference(), block.from(), block.to(), pipeline);
            }
        }
    }

    /**
     * Stage 2 for every unit: one Spark job per unit (so an executor holds one unit's reference at a
     * time), query blocks of {@code block} images; returns msm[feature set][layer] (N·L float64 row-major).
     */
    static double[][][] msm(JavaSparkContext sc, Storage storage, String work, StageRunner.Passes passes,
            int[] bounds, int block, MsmSettings settings, LongAccumulator bytesRead) {
        int n = passes.images();
        int patches = (int) passes.patches();
        int sets = passes.setsPerUnit();
        double[][][] msm = new double[passes.degrees().size()][passes.layers()][];
        for (int unit = 0; unit < passes.units(); unit++) {
            List<Block> blocks = new ArrayList<>();
            for (int i = 0; i < n; i += block) {
                blocks.add(new Block(unit, i, Math.min(n, i + block)));
            }
            sc.setJobDescription(String.format(java.util.Locale.ROOT, "msm %d/%d", unit + 1, passes.units()));
            List<double[]> scores;
            try {
                scores = sc.parallelize(blocks, blocks.size())
                        .map(new MsmTask(storage, work, passes, bounds, settings, bytesRead)).collect();
            } finally {
                sc.setJobDescription(null);
            }
            for (int set = 0; set < sets; set++) {
                double[] all = new double[n * patches];
                for (int k = 0; k < blocks.size(); k++) {
                    int rows = (blocks.get(k).to() - blocks.get(k).from()) * patches;
                    System.arraycopy(scores.get(k), set * rows, all, blocks.get(k).from() * patches, rows);
                }
                if (passes.layered()) {
                    msm[set][unit] = all;
                } else {
                    msm[unit % passes.degrees().size()][passes.layer(unit)] = all;
                }
            }
        }
        return msm;
    }
}
