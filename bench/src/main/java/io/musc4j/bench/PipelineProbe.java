package io.musc4j.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.FeatureExtractor;
import io.musc4j.engine.MemoryPlan;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.MuscPipeline;
import io.musc4j.engine.MuscResult;
import io.musc4j.engine.StageListener;
import io.musc4j.engine.StageListener.Stage;
import io.musc4j.engine.PatchTokens;
import io.musc4j.engine.ProgressListener;
import io.musc4j.engine.inspect.Inspection;
import io.musc4j.engine.inspect.Inspector;
import io.musc4j.engine.metrics.PixelData;
import io.musc4j.engine.metrics.PixelScores;
import io.musc4j.engine.metrics.RankingScores;
import io.musc4j.models.Precision;
import io.musc4j.engine.msm.Pass;
import io.musc4j.engine.msm.ScoringPlan;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.engine.store.ResidentTokens;
import io.musc4j.engine.store.TokenStore;
import io.musc4j.models.VisionTransformer;
import io.musc4j.models.VitWeights;
import io.musc4j.models.profile.ModelConfig;
import java.io.IOException;
import java.util.ArrayList;
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
    private final Precision precision;
    private final VisionTransformer vit;
    private final NDManager root;
    private final long weightBytes;

    /**
     * A backbone with the random weights of {@code seed} on {@code device}: the same seed gives the
     * same weights on every device (drawn in Java, then copied to the device and cast). The command
     * has checked its precision against the device ({@link io.musc4j.models.BackboneOptions.DeviceChoice#checkRuns}).
     */
    PipelineProbe(Setup setup, Device device, Precision precision, long seed) {
        this.setup = setup;
        this.device = device;
        this.precision = precision;
        ModelConfig cfg = setup.arch().config();
        DataType type = precision.dataType();
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

    Precision precision() {
        return precision;
    }

    /** Bytes of the backbone's weights on the device. */
    long weightBytes() {
        return weightBytes;
    }

    private MuscConfig config(boolean keepLayerScores) {
        return MuscConfig.builder().imageSize(setup.size()).layers(setup.taps()).degrees(setup.degrees()).rscin(RSCIN)
                .batchSize(setup.batch()).memoryBudgetBytes(setup.budgetBytes())
                .tokenBudgetBytes(setup.tokenBudgetBytes()).precision(precision).keepLayerScores(keepLayerScores)
                .build();
    }

    private MuscPipeline pipeline(boolean keepLayerScores) {
        return new MuscPipeline(config(keepLayerScores));
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

        /** Layer {@code i}'s aggregated features (LNAMD), per degree (N, L, C) float32 on the host. */
        float[][] lnamd(int layer) {
            MuscPipeline pipeline = pipeline(false);
            TokenStore store = new ResidentTokens(tokens.layers(), tokens.gridH(), tokens.gridW());
            float[][] out = new float[pipeline.aggregation().featureSets().size()][];
            for (int set = 0; set < out.length; set++) {
                try (NDManager scope = root.newSubManager()) {
                    out[set] = pipeline.features(store, new Pass(layer, set)).read(0, store.images(), scope)
                            .toFloatArray();
                }
            }
            return out;
        }

        /** MuSc's scoring of the set (MSM per layer and degree, means, maps, RsCIN) as the engine composes it. */
        Scored score() {
            MuscResult r = pipeline(true).score(tokens.layers(), tokens.gridH(), tokens.gridW(), tokens.imageFeatures());
            int n = r.images();
            double[][][] msm = new double[setup.degrees().size()][setup.taps().length][];
            for (int d = 0; d < msm.length; d++) {
                for (int l = 0; l < msm[d].length; l++) {
                    msm[d][l] = flat(r.msm(setup.degrees().get(d), l).orElseThrow());
                }
            }
            float[][] maps;
            try (NDManager scope = root.newSubManager()) {
                maps = r.pixelMaps(0, n, scope).maps();
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
     * Wall time of each stage over a set, the stages of {@link MuscPipeline} run apart, each waited for
     * before the next starts ({@link StageListener#separatesStages}), so the times are the device's.
     *
     * @param nanos per stage: backbone, LNAMD, MSM, maps, RsCIN
     * @param msmFlops the MSM products' FLOP count (each unordered pair once, as {@code bench scoring} counts)
     * @param setsPerProduct feature sets each product served (the degrees where MSM scores by layer)
     * @param plan MSM's plan for one pass
     */
    record StageTimes(long[] nanos, double msmFlops, int setsPerProduct, ScoringPlan plan) {
        /** The names of {@link StageListener.Stage}s, in their order. */
        static final String[] NAMES = {"backbone", "LNAMD", "MSM", "maps", "RsCIN"};
    }

    /** Runs the stages one by one over {@code images} and times them (the pipeline's stage ends). */
    StageTimes timeStages(List<RgbImage> images) throws IOException {
        long[] nanos = new long[StageTimes.NAMES.length];
        long[] clock = {0};
        StageListener timer = new StageListener() {
            @Override
            public void finished(Stage stage) {
                clock[0] = lap(nanos, stage.ordinal(), clock[0]);
            }

            @Override
            public boolean separatesStages() {
                return true;
            }
        };
        int n = images.size();
        int grid = setup.grid();
        long channels = setup.arch().config().hiddenSize();
        try (MuSc musc = musc(timer)) {
            MuscPipeline pipeline = musc.pipeline();
            ScoringPlan plan = pipeline.scorer(grid, grid).plan(n, setup.patches(), channels, device);
            boolean byLayer = pipeline.scoresLayers(n, grid, grid, channels, device);
            int products = byLayer ? setup.taps().length : pipeline.passes(setup.taps().length).size();
            clock[0] = System.nanoTime();
            musc.scoreImages(images);
            return new StageTimes(nanos, products * ScoringBench.msmFlops(n, setup.patches(), channels),
                    byLayer ? setup.degrees().size() : 1, plan);
        }
    }

    /** The whole pipeline as a user runs it ({@link MuSc#scoreImages}): its final scores, and the plan's peak. */
    float[] scoreAsUser(List<RgbImage> images) throws IOException {
        try (MuSc musc = musc()) {
            return musc.scoreImages(images).scores();
        }
    }

    /** What {@link MemoryPlan} predicts for scoring {@code n} images in the way {@link MuSc} does. */
    MemoryPlan memoryPlan(int n) {
        long bytes = (long) n * setup.taps().length * (1 + setup.patches()) * setup.arch().config().hiddenSize() * Float.BYTES;
        return MemoryPlan.of(n, setup.patches(), setup.arch().config().hiddenSize(), setup.taps().length,
                config(false), Float.BYTES, bytes <= setup.tokenBudgetBytes(), device);
    }

    private MuSc musc() throws IOException {
        return musc(StageListener.none());
    }

    private MuSc musc(StageListener stages) throws IOException {
        return MuSc.builder().config(config(false)).backbone(vit).stages(stages).imageDecoder(file -> {
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
        a.get(new ai.djl.ndarray.index.NDIndex("0, 0")).toType(DataType.FLOAT32, false).toFloatArray();
    }

    /** Adds the time since {@code since} to a stage. */
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
