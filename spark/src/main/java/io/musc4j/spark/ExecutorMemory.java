package io.musc4j.spark;

import io.musc4j.engine.MuscConfig;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;

/**
 * The native memory an executor has for split mode's MSM tasks, and the query block that fits it.
 *
 * <p>Stage 2 holds, per executor, one unit's reference features ({@link StageRunner#referenceBytes}):
 * a pass's in product form, N·L·(C+2)·e bytes (e = 4 in fp32, 2 in fp16), or a layer's maps and box-sum
 * norms and unit squares, N·L·(C+2D)·4. Per running task it adds one query block's workspace ({@link StageRunner#blockBytes}):
 * pass by pass B·L·(4C + e(C+2)) for its features and B·N·L·28 for its minima and their interval
 * average; by layer B·N·L·(4D + 24); and one kernel tile. libtorch allocates this outside the JVM heap, so on a cluster it
 * is what {@code spark.executor.memoryOverhead} must hold; in local mode it is the machine's memory
 * beside the JVM's heap. {@value #SETTING} states it explicitly.
 *
 * @param bytes native bytes available to one executor
 * @param cores tasks an executor runs at once
 * @param source where the numbers come from, for messages
 */
record ExecutorMemory(long bytes, int cores, String source) {

    static final String SETTING = "spark.musc4j.executorNativeMemory";
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?])?");

    /** What the Spark configuration gives an executor. */
    static ExecutorMemory of(SparkConf conf) {
        String master = conf.get("spark.master", "");
        Matcher local = LOCAL.matcher(master);
        int cores;
        if (local.matches()) {
            String k = local.group(1);
            cores = k == null ? 1 : k.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(k);
        } else {
            cores = conf.getInt("spark.executor.cores", 1);
        }
        if (conf.contains(SETTING)) {
            return new ExecutorMemory(conf.getSizeAsBytes(SETTING), cores, SETTING);
        }
        if (local.matches()) {
            long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getTotalMemorySize();
            return new ExecutorMemory(physical - Runtime.getRuntime().maxMemory(), cores,
                    "local mode: physical memory less the JVM heap");
        }
        long heap = conf.getSizeAsBytes("spark.executor.memory", "1g");
        long overhead = conf.contains("spark.executor.memoryOverhead")
                ? conf.getSizeAsBytes("spark.executor.memoryOverhead")
                : Math.max(384L << 20, heap / 10);
        return new ExecutorMemory(overhead, cores, "spark.executor.memoryOverhead");
    }

    /**
     * The query block for N images: {@code requested} if given, else about two blocks per core of the
     * cluster, as large as the memory allows.
     *
     * @throws IllegalArgumentException (one line) when even the requested or a one-image block does not fit
     */
    int block(StageRunner.Passes p, MuscConfig config, ai.djl.Device device, int requested, int totalCores) {
        long reference = StageRunner.referenceBytes(p, config.precision().products());
        if (requested > 0) {
            check(p, config, device, Math.min(requested, p.images()), reference);
            return Math.min(requested, p.images());
        }
        int target = Math.max(1, (int) Math.ceil(p.images() / (2.0 * Math.max(1, totalCores))));
        int block = Math.min(target, p.images());
        while (block > 1 && reference + cores * StageRunner.blockBytes(p, block, config, device) > bytes) {
            block = block / 2;
        }
        check(p, config, device, block, reference);
        return block;
    }

    private void check(StageRunner.Passes p, MuscConfig config, ai.djl.Device device, int block, long reference) {
        long need = reference + cores * StageRunner.blockBytes(p, block, config, device);
        if (need > bytes) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "executors are too small for MSM of N=%d: each needs %s (reference features %s + %d task(s) x "
                            + "query block of %d: %s) but has %s (%s); raise spark.executor.memoryOverhead, or "
                            + "lower --query-block or spark.executor.cores",
                    p.images(), gib(need), gib(reference), cores, block,
                    gib(StageRunner.blockBytes(p, block, config, device)), gib(bytes), source));
        }
    }

    /** Bytes as GiB with two decimals. */
    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}
