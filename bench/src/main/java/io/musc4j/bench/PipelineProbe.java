package io.musc4j.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.FeatureExtractor;
import io.musc4j.engine.MemoryPlan;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.MuscResult;
import io.musc4j.engine.MuscScorer;
import io.musc4j.engine.PatchTokens;
import io.musc4j.engine.ProgressListener;
import io.musc4j.engine.inspect.Inspection;
import io.musc4j.engine.inspect.Inspector;
import io.musc4j.engine.lnamd.Lnamd;
import io.musc4j.engine.maps.AlignCornersUpsampler;
import io.musc4j.engine.metrics.PixelData;
import io.musc4j.engine.metrics.PixelScores;
import io.musc4j.engine.metrics.RankingScores;
import io.musc4j.engine.msm.MsmPrecision;
import io.musc4j.engine.msm.MutualScoring;
import io.musc4j.engine.rscin.Rscin;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.models.BackboneOptions;
import io.musc4j.models.ModelConfig;
import io.musc4j.models.vit.VisionTransformer;
import io.musc4j.models.vit.VitWeights;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One side of {@code bench gpu-check}: a random-weight backbone of a real architecture on one device
 * in one precision, and the MuSc stages run with it. Every call gpu-check makes into the engine is
 * here, so that a change of the engine's composition is a change of this class alone. Results cross
 * to the host as Java arrays; everything on the device lives in managers closed before a method
 * returns, except the tokens of an {@link Extracted} set, which the caller closes.
 */
final class PipelineProbe implements AutoCloseable {

    /** RsCIN windows of the checks: the MVTec AD family, the reference's default. */
    private static final RscinWindows RSCIN = RscinWindows.Family.MVTEC_AD.windows();
    private static final int UPSAMPLE_CHUNK = 16;

    /**
     * What is run: backbone, input size, taps, degrees, backbone batch and the scoring budgets.
     *
     * @param budgetBytes MSM's workspace budget ({@link MuscConfig#memoryBudgetBytes()})
     * @param tokenBudgetBytes largest token set kept in memory by {@link MuSc} (beyond it, tokens spill to a file)
     */
    record Setup(Architectures arch, int size, int[] taps, List<Integer> degrees, int batch, long budgetBytes,
            long tokenBudgetBytes) {

        int grid() {
            return size / arch.config().patchSize();
        }

        long patches() {
            return (long) grid() * grid();
        }
    }

    private final Setup setup;
    private final Device device;
    private final BackboneOptions.Precision precision;
    private final VisionTransformer vit;
    private final NDManager root;
    private final long weightBytes;

