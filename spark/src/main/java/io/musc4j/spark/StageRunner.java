package io.musc4j.spark;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.MuscPipeline;
import io.musc4j.engine.MuscResult;
import io.musc4j.engine.PatchTokens;
import io.musc4j.engine.TiledSet;
import io.musc4j.engine.tiles.TileGrid;
import io.musc4j.engine.msm.FeatureChunks;
import io.musc4j.engine.msm.FullMsm;
import io.musc4j.models.Precision;
import io.musc4j.engine.msm.NeighbourhoodMaps;
import io.musc4j.engine.msm.Pass;
import io.musc4j.engine.msm.ScoringPlan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * The only class of musc4j-spark that calls the engine: the three stages of one category split over a
 * cluster, each one of {@link MuscPipeline}'s own ways to run a set in parts, so that the gathered
 * blocks give the numbers of the whole run with any scorer and aggregation the configuration names.
 *
 * <ol>
 * <li>{@link #extract}: backbone and aggregation of a partition of the images, per scoring unit
 * ({@link MuscPipeline#aggregateUnits}): where the pipeline scores a layer at a time
 * ({@link MuscPipeline#scoresLayers}: LNAMD with several degrees) a unit is a tapped layer, and the task
 * writes its layer-normed map (n, L, C), the inverse norms of its box sums and the squares of its unit
 * features ((n, D, L) each); otherwise a unit is a pass (tapped layer, feature set: an LNAMD degree or
 * SNAMD's one set), and the task writes its features (n, L, C). Also the (n, D) image features RsCIN
 * uses.</li>
 * <li>{@link #scoreBlock}: patch scoring of a block of query images [i0, i1) against all N images of one
 * unit ({@link MuscPipeline#scoreBlock}): (sets, i1 − i0, L) float64. The N images' features are held
 * as the scorer reads them ({@link Reference}, {@link MuscPipeline#hold}), which an executor loads once
 * per unit and keeps for all its blocks.</li>
 * <li>{@link #finish}: averaging, pixel maps, image scores and RsCIN ({@link MuscPipeline#finish}); for a
 * tiled run, per tile set up to the tiles' scores ({@link #finishUpToRscin}), then the images' stitched
 * maps and RsCIN ({@link #stitch}).</li>
 * </ol>
 *
 * Only plain Java arrays enter and leave; every NDArray lives in a scope closed here.
 */
final class StageRunner {

    /**
     * Bytes per distance of a query block: the minima (4) and the interval average's working copies,
     * topK values and int64 indices (24, the engine's {@code FullMsm.AVERAGE_BYTES}).
     */
    static final long BLOCK_BYTES_PER_DISTANCE = 4 + 24;

    private StageRunner() {
    }

    /**
     * What one category's passes look like.
     *
     * @param images N
     * @param gridH patch rows h
     * @param gridW patch columns w
     * @param channels C
     * @param layers tapped layers
     * @param degrees the degree each feature set of a layer is recorded under (LNAMD: the configuration's
     *     degrees; SNAMD: its one set)
     */
    record Passes(int images, int gridH, int gridW, long channels, int layers, List<Integer> degrees, boolean layered)
            implements java.io.Serializable {

        Passes {
            degrees = List.copyOf(degrees);
        }

        int count() {
            return layers * degrees.size();
        }

        /** What stage 2 scores at once: a layer (every degree) where {@link #layered}, else a pass. */
        int units() {
            return layered ? layers : count();
        }

        /** Feature sets (degrees) one unit's scores hold. */
        int setsPerUnit() {
            return layered ? degrees.size() : 1;
        }

        long patches() {
            return (long) gridH * gridW;
        }

        int layer(int pass) {
            return pass / degrees.size();
        }

        int degree(int pass) {
            return degrees.get(pass % degrees.size());
        }

        /** Bytes of one image's features of one unit, float32: a pass's features, or a layer's map with
         *  the inverse norms of its box sums and the squares of its unit features. */
        long imageBytes() {
            return patches() * (channels + (layered ? 2L * degrees.size() : 0)) * Float.BYTES;
        }

        /** The passes of a loaded model scoring N images, by layer where its pipeline scores so. */
        static Passes of(MuSc musc, int images) {
            int grid = musc.backboneSpec().grid(musc.imageSize());
            long channels = musc.backboneSpec().hiddenSize();
            MuscPipeline pipeline = musc.pipeline();
            return new Passes(images, grid, grid, channels, musc.layers().length,
                    pipeline.aggregation().featureSets(), pipeline.scoresLayers(images, grid, grid, channels,
                    musc.device()));
        }
    }

    /** Receives stage 1's output batch by batch. */
    interface FeatureSink {
        /** Unit {@code unit} of the batch's images, float32 row-major: LNAMD features (b, L, C) of a pass,
         *  or per image a layer's map (L, C), the inverse norms of its box sums (D, L) and the squares of
         *  its unit features (D, L). */
        void features(int unit, float[] values) throws IOException;

        /** Image features (b, D) of the batch. */
        void imageFeatures(float[][] rows) throws IOException;
    }

    /** Tile {@code p} of an image at its own size, as the backbone takes it (the pipeline's cut, resized to S). */
    static RgbImage tile(MuSc musc, TileGrid grid, RgbImage image, int p) {
        return musc.pipeline().tile(musc.extractor(), grid, image, p);
    }

    /**
     * Stage 1: the backbone over {@code images} (batches of the model's batch size, so a partition
     * that starts at a multiple of it sees the batches the whole set does) and aggregation per unit.
     */
    static void extract(MuSc musc, List<RgbImage> images, boolean layered, FeatureSink sink) throws IOException {
        try (NDManager scope = NDManager.newBaseManager(musc.device())) {
            musc.pipeline().aggregateUnits(musc.extractor(), images, layered, new MuscPipeline.UnitSink() {
                @Override
                public void pass(int unit, NDArray features) throws IOException {
                    sink.features(unit, features.toFloatArray());
                }

                @Override
                public void layer(int layer, NeighbourhoodMaps.Block b) throws IOException {
                    long n = b.map().getShape().get(0);
                    // image-major norms, so that the batches of a partition concatenate
                    NDArray all = NDArrays.concat(new NDList(b.map().reshape(n, -1),
                            b.inverseNorms().transpose(1, 0, 2).reshape(n, -1),
                            b.unitSquares().transpose(1, 0, 2).reshape(n, -1)), 1);
                    sink.features(layer, all.toFloatArray());
                }

                @Override
                public void imageFeatures(NDArray features) throws IOException {
                    sink.imageFeatures(PatchTokens.rows(features));
                }
            }, scope);
        }
    }

    /**
     * The N images' features of one unit as the scorer reads them, on a device: a pass's features held
     * by the scorer ({@link MuscPipeline#hold}: full MSM's product form), or a layer's maps with their
     * inverse norms and unit squares. An executor keeps it while it scores blocks of that unit. Close it
     * to free it.
     */
    static final class Reference implements AutoCloseable {
        private final NDManager manager;
        private final FeatureChunks held;
        private final NeighbourhoodMaps maps;
        private final Passes passes;
        private final int unit;

        private Reference(NDManager manager, FeatureChunks held, NeighbourhoodMaps maps, Passes passes, int unit) {
            this.manager = manager;
            this.held = held;
            this.maps = maps;
            this.passes = passes;
            this.unit = unit;
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    /** Reads the features of images [from, to) of a unit, (to − from) images of {@link Passes#imageBytes}
     *  little-endian float32 each. */
    interface ChunkReader {
        ByteBuffer read(int from, int to) throws IOException;
    }

    /**
     * Loads unit {@code unit}'s reference features from its chunks ({@code bounds}: image ranges
     * [b_k, b_{k+1}) in order, all but the last of one size): held by the pipeline's scorer, or as a
     * layer's maps, on {@code device}.
     */
    static Reference load(Passes passes, int unit, int[] bounds, ChunkReader chunks, MuscPipeline pipeline,
            Device device) throws IOException {
        NDManager manager = NDManager.newBaseManager(device);
        try {
            if (!passes.layered()) {
                FeatureChunks files = new ChunkFeatures(passes, bounds, chunks);
                FeatureChunks held = pipeline.hold(files, bounds[1] - bounds[0], passes.gridH(), passes.gridW(),
                        manager);
                return new Reference(manager, held, null, passes, unit);
            }
            long l = passes.patches();
            long c = passes.channels();
            int d = passes.degrees().size();
            NDArray map = manager.create(new Shape(passes.images(), l, c), DataType.FLOAT32);
            NDArray inverse = manager.create(new Shape(d, passes.images(), l), DataType.FLOAT32);
            NDArray squares = manager.create(new Shape(d, passes.images(), l), DataType.FLOAT32);
            for (int k = 0; k + 1 < bounds.length; k++) {
                int from = bounds[k];
                int to = bounds[k + 1];
                FloatBuffer values = chunks.read(from, to).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                try (NDManager part = manager.newSubManager()) {
                    NDArray rows = part.create(values, new Shape(to - from, l * (c + 2L * d)));
                    map.set(new NDIndex("{}:{}", from, to), rows.get(":, :{}", l * c).reshape(to - from, l, c));
                    inverse.set(new NDIndex(":, {}:{}", from, to), rows.get(":, {}:{}", l * c, l * (c + d))
                            .reshape(to - from, d, l).transpose(1, 0, 2));
                    squares.set(new NDIndex(":, {}:{}", from, to), rows.get(":, {}:", l * (c + d))
                            .reshape(to - from, d, l).transpose(1, 0, 2));
                }
            }
            NeighbourhoodMaps maps = NeighbourhoodMaps.of(new NeighbourhoodMaps.Block(map, inverse, squares),
                    passes.gridH(), passes.gridW(), passes.degrees());
            return new Reference(manager, null, maps, passes, unit);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** A pass's features in the chunk files, read a chunk at a time (ranges on the chunks' bounds). */
    private record ChunkFeatures(Passes passes, int[] bounds, ChunkReader chunks) implements FeatureChunks {
        @Override
        public long images() {
            return passes.images();
        }

        @Override
        public long patches() {
            return passes.patches();
        }

        @Override
        public long channels() {
            return passes.channels();
        }

        @Override
        public NDArray read(long from, long to, NDManager manager) {
            int k = java.util.Arrays.binarySearch(bounds, (int) from);
            if (k < 0 || k + 1 >= bounds.length || bounds[k + 1] != to) {
                throw new IllegalArgumentException("features of images [" + from + ", " + to
                        + ") are not one chunk of " + java.util.Arrays.toString(bounds));
            }
            try {
                FloatBuffer values = chunks.read((int) from, (int) to).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                return manager.create(values, new Shape(to - from, patches(), channels()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /**
     * Stage 2: the scores (sets, i1 − i0, L) float64 row-major of query images [i0, i1) against all N
     * images of the reference's unit.
     */
    static double[] scoreBlock(Reference ref, int i0, int i1, MuscPipeline pipeline) {
        Passes p = ref.passes;
        try (NDManager scope = ref.manager.newSubManager()) {
            if (ref.maps != null) {
                return pipeline.scoreBlock(ref.maps, i0, i1, scope).toDoubleArray();
            }
            Pass pass = new Pass(p.layer(ref.unit), ref.unit % p.degrees().size());
            return pipeline.scoreBlock(pass, ref.held, p.gridH(), p.gridW(), i0, i1, scope).toDoubleArray();
        }
    }

    /**
     * Native bytes of one executor task scoring a block of {@code block} query images: the (sets, block,
     * N, L) minima with the interval average's copies, and the kernel's tile; pass by pass also the
     * queries' features and their product form.
     */
    static long blockBytes(Passes p, int block, MuscConfig config, Device device) {
        if (config.scoring().isAligned()) {
            // the scorer's grid layouts of the held features, one chunk of queries, and the block's scores
            ScoringPlan plan = config.scoring().plan(p.images(), p.patches(), p.channels(), 1, config.interval(),
                    config.memoryBudgetBytes(), config.precision().products(), device);
            return plan.referenceBytes() + plan.bytes() + (long) block * p.patches() * Double.BYTES;
        }
        FullMsm scoring = new FullMsm(config.interval(), config.memoryBudgetBytes(), config.precision().products());
        long distances = (long) block * p.images() * p.patches();
        if (p.layered()) {
            return distances * (p.setsPerUnit() * Float.BYTES + BLOCK_BYTES_PER_DISTANCE - Float.BYTES)
                    + scoring.neighbourhoodTileBytes(p.images(), p.patches(), p.channels(), device);
        }
        long tile = scoring.kernel(p.patches(), p.channels()).plan(p.patches(), p.channels(), device).bytes();
        long queries = (long) block * p.patches() * (p.channels() * Float.BYTES
                + (p.channels() + 2) * config.precision().products().bytes());
        return queries + distances * BLOCK_BYTES_PER_DISTANCE + tile;
    }

    /** Native bytes of one unit's reference features: N·L·(C+2) elements in full MSM's product form, or a
     *  layer's maps, inverse norms and unit squares, N·L·(C+2D) float32 (aligned MSM's float32 features,
     *  N·L·C, are less). */
    static long referenceBytes(Passes p, Precision precision) {
        return p.layered() ? (long) p.images() * p.imageBytes()
                : (long) p.images() * p.patches() * (p.channels() + 2) * precision.bytes();
    }

    /**
     * What stage 3 computes from the MSM scores.
     *
     * @param scoresBeforeRscin image scores before RsCIN
     * @param scores final image scores (after RsCIN)
     * @param maps S×S pixel maps, float32
     */
    record Finished(double[] scoresBeforeRscin, float[] scores, float[][] maps) {
    }

    /**
     * Stage 3, the pipeline's: averaging over layers then feature sets, pixel maps, image scores (their
     * maxima) and RsCIN with {@code imageFeatures}.
     *
     * @param msm [feature set][layer] (N·L) float64 row-major scores of every pass
     */
    static Finished finish(MuSc musc, Passes p, double[][][] msm, float[][] imageFeatures) {
        try (NDManager scope = NDManager.newBaseManager(musc.device())) {
            MuscResult result = musc.pipeline().finish(msm, p.images(), p.gridH(), p.gridW(), imageFeatures, scope);
            return new Finished(result.scoresBeforeRscin(), result.scores(), result.pixelMaps(scope).maps());
        }
    }

    /**
     * Stage 3 of one tile set of a tiled run, the pipeline's: averaging, the tiles' maps and their scores
     * before RsCIN, kept with the tiles' {@code imageFeatures} for {@link #stitch}.
     *
     * @param msm [feature set][layer] (N·L) float64 row-major scores of every pass of the set
     */
    static MuscPipeline.Unrescored finishUpToRscin(MuSc musc, Passes p, double[][][] msm, float[][] imageFeatures) {
        try (NDManager scope = NDManager.newBaseManager(musc.device())) {
            return musc.pipeline().finishUpToRscin(msm, p.images(), p.gridH(), p.gridW(), imageFeatures, scope);
        }
    }

    /**
     * The end of a tiled run, the pipeline's: each image's map stitched from its tiles' at its own size,
     * its score before RsCIN that map's maximum, RsCIN over the images with the mean of each one's tiles'
     * image features.
     *
     * @param sets per tile set ({@link io.musc4j.engine.tiles.TileSets} order), its {@link #finishUpToRscin}
     */
    static TiledSet stitch(MuSc musc, List<TileGrid> grids, List<MuscPipeline.Unrescored> sets) {
        return musc.pipeline().stitch(musc.config().tiling(), grids, sets, musc.device());
    }
}
