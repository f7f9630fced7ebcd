package io.musc4j.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.util.cuda.CudaUtils;
import io.musc4j.common.image.RgbImage;
import io.musc4j.engine.inspect.Inspection;
import io.musc4j.models.Precision;
import io.musc4j.models.BackboneOptions.DeviceChoice;
import io.musc4j.models.BackboneSpec;
import io.musc4j.models.CudaCompatibility;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code musc bench gpu-check}: whether musc4j on a device gives the CPU's numbers, and how fast,
 * with nothing but this program: no dataset (the images are {@link PlantedDefects} made in Java),
 * no download (backbones of the real sizes with random weights), no image library.
 *
 * <ul>
 *   <li><b>parity</b>: the whole pipeline over the same 24 images on the CPU in float32 and on the
 *       device, compared stage by stage (tokens, LNAMD, MSM, patch map, pixel maps, scores before
 *       and after RsCIN). float32 must agree within {@value #FP32_TOLERANCE} in scores and maps, or
 *       the command exits with 1; fp16 prints its drift, including image and pixel AUROC on the
 *       planted defects.</li>
 *   <li><b>speed</b>: per-stage ms/image over N images, MSM's achieved FLOP rate beside a matrix
 *       product's measured in the same run, peak memory; then the whole pipeline as a user runs it,
 *       with what the memory plan predicts.</li>
 *   <li><b>inspector</b>: the factory line's latency per part against a full bank of M parts, for a
 *       ViT-B/14 at 224 and for the chosen backbone.</li>
 * </ul>
 * On a GPU the defaults are the paper's shape (CLIP ViT-L/14-336 at 518, N = 200, M = 64); with
 * {@code --device cpu} a toy shape that runs in seconds, for CI.
 */
@Command(name = "gpu-check", mixinStandardHelpOptions = true,
        description = "CPU-vs-device parity and device speed of the whole pipeline, with generated images and "
                + "random-weight backbones (no dataset, no download, no OpenCV).")
final class GpuCheckCommand implements Callable<Integer> {

    /** Largest |Δ| of float32 scores and maps between the CPU and the device. */
    static final double FP32_TOLERANCE = 1e-4;
    private static final long SEED = 20240126L;
    private static final long WEIGHT_SEED = 42;
    private static final double GIB = 1024.0 * 1024 * 1024;

    enum Section { PARITY, SPEED, INSPECTOR }

    @Option(names = "--device", defaultValue = "gpu", description = "gpu, gpu:K or cpu (cpu: a toy shape, for CI)")
    String device;
    @Option(names = "--arch", description = "backbone (default clip-large-336 on a GPU, tiny on the CPU)")
    String arch;
    @Option(names = "--size", description = "network input S (default 518 on a GPU, 112 on the CPU)")
    Integer size;
    @Option(names = "--layers", split = ",", description = "tapped blocks (default: four evenly spaced, ending at the last)")
    int[] layers;
    @Option(names = "--degrees", split = ",", defaultValue = "1,3,5")
    List<Integer> degrees;
    @Option(names = "--images", description = "N of the speed run (default 200 on a GPU, 8 on the CPU)")
    Integer images;
    @Option(names = "--parity-images", defaultValue = "24")
    int parityImages;
    @Option(names = "--bank", description = "Inspector bank size M (default 64 on a GPU, 8 on the CPU)")
    Integer bank;
    @Option(names = "--parts", description = "timed Inspector parts (default 20 on a GPU, 3 on the CPU)")
    Integer parts;
    @Option(names = "--batch", defaultValue = "8", description = "images per backbone pass")
    int batch;
    @Option(names = "--precision", split = ",", description = "fp32 and/or fp16 (default both on a GPU, fp32 on the CPU)")
    List<String> precisions;
    @Option(names = "--sections", split = ",", defaultValue = "parity,speed,inspector")
    List<String> sections;
    @Option(names = "--budget-mib", description = "MSM workspace budget (default 16384 on a GPU, 1024 on the CPU)")
    Long budgetMiB;
    @Option(names = "--token-budget-mib", defaultValue = "65536",
            description = "largest token set MuSc keeps in memory before spilling to a file")
    long tokenBudgetMiB;
    @Option(names = "--peak-size", description = "k of the k³ matrix products of the peak rate (default 8192 on a GPU, 512 on the CPU)")
    Integer peakSize;

    private Device dev;
    private final List<String> failures = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        dev = parseDevice(device);
        boolean gpu = dev.isGpu();
        Architectures a = Architectures.parse(arch != null ? arch : gpu ? "clip-large-336" : "tiny");
        int s = size != null ? size : gpu ? 518 : 112;
        List<Precision> precisionList = precisions(dev);
        Set<Section> todo = sections();
        int[] taps = layers != null ? layers.clone() : defaultTaps(a);
        long budget = (budgetMiB != null ? budgetMiB : gpu ? 16384 : 1024) << 20;
        PipelineProbe.Setup setup = new PipelineProbe.Setup(a, s, taps, List.copyOf(degrees), batch, budget,
                tokenBudgetMiB << 20);
        header(setup, precisionList);
        double[] peaks = new double[precisionList.size()];
        for (int i = 0; i < precisionList.size(); i++) {
            Precision p = precisionList.get(i);
            peaks[i] = PipelineProbe.matmulPeak(dev, peakSize != null ? peakSize : gpu ? 8192 : 512, p.dataType(), 5);
            System.out.printf("matmul peak on %s, %s: %s%n", dev, name(p), rate(peaks[i]));
        }
        try (CpuReference cpu = todo.contains(Section.PARITY) ? new CpuReference(setup) : null) {
            for (int i = 0; i < precisionList.size(); i++) {
                Precision p = precisionList.get(i);
                double peak = peaks[i];
                try (PipelineProbe probe = new PipelineProbe(setup, dev, p, WEIGHT_SEED)) {
                    if (cpu != null) {
                        section("parity", p, () -> {
                            if (!parity(cpu, probe) && p == Precision.FP32) {
                                failures.add("float32 on " + dev + " differs from the CPU by more than "
                                        + FP32_TOLERANCE);
                            }
                        });
                    }
                    if (todo.contains(Section.SPEED)) {
                        section("speed", p, () -> speed(probe, setup, peak));
                    }
                    if (todo.contains(Section.INSPECTOR)) {
                        section("inspector", p, () -> inspector(probe, setup));
                    }
                }
            }
        }
        if (todo.contains(Section.INSPECTOR) && gpu && a != Architectures.DINOV2_BASE) {
            PipelineProbe.Setup line = new PipelineProbe.Setup(Architectures.DINOV2_BASE, 224,
                    defaultTaps(Architectures.DINOV2_BASE), setup.degrees(), batch, budget, setup.tokenBudgetBytes());
            for (Precision p : precisionList) {
                try (PipelineProbe probe = new PipelineProbe(line, dev, p, WEIGHT_SEED)) {
                    section("inspector", p, () -> inspector(probe, line));
                }
            }
        }
        if (!failures.isEmpty()) {
            System.out.println("gpu-check: FAILED: " + String.join("; ", failures));
            return 1;
        }
        return 0;
    }

    /** A section of the check; one that fails is reported and the others still run (a GPU run is scarce). */
    @FunctionalInterface
    private interface Work {
        void run() throws IOException;
    }

    private void section(String name, Precision p, Work work) {
        try {
            work.run();
        } catch (IOException | RuntimeException e) {
            if (Boolean.getBoolean("musc.verbose")) {
                e.printStackTrace(System.out);
            }
            String message = name + " " + name(p) + " on " + dev + ": " + e;
            System.out.println("gpu-check: " + message);
            failures.add(message);
        }
    }

    private void header(PipelineProbe.Setup setup, List<Precision> precisionList) {
        Engine engine = Engine.getInstance();
        System.out.printf("musc bench gpu-check: device %s (%s), %s %s, %d GPU(s) visible, %d CPU(s), "
                        + "NVIDIA_TF32_OVERRIDE=%s, THP_MEM_ALLOC_ENABLE=%s%n", dev, describe(dev), engine.getEngineName(),
                engine.getVersion(), engine.getGpuCount(), Runtime.getRuntime().availableProcessors(),
                System.getenv("NVIDIA_TF32_OVERRIDE"), System.getenv("THP_MEM_ALLOC_ENABLE"));
        System.out.printf("shape: %s at %d² (grid %d×%d, L=%d, C=%d), taps %s, degrees %s, batch %d, precision %s; "
                        + "MSM budget %d MiB%n", setup.arch().cliName(), setup.size(), setup.grid(), setup.grid(),
                setup.patches(), setup.arch().config().hiddenSize(), Arrays.toString(setup.taps()), setup.degrees(),
                setup.batch(), precisionList.stream().map(GpuCheckCommand::name).toList(), setup.budgetBytes() >> 20);
    }

    /** The CPU float32 side of the parity check, extracted and scored once for every device precision. */
    private final class CpuReference implements AutoCloseable {
        final PipelineProbe.Setup setup;
        final PipelineProbe probe;
        final PipelineProbe.Extracted tokens;
        final PipelineProbe.Scored scored;
        final List<PlantedDefects.Part> parts;

        CpuReference(PipelineProbe.Setup setup) throws IOException {
            this.setup = setup;
            parts = PlantedDefects.make(parityImages, setup.size(), SEED);
            probe = new PipelineProbe(setup, Device.cpu(), Precision.FP32, WEIGHT_SEED);
            try {
                long t = System.nanoTime();
                tokens = probe.extract(images(parts));
                scored = tokens.score();
                System.out.printf("CPU reference: %d images extracted and scored in %.1f s%n", parts.size(),
                        (System.nanoTime() - t) / 1e9);
            } catch (IOException | RuntimeException e) {
                probe.close();
                throw e;
            }
        }

        @Override
        public void close() {
            tokens.close();
            probe.close();
        }
    }

    /** Prints the stage-by-stage comparison; true when scores and maps agree within {@link #FP32_TOLERANCE}. */
    private boolean parity(CpuReference cpu, PipelineProbe probe) throws IOException {
        Precision p = probe.precision();
        List<PlantedDefects.Part> parts = cpu.parts;
        System.out.printf("%n== parity: %d planted-defect images (%d defective), cpu fp32 vs %s %s ==%n", parts.size(),
                parts.stream().filter(x -> x.label() == 1).count(), dev, name(p));
        System.out.printf("%-28s %12s %12s%n", "stage", "max|Δ|", "max|cpu|");
        PipelineProbe.Scored s;
        try (PipelineProbe.Extracted tokens = probe.extract(images(parts))) {
            int[] taps = cpu.setup.taps();
            for (int l = 0; l < taps.length; l++) {
                float[] ref = cpu.tokens.tokens(l);
                row("tokens, block " + taps[l], Deltas.maxAbs(ref, tokens.tokens(l)), Deltas.maxAbs(ref));
                float[][] zr = cpu.tokens.lnamd(l);
                float[][] zd = tokens.lnamd(l);
                for (int r = 0; r < zr.length; r++) {
                    row("LNAMD, block " + taps[l] + ", r=" + degrees.get(r), Deltas.maxAbs(zr[r], zd[r]),
                            Deltas.maxAbs(zr[r]));
                }
            }
            s = tokens.score();
            for (int r = 0; r < s.msm().length; r++) {
                for (int l = 0; l < s.msm()[r].length; l++) {
                    row("MSM, block " + taps[l] + ", r=" + degrees.get(r), Deltas.maxAbs(cpu.scored.msm()[r][l],
                            s.msm()[r][l]), Deltas.maxAbs(cpu.scored.msm()[r][l]));
                }
            }
        }
        PipelineProbe.Scored c = cpu.scored;
        row("patch map", Deltas.maxAbs(c.patchMap(), s.patchMap()), Deltas.maxAbs(c.patchMap()));
        double dMap = Deltas.maxAbs(c.maps(), s.maps());
        row("pixel maps", dMap, max(c.maps()));
        double dBefore = Deltas.maxAbs(c.before(), s.before());
        row("scores before RsCIN", dBefore, Deltas.maxAbs(c.before()));
        double dAfter = Deltas.maxAbs(c.after(), s.after());
        row("scores after RsCIN", dAfter, Deltas.maxAbs(c.after()));
        int[] labels = parts.stream().mapToInt(PlantedDefects.Part::label).toArray();
        byte[][] masks = parts.stream().map(PlantedDefects.Part::mask).toArray(byte[][]::new);
        int size = parts.get(0).image().width();
        System.out.printf("image AUROC (after RsCIN) cpu %.4f, %s %.4f; pixel AUROC cpu %.4f, %s %.4f%n",
                PipelineProbe.imageAuroc(labels, toDoubles(c.after())), name(p),
                PipelineProbe.imageAuroc(labels, toDoubles(s.after())),
                PipelineProbe.pixelAuroc(size, c.maps(), masks), name(p), PipelineProbe.pixelAuroc(size, s.maps(), masks));
        double dScore = Math.max(dBefore, dAfter);
        if (p != Precision.FP32) {
            System.out.printf("%s drift: max|Δscore| %.3e, max|Δmap| %.3e (no tolerance: fp16 is not the reference's "
                    + "arithmetic)%n", name(p), dScore, dMap);
            return true;
        }
        boolean ok = dScore <= FP32_TOLERANCE && dMap <= FP32_TOLERANCE;
        System.out.printf("fp32 parity: max|Δscore| %.3e, max|Δmap| %.3e (limit %.0e): %s%n", dScore, dMap,
                FP32_TOLERANCE, ok ? "PASS" : "FAIL");
        return ok;
    }

    private void speed(PipelineProbe probe, PipelineProbe.Setup setup, double peak) throws IOException {
        int n = images != null ? images : dev.isGpu() ? 200 : 8;
        List<RgbImage> set = images(PlantedDefects.make(n, setup.size(), SEED + 1));
        String p = name(probe.precision());
        System.out.printf("%n== speed: N=%d, %s %s ==%n", n, dev, p);
        PipelineProbe.StageTimes times;
        try (PeakMemory memory = PeakMemory.start(dev)) {
            times = probe.timeStages(set);
            System.out.printf("%-9s %10s%n", "stage", "ms/image");
            long total = 0;
            for (int i = 0; i < times.nanos().length; i++) {
                System.out.printf("%-9s %10.2f%n", PipelineProbe.StageTimes.NAMES[i], times.nanos()[i] / 1e6 / n);
                total += times.nanos()[i];
            }
            System.out.printf("%-9s %10.2f   (stages run one after another, each waited for)%n", "total", total / 1e6 / n);
            double msmSeconds = times.nanos()[2] / 1e9;
            double rate = times.msmFlops() / msmSeconds;
            System.out.printf("MSM products: %s in %.2f s = %s, %.0f%% of the %s matmul peak "
                            + "measured above; plan: %s, tiles of %d query images (%d patches) x %d reference images%n",
                    amount(times.msmFlops()), msmSeconds, rate(rate), 100 * rate / peak, p,
                    times.plan().symmetric() ? "symmetric store" : "query blocks of " + times.plan().rowsPerBlock(),
                    times.plan().tile().queryImages(), times.plan().tile().queryPatches(),
                    times.plan().tile().referenceImages());
            if (times.setsPerProduct() > 1) {
                System.out.printf("  each product served %d degrees (box sums): %s equivalent of one product per degree%n",
                        times.setsPerProduct(), rate(rate * times.setsPerProduct()));
            }
            System.out.println("stages: " + memory.describe());
        }
        try (PeakMemory memory = PeakMemory.start(dev)) {
            long t = System.nanoTime();
            probe.scoreAsUser(set);
            double ms = (System.nanoTime() - t) / 1e6 / n;
            System.out.printf("whole pipeline (MuSc.scoreImages, backbone to RsCIN): %.2f ms/image; %s%n", ms,
                    memory.describe());
            System.out.printf("memory plan: scoring peak %.3f GiB + backbone weights %.3f GiB (not counted: one "
                    + "backbone batch, the runtime)%n", probe.memoryPlan(n).peakBytes() / GIB, probe.weightBytes() / GIB);
        }
    }

    private void inspector(PipelineProbe probe, PipelineProbe.Setup setup) throws IOException {
        int m = bank != null ? bank : dev.isGpu() ? 64 : 8;
        int timed = parts != null ? parts : dev.isGpu() ? 20 : 3;
        List<RgbImage> fill = images(PlantedDefects.make(m, setup.size(), SEED + 2));
        List<RgbImage> line = images(PlantedDefects.make(timed, setup.size(), SEED + 3));
        List<Long> inUse = new ArrayList<>();
        List<Inspection.Timing> t = probe.inspectorLatency(fill, line, m, inUse::add);
        System.out.printf("%n== inspector: %s at %d, M=%d, %s %s; median of %d single-part calls ==%n",
                setup.arch().cliName(), setup.size(), m, dev, name(probe.precision()), timed);
        System.out.printf("ms per part: backbone %.2f | LNAMD %.2f | bank scoring %.2f | map+regions %.2f | admit %.2f"
                        + " | total %.2f%n", median(t, Inspection.Timing::backboneNanos),
                median(t, Inspection.Timing::lnamdNanos), median(t, Inspection.Timing::bankScoringNanos),
                median(t, Inspection.Timing::mapNanos), median(t, Inspection.Timing::admitNanos),
                median(t, Inspection.Timing::totalNanos));
        System.out.printf("%s in use: %.3f GiB with the bank full, %.3f GiB after the %d timed parts (growth would be a"
                + " leak per part)%n", dev.isGpu() ? "device memory" : "RSS", inUse.get(0) / GIB, inUse.get(1) / GIB, timed);
    }

    /** A FLOP count in TFLOP, or GFLOP when smaller. */
    static String amount(double flops) {
        return flops >= 1e12 ? String.format("%.2f TFLOP", flops / 1e12) : String.format("%.3f GFLOP", flops / 1e9);
    }

    /** A FLOP rate in the unit that reads best: GFLOP/s on a CPU, TFLOP/s on a GPU. */
    static String rate(double flopsPerSecond) {
        return flopsPerSecond >= 1e12 ? String.format("%.2f TFLOP/s", flopsPerSecond / 1e12)
                : String.format("%.1f GFLOP/s", flopsPerSecond / 1e9);
    }

    private static double median(List<Inspection.Timing> timings, ToLongFunction<Inspection.Timing> stage) {
        double[] ms = timings.stream().mapToDouble(x -> stage.applyAsLong(x) / 1e6).sorted().toArray();
        return ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
    }

    private static void row(String stage, double delta, double scale) {
        System.out.printf("%-28s %12.3e %12.3e%n", stage, delta, scale);
    }

    private static double max(float[][] maps) {
        double m = 0;
        for (float[] map : maps) {
            m = Math.max(m, Deltas.maxAbs(map));
        }
        return m;
    }

    private static double[] toDoubles(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static List<RgbImage> images(List<PlantedDefects.Part> parts) {
        return parts.stream().map(PlantedDefects.Part::image).toList();
    }

    private static int[] defaultTaps(Architectures a) {
        return BackboneSpec.of(a.config()).defaultTaps();
    }

    private static String name(Precision p) {
        return p.name().toLowerCase(Locale.ROOT);
    }

    private List<Precision> precisions(Device parsed) {
        boolean gpu = parsed.isGpu();
        List<String> names = precisions != null ? precisions : gpu ? List.of("fp32", "fp16") : List.of("fp32");
        List<Precision> out = new ArrayList<>();
        for (String n : names) {
            Precision p = switch (n.trim().toLowerCase(Locale.ROOT)) {
                case "fp32" -> Precision.FP32;
                case "fp16" -> Precision.FP16;
                default -> throw new IllegalArgumentException("--precision: expected fp32 or fp16, got '" + n + "'");
            };
            try {
                DeviceChoice.of(parsed).checkRuns(p);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--precision: " + e.getMessage());
            }
            out.add(p);
        }
        return out;
    }

    private Set<Section> sections() {
        Set<Section> out = EnumSet.noneOf(Section.class);
        for (String s : sections) {
            try {
                out.add(Section.valueOf(s.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--sections: expected parity, speed or inspector, got '" + s + "'");
            }
        }
        return out;
    }

    /**
     * {@code cpu}, {@code gpu} (GPU 0) or {@code gpu:K}; a GPU DJL does not see, or one the natives cannot
     * drive ({@link CudaCompatibility}), is a one-line error.
     */
    static Device parseDevice(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return Device.cpu();
        }
        int id;
        if (t.equals("gpu")) {
            id = 0;
        } else if (t.matches("gpu:\\d+")) {
            id = Integer.parseInt(t.substring(4));
        } else {
            throw new IllegalArgumentException("--device: expected cpu, gpu or gpu:K, got '" + text + "'");
        }
        int visible = Engine.getInstance().getGpuCount();
        if (id >= visible) {
            throw new IllegalArgumentException("--device " + text + ": DJL sees " + visible + " GPU(s) (CPU-only "
                    + "natives, no CUDA driver, or, with the GPU kit, no libcudart on jna.library.path)");
        }
        Device gpu = Device.gpu(id);
        CudaCompatibility.check(gpu);
        return gpu;
    }

    private static String describe(Device d) {
        if (!d.isGpu()) {
            return "CPU";
        }
        try {
            return "CUDA " + CudaUtils.getCudaVersionString() + ", compute capability "
                    + CudaUtils.getComputeCapability(d.getDeviceId());
        } catch (RuntimeException | LinkageError e) {
            return "CUDA";
        }
    }
}
