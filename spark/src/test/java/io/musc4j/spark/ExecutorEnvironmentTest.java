package io.musc4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** Executors started by Spark get the launcher's libtorch environment unless the job sets it. */
class ExecutorEnvironmentTest {

    @Test
    void missingVariablesGetTheLaunchersValues() {
        SparkConf conf = new SparkConf(false);
        assertEquals(List.of("THP_MEM_ALLOC_ENABLE", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_",
                "MALLOC_TOP_PAD_"), ExecutorEnvironment.applyDefaults(conf));
        assertEquals("1", conf.get("spark.executorEnv.THP_MEM_ALLOC_ENABLE"));
        assertEquals("33554432", conf.get("spark.executorEnv.MALLOC_MMAP_THRESHOLD_"));
        assertEquals("134217728", conf.get("spark.executorEnv.MALLOC_TRIM_THRESHOLD_"));
        assertEquals("67108864", conf.get("spark.executorEnv.MALLOC_TOP_PAD_"));
    }

    @Test
    void theJobsOwnSettingsAreKept() {
        SparkConf conf = new SparkConf(false).set("spark.executorEnv.MALLOC_MMAP_THRESHOLD_", "65536");
        assertEquals(List.of("THP_MEM_ALLOC_ENABLE", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_"),
                ExecutorEnvironment.applyDefaults(conf));
        assertEquals("65536", conf.get("spark.executorEnv.MALLOC_MMAP_THRESHOLD_"));
    }
}
