package io.musc4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.musc4j.engine.lnamd.Lnamd;
import io.musc4j.engine.metrics.MetricsEvaluator;
import io.musc4j.engine.metrics.PixelData;
import io.musc4j.engine.msm.MsmInterval;
import io.musc4j.models.Precision;
import io.musc4j.engine.msm.FullMsm;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH microbenchmarks of the three kernels that dominate after the backbone, at the end-to-end
 * target's shapes (N=40 images, 16×16 patches, C=768): LNAMD for degrees 1, 3, 5 of one layer, the
 * MSM of one degree of one layer, and the pixel metrics (their sorts dominate) over 40 maps of 224².
 * Run with {@code ./musc bench jmh} (JMH arguments pass through, e.g. {@code -f 1 -wi 1 -i 3}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true"})
public class KernelBenchmarks {

    private static final int N = 40;
    private static final int GRID = 16;
    private static final int C = 768;
    private static final int SIZE = 224;

    private NDManager manager;
    private NDArray tokens;
    private NDArray z;
    private final Lnamd lnamd = new Lnamd(GRID, GRID);
    private final FullMsm msm = new FullMsm(MsmInterval.DEFAULT, 1L << 30, Precision.FP32);
    private int[] labels;
    private double[] scores;
    private float[][] maps;
    private byte[][] masks;

    @Setup(Level.Trial)
    public void setUp() {
        manager = NDManager.newBaseManager();
        tokens = manager.randomNormal(new Shape(N, 1 + GRID * GRID, C));
        z = lnamd.aggregate(tokens, List.of(3)).get(0);
        SplittableRandom rnd = new SplittableRandom(7);
        labels = new int[N];
        scores = new double[N];
        maps = new float[N][SIZE * SIZE];
        masks = new byte[N][SIZE * SIZE];
        for (int i = 0; i < N; i++) {
            labels[i] = i % 3 == 0 ? 1 : 0;
            scores[i] = rnd.nextDouble() + labels[i] * 0.3;
            for (int p = 0; p < SIZE * SIZE; p++) {
                boolean defect = labels[i] == 1 && p / SIZE > 80 && p / SIZE < 120 && p % SIZE > 60 && p % SIZE < 110;
                masks[i][p] = (byte) (defect ? 1 : 0);
                maps[i][p] = (float) (rnd.nextDouble() + (defect ? 0.5 : 0));
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    public float lnamdOneLayerThreeDegrees() {
        try (NDManager scope = manager.newSubManager()) {
            List<NDArray> out = lnamd.aggregate(tokens.duplicate(), List.of(1, 3, 5));
            float sum = 0;
            for (NDArray a : out) {
                a.attach(scope);
                sum += a.getFloat(0, 0, 0);
            }
            return sum;
        }
    }

    @Benchmark
    public double msmOneLayerOneDegree() {
        try (NDArray s = msm.score(z)) {
            return s.toDoubleArray()[0];
        }
    }

    @Benchmark
    public Object pixelAndImageMetrics() {
        return MetricsEvaluator.evaluate(labels, scores, PixelData.ofFloats(SIZE, SIZE, maps, masks));
    }

    /** Runs these benchmarks through JMH's own command line. */
    public static void main(String[] args) throws Exception {
        String[] all = new String[args.length + 1];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = KernelBenchmarks.class.getName();
        org.openjdk.jmh.Main.main(all);
    }
}
