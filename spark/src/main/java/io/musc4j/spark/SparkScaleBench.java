package io.musc4j.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./musc bench spark-scale}: split mode's stage 2 (MSM over query blocks, one pass) on
 * synthetic unit-norm features written as chunk files, in local mode with 1, 2, ... task slots: wall
 * time, the process's peak resident memory (the one local executor), bytes read from the work folder,
 * and the throughput that the cluster formula in the output scales.
 */
@Command(name = "spark-scale", mixinStandardHelpOptions = true,
        description = "Spark split-mode MSM on synthetic features: time, peak memory, bytes read.")
public final class SparkScaleBench implements Callable<Integer> {

    @Option(names = "--images", defaultValue = "2000", description = "N (default: ${DEFAULT-VALUE}).")
    int images;
    @Option(names = "--patches", defaultValue = "256", description = "L (default: ${DEFAULT-VALUE}).")
    int patches;
    @Option(names = "--channels", defaultValue = "768", description = "C (default: ${DEFAULT-VALUE}).")
    int channels;
    @Option(names = "--slots", split = ",", defaultValue = "1,2",
            description = "local[K] task slots to run, one after another (default: ${DEFAULT-VALUE}).")
    int[] slots;
    @Option(names = "--query-block", defaultValue = "0", description = "Query images per task (default: N / (2K)).")
    int queryBlock;
    @Option(names = "--work", description = "Folder for the feature chunks (default: a temporary folder).")
    Path work;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SparkScaleBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "musc4j-spark-log4j2.properties");
        }
        Path folder = work != null ? work : Files.createTempDirectory("musc4j-spark-scale");
        Storage storage = new Storage(new HashMap<>());
        StageRunner.Passes passes = new StageRunner.Passes(images, 1, patches, channels, 1, List.of(1), false);
        int[] bounds = write(storage, folder, passes);
        long fileBytes = (long) images * passes.imageBytes();
        System.out.printf(Locale.ROOT, "spark-scale: N=%d L=%d C=%d, one pass; features %.1f MiB in %d chunk files%n",
                images, patches, channels, fileBytes / 1048576.0, bounds.length - 1);
        // one pass of full MSM: one degree, the pixel maps' size is not used
        io.musc4j.engine.MuscConfig config = io.musc4j.engine.MuscConfig.builder().imageSize(patches).degrees(1)
                .device(ai.djl.Device.cpu()).build();
        SplitJob.MsmSettings settings = new SplitJob.MsmSettings(config.describe(), -1);
        // libtorch loads once per JVM; loaded here, so that it is not timed as part of the first run
        ai.djl.engine.Engine.getEngine("PyTorch");
        double secondsPerPairCore = 0;
        try {
            for (int k : slots) {
                try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[" + k + "]")
                        .setAppName("musc4j spark-scale").set("spark.ui.enabled", "false"))) {
                    sc.setLogLevel("WARN");
                    int block = queryBlock > 0 ? queryBlock : Math.max(1, (int) Math.ceil(images / (2.0 * k)));
                    LongAccumulator read = sc.sc().longAccumulator("bytes read");
                    resetPeak();
                    long t0 = System.nanoTime();
                    SplitJob.msm(sc, storage, new org.apache.hadoop.fs.Path(folder.toUri()).toString(), passes, bounds,
                            block, settings, read);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    long peak = peakKiB();
                    long reference = StageRunner.referenceBytes(passes, config.precision().products());
                    long perTask = StageRunner.blockBytes(passes, block, config, settings.device());
                    System.out.printf(Locale.ROOT, "local[%d]: %.1f s, query blocks of %d, peak RSS %.0f MiB "
                                    + "(formula: reference %.0f MiB + %d x block %.0f MiB), read %.1f MiB%n",
                            k, seconds, block, peak / 1024.0, reference / 1048576.0, k, perTask / 1048576.0,
                            read.value() / 1048576.0);
                    secondsPerPairCore = seconds * k / ((double) images * (images - 1));
                }
                ExecutorCache.clearReference();
            }
        } finally {
            if (work == null) {
                RunContext.delete(folder);
            }
        }
        System.out.printf(Locale.ROOT, "cluster formula: hours = passes x N(N-1) x t_pair / (executors x cores) / 3600, "
                + "with t_pair = %.3g s per image pair and core here (L=%d, C=%d; it grows with L^2 C)%n",
                secondsPerPairCore, patches, channels);
        return 0;
    }

    /** Random unit-norm features of one pass as chunk files of 64 images; returns the chunk bounds. */
    private int[] write(Storage storage, Path folder, StageRunner.Passes passes) throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        org.apache.hadoop.fs.Path w = new org.apache.hadoop.fs.Path(folder.toUri());
        List<Integer> bounds = new ArrayList<>();
        for (int from = 0; from < images; from += SplitJob.MAX_PARTITION_IMAGES) {
            int to = Math.min(images, from + SplitJob.MAX_PARTITION_IMAGES);
            bounds.add(from);
            float[] values = new float[(to - from) * patches * channels];
            for (int row = 0; row < (to - from) * patches; row++) {
                double norm = 0;
                for (int c = 0; c < channels; c++) {
                    float v = (float) random.nextGaussian();
                    values[row * channels + c] = v;
                    norm += v * v;
                }
                float inv = (float) (1 / Math.sqrt(norm));
                for (int c = 0; c < channels; c++) {
                    values[row * channels + c] *= inv;
                }
            }
            byte[] bytes = SplitJob.littleEndian(values);
            storage.write(SplitJob.Chunks.features(w, 0, from, to), o -> o.write(bytes));
        }
        bounds.add(images);
        return bounds.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void resetPeak() throws IOException {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    }

    private static long peakKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("/proc/self/status: no VmHWM line");
    }
}
