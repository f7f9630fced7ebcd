package io.musc4j.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.musc4j.batch.Verdicts;
import io.musc4j.common.image.RgbImage;
import io.musc4j.datasets.Category;
import io.musc4j.datasets.DatasetFormat;
import io.musc4j.datasets.Datasets;
import io.musc4j.datasets.DecodedCategory;
import io.musc4j.datasets.Sample;
import io.musc4j.datasets.Warnings;
import io.musc4j.datasets.image.MaskPreprocessor;
import io.musc4j.datasets.output.HeatmapNorm;
import io.musc4j.datasets.output.Heatmaps;
import io.musc4j.datasets.output.ResultPaths;
import io.musc4j.datasets.output.ScoreRow;
import io.musc4j.datasets.output.ScoresCsv;
import io.musc4j.engine.MuSc;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.ScoredSet;
import io.musc4j.engine.StageListener.Stage;
import io.musc4j.engine.StageListener;
import io.musc4j.engine.metrics.MetricsEvaluator;
import io.musc4j.engine.metrics.PixelData;
import io.musc4j.engine.msm.FullMsm;
import io.musc4j.engine.msm.MsmInterval;
import io.musc4j.models.Precision;
import io.musc4j.engine.metrics.MetricsEvaluator;
import io.musc4j.engine.metrics.PixelData;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.engine.threshold.ThresholdRule;
import io.musc4j.models.VisionTransformer;
import io.musc4j.models.VitWeights;
import io.musc4j.models.preprocess.Preprocessing;
import io.musc4j.models.profile.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code musc bench speed}: one MuSc run over N synthetic MVTec-layout images with a full-size backbone
 * of random weights, timed stage by stage (decode, backbone, LNAMD, MSM, maps, RsCIN, metrics,
 * writing) in ms per image, with the process peak RSS and the MSM products' GFLOP/s beside this
 * machine's measured float32 matrix-product rate. It first prints the CPU model, its caches, the MSM
 * tile they give and whether the launcher's MKL remedy for AMD CPUs is loaded. The stages are those of
 * {@link MuSc}'s pipeline, timed by its {@link StageListener}, which runs them apart so that each can be
 * timed on its own (otherwise the pipeline streams LNAMD into MSM).
 */
@Command(name = "speed", mixinStandardHelpOptions = true,
        description = "Per-stage ms/image of a synthetic run with a full-size random-weight backbone.")
final class SpeedCommand implements Callable<Integer> {

    @Option(names = "--arch", defaultValue = "dinov2-base", description = "dinov2-base (ViT-B/14) or clip-large-336 (ViT-L/14)")
    String arch;
    @Option(names = "--image-size", description = "network input S (default 224 for dinov2-base, 336 for clip-large-336; 518 is the paper's)")
    Integer imageSize;
    @Option(names = "--images", defaultValue = "40", description = "N")
    int images;
    @Option(names = "--layers", split = ",", description = "tapped blocks (default: 4 evenly spaced, ending at the last)")
    int[] layers;
    @Option(names = "--degrees", split = ",", defaultValue = "1,3,5")
    List<Integer> degrees;
    @Option(names = "--batch", defaultValue = "8", description = "images per backbone pass (musc run's default)")
    int batch;
    @Option(names = "--budget-mib", defaultValue = "1024", description = "MSM tile workspace budget")
    long budgetMiB;
    @Option(names = "--precision", defaultValue = "fp32", converter = PrecisionName.class,
            description = "fp32 or bf16 (the backbone in bfloat16: CPUs with bfloat16 products)")
    Precision precision = Precision.FP32;

