package io.musc4j.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;

/**
 * The environment the {@code musc} launcher gives libtorch, for executors that Spark starts in processes
 * of their own (spark-submit to a cluster), where no launcher runs: transparent huge pages for glibc's
 * heaps and for large tensors, and glibc keeping freed memory in its heaps for the next tensor instead of
 * returning it and zeroing it anew ({@code musc_allocator_env} in {@code launcher/musc-lib.sh} says why;
 * the glibc values are the launcher's). The executors' glibc is not known here, so libtorch's own huge
 * pages stay on ({@code THP_MEM_ALLOC_ENABLE=1}), which the launcher turns off only where glibc 2.35 or
 * later gives its heaps huge pages (an older glibc ignores the tunable). Set as {@code spark.executorEnv.*}
 * unless the job's configuration already names them. Executors in the driver's JVM ({@code local[K]})
 * have the driver's environment instead.
 */
final class ExecutorEnvironment {

    static final Map<String, String> DEFAULTS = defaults();

    private ExecutorEnvironment() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("THP_MEM_ALLOC_ENABLE", "1");
        m.put("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1");
        m.put("MALLOC_MMAP_THRESHOLD_", "33554432");
        m.put("MALLOC_TRIM_THRESHOLD_", "134217728");
        m.put("MALLOC_TOP_PAD_", "67108864");
        return m;
    }

    /** Adds the variables {@code conf} does not set yet; returns the names added. */
    static List<String> applyDefaults(SparkConf conf) {
        List<String> added = new ArrayList<>();
        DEFAULTS.forEach((name, value) -> {
            String key = "spark.executorEnv." + name;
            if (!conf.contains(key)) {
                conf.set(key, value);
                added.add(name);
            }
        });
        return added;
    }
}