    /**
     * A backbone with the random weights of {@code seed} on {@code device}: the same seed gives the
     * same weights on every device (drawn in Java, then copied to the device and cast).
     */
    PipelineProbe(Setup setup, Device device, BackboneOptions.Precision precision, long seed) {
        if (precision == BackboneOptions.Precision.FP16 && !device.isGpu()) {
            throw new IllegalArgumentException("fp16 runs on a CUDA device only; " + device + " is not one");
        }
        this.setup = setup;
        this.device = device;
        this.precision = precision;
        ModelConfig cfg = setup.arch().config();
        DataType type = precision == BackboneOptions.Precision.FP16 ? DataType.FLOAT16 : DataType.FLOAT32;
        NDManager weights = NDManager.newBaseManager(device);
        try {
            this.vit = new VisionTransformer(cfg, VitWeights.random(cfg, weights, type, seed), weights, type, setup.size());
            this.weightBytes = weights.getManagedArrays().stream().mapToLong(a -> a.size() * a.getDataType().getNumOfBytes())
                    .sum();
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
        this.root = NDManager.newBaseManager(device);
    }

    Device device() {
        return device;
    }

    BackboneOptions.Precision precision() {
        return precision;
    }

    /** Bytes of the backbone's weights on the device. */
    long weightBytes() {
        return weightBytes;
    }

    private MsmPrecision msmPrecision() {
        return precision == BackboneOptions.Precision.FP16 ? MsmPrecision.FP16 : MsmPrecision.FP32;
    }

    private MuscConfig config(boolean keepLayerScores) {
        return MuscConfig.builder().degrees(setup.degrees().toArray(Integer[]::new)).rscin(RSCIN)
                .memoryBudgetBytes(setup.budgetBytes()).precision(msmPrecision()).imageSize(setup.size())
                .keepLayerScores(keepLayerScores).build();
    }

    private FeatureExtractor extractor() {
        return new FeatureExtractor(vit, setup.size(), setup.taps(), setup.batch());
    }

    /** The backbone's tokens of a set, resident on the device until closed. */
    Extracted extract(List<RgbImage> images) throws IOException {
        return new Extracted(extractor().extract(images.size(), images::get, root, ProgressListener.none()));
    }

    /** Tokens of an image set on the device, with the stages that read them. */
    final class Extracted implements AutoCloseable {
        private final PatchTokens tokens;

        private Extracted(PatchTokens tokens) {
            this.tokens = tokens;
        }

        /** Layer {@code i}'s tokens (N, 1+L, C), float32 on the host. */
        float[] tokens(int layer) {
            return tokens.layers().get(layer).toType(DataType.FLOAT32, false).toFloatArray();
        }

        /** Layer {@code i}'s LNAMD features, per degree (N, L, C) float32 on the host. */
        float[][] lnamd(int layer) {
            try (NDManager scope = root.newSubManager()) {
                NDArray t = tokens.layers().get(layer);
                List<NDArray> z = new Lnamd(tokens.gridH(), tokens.gridW()).aggregate(t.get(scope, new NDIndex(":")),
                        setup.degrees());
                float[][] out = new float[z.size()][];
                for (int r = 0; r < z.size(); r++) {
                    out[r] = z.get(r).toFloatArray();
                    z.get(r).close();
                }
                return out;
            }
        }

        /** MuSc's scoring of the set (MSM per layer and degree, means, maps, RsCIN) as the engine composes it. */
        Scored score() {
            MuscResult r = new MuscScorer(config(true)).score(tokens.layers(), tokens.gridH(), tokens.gridW(),
                    tokens.imageFeatures());
            int n = r.images();
            double[][][] msm = new double[setup.degrees().size()][setup.taps().length][];
            for (int d = 0; d < msm.length; d++) {
                for (int l = 0; l < msm[d].length; l++) {
                    msm[d][l] = flat(r.msm(setup.degrees().get(d), l).orElseThrow());
                }
            }
            float[][] maps = new float[n][];
            try (NDManager scope = root.newSubManager()) {
                for (int i = 0; i < n; i++) {
                    maps[i] = toFloats(r.pixelMap(i, scope));
                }
            }
            return new Scored(msm, flat(r.patchMap()), r.scoresBeforeRscin(), r.scores(), maps);
        }

        @Override
        public void close() {
            tokens.close();
        }
    }

    /**
     * The outputs of every stage of one scored set, on the host.
     *
     * @param msm per degree and layer, the (N·L) MSM scores
     * @param patchMap (N·L) mean over layers, then degrees
     * @param before image scores before RsCIN (max of each pixel map)
     * @param after image scores after RsCIN
     * @param maps per image the S×S pixel map
     */
    record Scored(double[][][] msm, double[] patchMap, double[] before, float[] after, float[][] maps) {
    }

    /**
     * Wall time of each stage over a set, run stage after stage as the engine's classes do it, each
     * stage waited for before the next starts, so the times are the device's.
     *
     * @param nanos per stage: backbone, LNAMD, MSM, maps, RsCIN
     * @param msmFlops the MSM products' FLOP count (each unordered pair once, as {@code bench scoring} counts)
     * @param plan MSM's memory plan for one (layer, degree)
     */
    record StageTimes(long[] nanos, double msmFlops, MutualScoring.Plan plan) {
        static final String[] NAMES = {"backbone", "LNAMD", "MSM", "maps", "RsCIN"};
    }

    /** Runs the stages one by one over {@code images} and times them. */
    StageTimes timeStages(List<RgbImage> images) throws IOException {
        long[] nanos = new long[StageTimes.NAMES.length];
        int n = images.size();
        MuscConfig config = config(false);
        MutualScoring msm = new MutualScoring(config.interval(), config.memoryBudgetBytes(), config.precision());
        double flops = 0;
        MutualScoring.Plan plan = null;
        long t = System.nanoTime();
        try (NDManager scope = root.newSubManager();
             PatchTokens tokens = extractor().extract(n, images::get, scope, ProgressListener.none())) {
            float[][] features = tokens.imageFeatureRows(); // waits for the device
            t = lap(nanos, 0, t);
            int grid = tokens.gridH();
            long l = (long) grid * grid;
            Lnamd lnamd = new Lnamd(grid, grid);
            double[] patchMap = new double[n * (int) l];
            int passes = tokens.layers().size() * setup.degrees().size();
            for (NDArray layer : tokens.layers()) {
                try (NDManager layerScope = scope.newSubManager()) {
                    List<NDArray> z = lnamd.aggregate(layer.get(layerScope, new NDIndex(":")),
                            setup.degrees());
                    z.forEach(PipelineProbe::await);
                    t = lap(nanos, 1, t);
                    for (NDArray zr : z) {
                        long c = zr.getShape().get(2);
                        plan = msm.plan(n, l, c, device);
                        double[] s = msm.score(zr).toDoubleArray();
                        for (int i = 0; i < s.length; i++) {
                            patchMap[i] += s[i] / passes;
                        }
                        flops += ScoringBench.msmFlops(n, l, c);
                        zr.close();
                    }
                    t = lap(nanos, 2, t);
                }
            }
            double[] before = imageScores(patchMap, n, grid, scope);
            t = lap(nanos, 3, t);
            Rscin.rescore(before, features, RSCIN);
            lap(nanos, 4, t);
        }
        return new StageTimes(nanos, flops, plan);
    }

    /** The maximum of each image's pixel map, upsampled on the device a chunk of images at a time. */
    private double[] imageScores(double[] patchMap, int n, int grid, NDManager parent) {
        AlignCornersUpsampler up = new AlignCornersUpsampler(grid, grid, setup.size());
        double[] before = new double[n];
        try (NDManager scope = parent.newSubManager()) {
            NDArray all = scope.create(patchMap, new Shape(n, (long) grid * grid));
            for (int i0 = 0; i0 < n; i0 += UPSAMPLE_CHUNK) {
                int i1 = Math.min(n, i0 + UPSAMPLE_CHUNK);
                double[] max = up.upsample(all.get("{}:{}", i0, i1)).reshape(i1 - i0, -1).max(new int[] {1})
                        .toDoubleArray();
                System.arraycopy(max, 0, before, i0, i1 - i0);
            }
        }
        return before;
    }

    /** The whole pipeline as a user runs it ({@link MuSc#scoreImages}): its final scores, and the plan's peak. */
    float[] scoreAsUser(List<RgbImage> images) throws IOException {
        try (MuSc musc = musc()) {
            return musc.scoreImages(images).scoresRscin();
        }
    }

    /** What {@link MemoryPlan} predicts for scoring {@code n} images in the way {@link MuSc} does. */
    MemoryPlan memoryPlan(int n) {
        long bytes = (long) n * setup.taps().length * (1 + setup.patches()) * setup.arch().config().hiddenSize() * Float.BYTES;
        return MemoryPlan.of(n, setup.patches(), setup.arch().config().hiddenSize(), setup.taps().length,
                config(false), Float.BYTES, bytes <= setup.tokenBudgetBytes(), device);
    }

    private MuSc musc() throws IOException {
        return MuSc.builder().backbone(vit).imageSize(setup.size()).layers(setup.taps())
                .degrees(setup.degrees().stream().mapToInt(Integer::intValue).toArray()).batchSize(setup.batch())
                .memoryBudgetBytes(setup.budgetBytes()).tokenBudgetBytes(setup.tokenBudgetBytes()).rscin(RSCIN)
                .precision(precision).imageDecoder(file -> {
                    throw new IOException(file + ": gpu-check makes its images in memory and reads no files");
                }).build();
    }

    /**
     * The factory line: an {@link Inspector} whose bank is filled with {@code bank} parts, then
     * single parts inspected one call each.
     *
     * @param inUse told the device memory in use after the fill and after the timed calls
     * @return per timed call, its stage times
     */
    List<Inspection.Timing> inspectorLatency(List<RgbImage> fill, List<RgbImage> timed, int bank,
            java.util.function.LongConsumer inUse) throws IOException {
        List<Inspection.Timing> timings = new ArrayList<>();
        try (MuSc musc = musc(); Inspector inspector = Inspector.builder(musc).bankSize(bank).build()) {
            for (int i = 0; i < fill.size(); i += setup.batch()) {
                inspector.inspect(fill.subList(i, Math.min(fill.size(), i + setup.batch())));
            }
            inUse.accept(PeakMemory.inUse(device));
            for (RgbImage part : timed) {
                timings.add(inspector.inspect(part).timing());
            }
            inUse.accept(PeakMemory.inUse(device));
        }
        return timings;
    }

    /** Image AUROC of scores against labels. */
    static double imageAuroc(int[] labels, double[] scores) {
        return RankingScores.of(labels, scores).auroc();
    }

    /** Pixel AUROC of S×S maps against masks. */
    static double pixelAuroc(int size, float[][] maps, byte[][] masks) {
        return PixelScores.of(PixelData.ofFloats(size, size, maps, masks)).ranking().auroc();
    }

    /**
     * Time of the fastest of {@code rounds} k×k×k products in {@code type} on {@code device}, as FLOP/s:
     * the ceiling a matrix product reaches there.
     */
    static double matmulPeak(Device device, int k, DataType type, int rounds) {
        try (NDManager m = NDManager.newBaseManager(device)) {
            NDArray a = m.randomNormal(new Shape(k, k)).toType(type, false);
            NDArray b = m.randomNormal(new Shape(k, k)).toType(type, false);
            await(a.matMul(b));
            double best = Double.MAX_VALUE;
            for (int i = 0; i < rounds; i++) {
                long t = System.nanoTime();
                try (NDArray c = a.matMul(b)) {
                    await(c);
                }
                best = Math.min(best, (System.nanoTime() - t) / 1e9);
            }
            return 2.0 * k * k * k / best;
        }
    }

    /** Waits until the device has computed {@code a}: reading one element synchronises its stream. */
    private static void await(NDArray a) {
        int dims = a.getShape().dimension();
        NDArray first = dims == 0 ? a : a.get(new NDIndex(String.join(",", Collections.nCopies(dims, "0"))));
        first.toType(DataType.FLOAT32, false).toFloatArray();
    }

    private static long lap(long[] nanos, int stage, long since) {
        long now = System.nanoTime();
        nanos[stage] += now - since;
        return now;
    }

    private static double[] flat(double[][] rows) {
        int width = rows.length == 0 ? 0 : rows[0].length;
        double[] out = new double[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * width, width);
        }
        return out;
    }

    private static float[] toFloats(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    @Override
    public void close() {
        root.close();
        vit.close();
    }
}
