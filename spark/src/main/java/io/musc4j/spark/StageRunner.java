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
import io.musc4j.engine.FeatureExtractor;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.MuscPipeline;
import io.musc4j.engine.MuscResult;
import io.musc4j.engine.ProgressListener;
import io.musc4j.engine.maps.PixelMaps;
import io.musc4j.engine.msm.FullMsm;
import io.musc4j.engine.msm.MsmPrecision;
import io.musc4j.engine.msm.NearestPatchMinima;
import io.musc4j.engine.msm.NeighbourhoodMaps;
import io.musc4j.engine.msm.Pass;
import io.musc4j.engine.store.ResidentTokens;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * The only class of musc4j-spark that calls the engine's internals: the three stages of one category
 * split over a cluster, each computing exactly what {@link MuscPipeline} computes for the whole set
 * (stages 1 and 3 are the pipeline's own; stage 2 scores against features an executor keeps loaded).
 *
 * <ol>
 * <li>{@link #extract}: backbone and LNAMD of a partition of the images, per scoring unit: where the
 * pipeline scores a layer at a time ({@link MuscPipeline#scoresLayers}: LNAMD with several degrees) a
 * unit is a tapped layer, and the task writes its layer-normed map (n, L, C), the inverse norms of its
 * box sums and the squares of its unit features ((n, D, L) each); otherwise a unit is a pass (tapped
 * layer, degree r), and the task writes its features (n, L, C). Also the (n, D) image features RsCIN
 * uses.</li>
 * <li>{@link #scoreBlock}: MSM of a block of query images [i0, i1) against all N images of one unit,
 * each pair oriented as the engine's query-block form orients it, then the interval average:
 * (sets, i1 − i0, L) float64. The N images' features are held as the kernel reads them
 * ({@link Reference}), which an executor loads once per unit and keeps for all its blocks.</li>
 * <li>{@link #finish}: the patch map's upsampling to S×S (bilinear, align corners), the image
 * scores (maxima of the pixel maps) and RsCIN.</li>
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
     * @param degrees LNAMD degrees r, in the configuration's order
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
            return new Passes(images, grid, grid, channels, musc.layers().length, musc.config().degrees(),
                    musc.pipeline().scoresLayers(images, grid, grid, channels, musc.device()));
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

    /**
     * Stage 1: the backbone over {@code images} (batches of the model's batch size, so a partition
     * that starts at a multiple of it sees the batches the whole set does) and LNAMD per pass.
     */
    static void extract(MuSc musc, List<RgbImage> images, boolean layered, FeatureSink sink) throws IOException {
        FeatureExtractor extractor = musc.extractor();
        MuscPipeline pipeline = musc.pipeline();
        int grid = musc.backboneSpec().grid(musc.imageSize());
        try (NDManager scope = NDManager.newBaseManager(musc.device())) {
            extractor.extract(images.size(), images::get, scope, (tokens, f) -> {
                ResidentTokens batch = new ResidentTokens(tokens, grid, grid);
                if (layered) {
                    for (int layer = 0; layer < tokens.size(); layer++) {
                        try (NDManager unit = scope.newSubManager()) {
                            NeighbourhoodMaps.Block b = pipeline.aggregation().neighbourhoods(batch, layer)
                                    .read(0, batch.images(), unit);
                            // image-major norms, so that the batches of a partition concatenate
                            NDArray all = NDArrays.concat(new NDList(b.map().reshape(batch.images(), -1),
                                    b.inverseNorms().transpose(1, 0, 2).reshape(batch.images(), -1),
                                    b.unitSquares().transpose(1, 0, 2).reshape(batch.images(), -1)), 1);
                            sink.features(layer, all.toFloatArray());
                        }
                    }
                } else {
                    List<Pass> passes = pipeline.passes(tokens.size());
                    for (int k = 0; k < passes.size(); k++) {
                        try (NDManager pass = scope.newSubManager()) {
                            NDArray z = pipeline.features(batch, passes.get(k)).read(0, batch.images(), pass);
                            sink.features(k, z.toType(DataType.FLOAT32, false).toFloatArray());
                        }
                    }
                }
                sink.imageFeatures(rows(f));
            }, ProgressListener.none());
        }
    }

    private static float[][] rows(NDArray features) {
        int n = Math.toIntExact(features.getShape().get(0));
        int d = Math.toIntExact(features.getShape().get(1));
        float[] flat = features.toType(DataType.FLOAT32, false).toFloatArray();
        float[][] rows = new float[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, rows[i], 0, d);
        }
        return rows;
    }

    /**
     * The N images' features of one unit as the MSM kernel reads them, on a device: a pass's features in
     * product form, or a layer's maps with their inverse norms and unit squares. An executor keeps it
     * while it scores blocks of that unit. Close it to free it.
     */
    static final class Reference implements AutoCloseable {
        private final NDManager manager;
        private final NearestPatchMinima.ProductForm form;
        private final NeighbourhoodMaps maps;
        private final Passes passes;

        private Reference(NDManager manager, NearestPatchMinima.ProductForm form, NeighbourhoodMaps maps,
                Passes passes) {
            this.manager = manager;
            this.form = form;
            this.maps = maps;
            this.passes = passes;
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
     * Loads one unit's reference features from its chunks ({@code bounds}: image ranges [b_k, b_{k+1})
     * in order): into the product form in {@code precision}, or as a layer's maps, on {@code device}.
     */
    static Reference load(Passes passes, int[] bounds, ChunkReader chunks, MsmPrecision precision, Device device)
            throws IOException {
        NDManager manager = NDManager.newBaseManager(device);
        try {
            long l = passes.patches();
            long c = passes.channels();
            int d = passes.degrees().size();
            NearestPatchMinima.ProductForm form = passes.layered() ? null : NearestPatchMinima.ProductForm.empty(
                    passes.images(), l, c, precision, manager);
            NDArray map = passes.layered() ? manager.create(new Shape(passes.images(), l, c), DataType.FLOAT32) : null;
            NDArray inverse = passes.layered() ? manager.create(new Shape(d, passes.images(), l), DataType.FLOAT32)
                    : null;
            NDArray squares = passes.layered() ? manager.create(new Shape(d, passes.images(), l), DataType.FLOAT32)
                    : null;
            for (int k = 0; k + 1 < bounds.length; k++) {
                int from = bounds[k];
                int to = bounds[k + 1];
                FloatBuffer values = chunks.read(from, to).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                try (NDManager part = manager.newSubManager()) {
                    if (passes.layered()) {
                        NDArray rows = part.create(values, new Shape(to - from, l * (c + 2L * d)));
                        map.set(new NDIndex("{}:{}", from, to), rows.get(":, :{}", l * c).reshape(to - from, l, c));
                        inverse.set(new NDIndex(":, {}:{}", from, to), rows.get(":, {}:{}", l * c, l * (c + d))
                                .reshape(to - from, d, l).transpose(1, 0, 2));
                        squares.set(new NDIndex(":, {}:{}", from, to), rows.get(":, {}:", l * (c + d))
                                .reshape(to - from, d, l).transpose(1, 0, 2));
                    } else {
                        form.set(from, part.create(values, new Shape(to - from, l, c)));
                    }
                }
            }
            NeighbourhoodMaps maps = passes.layered() ? NeighbourhoodMaps.of(
                    new NeighbourhoodMaps.Block(map, inverse, squares), passes.gridH(), passes.gridW(), passes.degrees())
                    : null;
            return new Reference(manager, form, maps, passes);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Stage 2: MSM scores (sets, i1 − i0, L) float64 row-major of query images [i0, i1) against all N
     * images of the reference's unit: nearest-patch distances to every other image, then the interval
     * average over the N − 1 of them.
     */
    static double[] scoreBlock(Reference ref, int i0, int i1, MuscConfig config) {
        Passes p = ref.passes;
        FullMsm scoring = new FullMsm(config.interval(), config.memoryBudgetBytes(), config.precision());
        try (NDManager scope = ref.manager.newSubManager()) {
            if (ref.maps != null) {
                return scoring.scoreNeighbourhoodsBlock(ref.maps, p.images(), i0, i1, scope).toDoubleArray();
            }
            NearestPatchMinima kernel = scoring.kernel(p.patches(), p.channels());
            NDArray queries = ref.form.product().get(scope, new NDIndex("{}:{}, :, :{}", i0, i1, p.channels()))
                    .toType(DataType.FLOAT32, true);
            NDArray minima = kernel.cross(queries, ref.form);
            for (int i = i0; i < i1; i++) {
                // an image is not its own candidate
                minima.set(new NDIndex("{}, {}, :", i - i0, i), Float.POSITIVE_INFINITY);
            }
            return config.interval().average(minima, p.images() - 1).toDoubleArray();
        }
    }

    /**
     * Native bytes of one executor task scoring a block of {@code block} query images: the (sets, block,
     * N, L) minima with the interval average's copies, and the kernel's tile; pass by pass also the
     * queries' features and their product form.
     */
    static long blockBytes(Passes p, int block, MuscConfig config, Device device) {
        FullMsm scoring = new FullMsm(config.interval(), config.memoryBudgetBytes(), config.precision());
        long distances = (long) block * p.images() * p.patches();
        if (p.layered()) {
            return distances * (p.setsPerUnit() * Float.BYTES + BLOCK_BYTES_PER_DISTANCE - Float.BYTES)
                    + scoring.neighbourhoodTileBytes(p.images(), p.patches(), p.channels(), device);
        }
        long tile = scoring.kernel(p.patches(), p.channels()).plan(p.patches(), p.channels(), device).bytes();
        long queries = (long) block * p.patches() * (p.channels() * Float.BYTES
                + (p.channels() + 2) * config.precision().bytes());
        return queries + distances * BLOCK_BYTES_PER_DISTANCE + tile;
    }

    /** Native bytes of one unit's reference features: N·L·(C+2) elements in product form, or a layer's
     *  maps, inverse norms and unit squares, N·L·(C+2D) float32. */
    static long referenceBytes(Passes p, MsmPrecision precision) {
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
     * Stage 3, the pipeline's: averaging over layers then degrees, pixel maps, image scores (their
     * maxima) and RsCIN with {@code imageFeatures}.
     *
     * @param msm [degree][layer] (N·L) float64 row-major MSM scores of every pass
     */
    static Finished finish(MuSc musc, Passes p, double[][][] msm, float[][] imageFeatures) {
        int n = p.images();
        MuscPipeline pipeline = musc.pipeline();
        float[][] maps = new float[n][];
        try (NDManager scope = NDManager.newBaseManager(musc.device())) {
            MuscResult result = pipeline.combine(msm, n, p.gridH(), p.gridW(), scope);
            for (int i0 = 0; i0 < n; i0 += PixelMaps.CHUNK) {
                int i1 = Math.min(n, i0 + PixelMaps.CHUNK);
                System.arraycopy(result.pixelMaps(i0, i1, scope).maps(), 0, maps, i0, i1 - i0);
            }
            double[] before = result.scoresBeforeRscin();
            return new Finished(before, pipeline.rescore(before, imageFeatures), maps);
        }
    }
}