    /** Reads a precision as the CLI writes it (fp32, bf16). */
    static final class PrecisionName implements picocli.CommandLine.ITypeConverter<Precision> {
        @Override
        public Precision convert(String value) {
            return Precision.valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** What one run measured: per stage its wall time, and the MSM products' work and rate. */
    record Measured(int images, Map<String, Long> nanos, double msmFlops, double peakGflops) {

        double msPerImage(String stage) {
            return nanos.getOrDefault(stage, 0L) / 1e6 / images;
        }

        double totalMsPerImage() {
            return nanos.values().stream().mapToLong(Long::longValue).sum() / 1e6 / images;
        }

        double msmGflops() {
            return msmFlops / (nanos.get("MSM") / 1e9) / 1e9;
        }
    }

    /** The pipeline's stages under the names this table prints. */
    private static final Map<Stage, String> STAGES = Map.of(Stage.BACKBONE, "backbone", Stage.AGGREGATION, "LNAMD",
            Stage.SCORING, "MSM", Stage.MAPS, "maps", Stage.RESCORING, "RsCIN");

    private final Map<String, Long> cpu = new LinkedHashMap<>();
    private long lastTicks;
    /** When the last stage ended. */
    private long clock;

    @Override
    public Integer call() throws Exception {
        measure(true);
        System.out.printf("peak RSS (VmHWM) %.0f MiB; peak GPU memory %s%n", ProcStatus.vmHwmKiB() / 1024.0,
                ai.djl.engine.Engine.getInstance().defaultDevice().isGpu()
                        ? "n/a (DJL exposes no peak-allocation counter)" : "n/a (CPU run)");
        return 0;
    }

    /** One run; with {@code print}, the machine, the table of stages and the MSM rate as it goes. */
    Measured measure(boolean print) throws Exception {
        java.io.PrintStream log = print ? System.out : new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        Architectures a = Architectures.parse(arch);
        ModelConfig cfg = a.config();
        int size = imageSize != null ? imageSize : (a == Architectures.DINOV2_BASE ? 224 : 336);
        Path tmp = Files.createTempDirectory("musc-bench-speed");
        SyntheticCategory.write(tmp, "ceramic_tile", images, 20240126L);
        Map<String, Long> nanos = new LinkedHashMap<>();
        Device device = ai.djl.engine.Engine.getInstance().defaultDevice();
        log.printf("musc bench speed: %s at %d², N=%d, degrees %s, batch %d, %s, device %s, %d CPU(s), "
                        + "%s%n", a.cliName(), size, images, degrees, batch,
                precision.name().toLowerCase(java.util.Locale.ROOT), device,
                Runtime.getRuntime().availableProcessors(), MachineInfo.allocator());
        long patches = (long) (size / cfg.patchSize()) * (size / cfg.patchSize());
        if (print) {
            MachineInfo.print(patches, cfg.hiddenSize(),
                    new FullMsm(MsmInterval.DEFAULT, budgetMiB << 20, Precision.FP32).kernel(patches, cfg.hiddenSize()));
        }
        double peak = matmulPeak(device);
        NDManager weights = NDManager.newBaseManager(device);
        Measured measured;
        try (VisionTransformer vit = new VisionTransformer(cfg, VitWeights.random(cfg, weights, precision.dataType(), 42),
                weights, precision.dataType(), size)) {
            int[] taps = layers != null ? layers : vit.spec().defaultTaps();
            long t = System.nanoTime();
            lastTicks = ProcStatus.cpuTicks();
            Warnings warnings = new Warnings(m -> System.err.println("warning: " + m));
            Category category = Datasets.categories(DatasetFormat.MVTEC, tmp, List.of("ALL"), warnings).get(0);
            Preprocessing pre = cfg.profile().preprocessing();
            DecodedCategory decoded = Datasets.decode(category, img -> pre.resize(img, size), warnings);
            List<RgbImage> imgs = decoded.images();
            t = lap(nanos, "decode", t);

            MuscConfig config = MuscConfig.builder().imageSize(size).layers(taps).degrees(degrees).batchSize(batch)
                    .precision(precision).memoryBudgetBytes(budgetMiB << 20).tokenBudgetBytes(Long.MAX_VALUE)
                    .rscin(RscinWindows.Family.MVTEC_AD.windows()).build();
            clock = t;
            // the pipeline runs the stages apart and says when each ends
            StageListener timer = new StageListener() {
                @Override
                public void finished(Stage stage) {
                    clock = lap(nanos, STAGES.get(stage), clock);
                }

                @Override
                public boolean separatesStages() {
                    return true;
                }
            };
            try (MuSc musc = MuSc.builder().config(config).backbone(vit).stages(timer).build()) {
                ScoredSet set = musc.scoreImages(imgs);
                t = clock;
                float[][] maps = set.maps();
                t = lap(nanos, "maps", t);
                double[] before = set.mapMax();
                float[] after = set.scores();
                int n = imgs.size();
                int grid = vit.spec().grid(size);
                long l = (long) grid * grid;
                boolean byLayer = musc.pipeline().scoresLayers(n, grid, grid, cfg.hiddenSize(), device);
                int perProduct = byLayer ? degrees.size() : 1;
                int products = byLayer ? taps.length : musc.pipeline().passes(taps.length).size();
                double flops = products * ScoringBench.msmFlops(n, l, cfg.hiddenSize());
                log.printf("MSM: %s%n", perProduct > 1
                        ? "every degree of a layer from one product (box sums of the layer-normed map's products)"
                        : "one product per pass");

                List<Sample> samples = decoded.category().samples();
                byte[][] masks = new byte[n][];
                int[] labels = new int[n];
                double[] scores = new double[n];
                for (int i = 0; i < n; i++) {
                    masks[i] = MaskPreprocessor.load(samples.get(i).mask(), size, DatasetFormat.MVTEC.maskRule());
                    labels[i] = samples.get(i).label().getAsInt();
                    scores[i] = after[i];
                }
                MetricsEvaluator.evaluate(labels, scores, PixelData.ofFloats(size, size, maps, masks));
                t = lap(nanos, "metrics", t);

                Path out = tmp.resolve("out");
                List<ScoreRow> rows = new ArrayList<>();
                List<String> keys = ResultPaths.keys(samples);
                Verdicts verdicts = Verdicts.of(before, ThresholdRule.DEFAULT);
                HeatmapNorm whole = HeatmapNorm.of(List.of(maps));
                for (int i = 0; i < n; i++) {
                    Sample s = samples.get(i);
                    rows.add(new ScoreRow(s.relativePath(), s.label(), after[i], before[i], verdicts.threshold(),
                            ThresholdRule.DEFAULT.canonical(), verdicts.anomalous(i)));
                    Heatmaps.write(ResultPaths.heatmap(out, keys.get(i)), imgs.get(i), maps[i], size, size, whole,
                            masks[i], null, Double.NaN);
                }
                Files.createDirectories(out);
                ScoresCsv.write(out.resolve("scores.csv"), rows);
                lap(nanos, "writing", t);

                long total = nanos.values().stream().mapToLong(Long::longValue).sum();
                long cpuTotal = cpu.values().stream().mapToLong(Long::longValue).sum();
                log.printf("%-9s %10s %8s %14s%n", "stage", "ms/image", "share", "CPU ms/image");
                nanos.forEach((stage, ns) -> log.printf("%-9s %10.1f %7.1f%% %14.1f%n", stage, ns / 1e6 / n,
                        100.0 * ns / total, cpu.get(stage) * 1000 / ScoringBench.TICKS_PER_SECOND / n));
                log.printf("%-9s %10.1f %8s %14.1f   (%.2f s wall for N=%d; taps %s, grid %dx%d)%n", "total",
                        total / 1e6 / n, "", cpuTotal * 1000 / ScoringBench.TICKS_PER_SECOND / n, total / 1e9, n,
                        Arrays.toString(taps), grid, grid);
                double msmRate = flops / (nanos.get("MSM") / 1e9) / 1e9;
                // the peak again after the stages: on a shared or throttling machine one probe can fall low,
                // and the higher of the two is the conservative ceiling
                double peakAfter = matmulPeak(device);
                log.printf("MSM products: %.1f GFLOP in %.2f s = %.1f GFLOP/s; float32 matmul peak measured here "
                        + "%.1f GFLOP/s (before %.1f, after %.1f the stages; MSM at %.0f%% of the higher)%n", flops / 1e9,
                        nanos.get("MSM") / 1e9, msmRate, Math.max(peak, peakAfter), peak, peakAfter,
                        100 * msmRate / Math.max(peak, peakAfter));
                measured = new Measured(n, nanos, flops, Math.max(peak, peakAfter));
                if (perProduct > 1) {
                    // what one product per degree would have had to compute at the same time
                    log.printf("  one product per degree would be %.1f GFLOP: %.1f GFLOP/s equivalent, %.0f%% of"
                            + " the peak%n", perProduct * flops / 1e9, perProduct * msmRate,
                            100 * perProduct * msmRate / Math.max(peak, peakAfter));
                }
            }
        } finally {
            SyntheticCategory.deleteTree(tmp);
        }
        return measured;
    }

    /** Adds the wall time since {@code since} to {@code stage}, and the process CPU time since the last lap. */
    private long lap(Map<String, Long> nanos, String stage, long since) {
        long now = System.nanoTime();
        long ticks = ProcStatus.cpuTicks();
        nanos.merge(stage, now - since, Long::sum);
        cpu.merge(stage, ticks - lastTicks, Long::sum);
        lastTicks = ticks;
        return now;
    }

    private static double max(float[] v) {
        float m = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    /** Best of five 2048³ float32 products, in GFLOP/s: the ceiling any matmul here can reach. */
    static double matmulPeak(Device device) {
        return PipelineProbe.matmulPeak(device, 2048, DataType.FLOAT32, 5) / 1e9;
    }
}
