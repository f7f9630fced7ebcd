package io.musc4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** Executors started by Spark get the launcher's libtorch environment unless the job sets it. */
class ExecutorEnvironmentTest {

    @Test
    void missingVariablesGetTheLaunchersValues() {
        SparkConf conf = new SparkConf(false);
        assertEquals(List.of("THP_MEM_ALLOC_ENABLE", "GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_",
                "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_"), ExecutorEnvironment.applyDefaults(conf));
        assertEquals("1", conf.get("spark.executorEnv.THP_MEM_ALLOC_ENABLE"));
        assertEquals("glibc.malloc.hugetlb=1", conf.get("spark.executorEnv.GLIBC_TUNABLES"));
        assertEquals("33554432", conf.get("spark.executorEnv.MALLOC_MMAP_THRESHOLD_"));
        assertEquals("134217728", conf.get("spark.executorEnv.MALLOC_TRIM_THRESHOLD_"));
        assertEquals("67108864", conf.get("spark.executorEnv.MALLOC_TOP_PAD_"));
    }

    @Test
    void theJobsOwnSettingsAreKept() {
        SparkConf conf = new SparkConf(false).set("spark.executorEnv.MALLOC_MMAP_THRESHOLD_", "65536");
        assertEquals(List.of("THP_MEM_ALLOC_ENABLE", "GLIBC_TUNABLES", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_"),
                ExecutorEnvironment.applyDefaults(conf));
        assertEquals("65536", conf.get("spark.executorEnv.MALLOC_MMAP_THRESHOLD_"));
    }

    @Test
    void theDefaultsAreTheLaunchersValues() throws IOException {
        Path lib = Path.of(System.getProperty("musc4j.testdata")).toAbsolutePath().normalize().getParent()
                .resolve("launcher/musc-lib.sh");
        String text = Files.readString(lib);
        String body = text.substring(text.indexOf("musc_allocator_env() {"));
        body = body.substring(0, body.indexOf("\n}"));
        Map<String, String> launcher = new LinkedHashMap<>();
        Matcher m = Pattern.compile("export (MALLOC_\\w+)=\"\\$\\{\\1:-(\\w+)}\"").matcher(body);
        while (m.find()) {
            launcher.put(m.group(1), m.group(2));
        }
        Map<String, String> glibc = new LinkedHashMap<>(ExecutorEnvironment.DEFAULTS);
        glibc.keySet().removeIf(name -> !name.startsWith("MALLOC_"));
        assertEquals(3, launcher.size(), "launcher/musc-lib.sh musc_allocator_env");
        assertEquals(launcher, glibc, "launcher/musc-lib.sh musc_allocator_env");
        // the launcher's tunable where glibc has it, and libtorch's own huge pages where it may not
        assertTrue(body.contains("export GLIBC_TUNABLES=\"" + ExecutorEnvironment.DEFAULTS.get("GLIBC_TUNABLES") + "\""));
        assertTrue(body.contains("export THP_MEM_ALLOC_ENABLE=\"${THP_MEM_ALLOC_ENABLE:-"
                + ExecutorEnvironment.DEFAULTS.get("THP_MEM_ALLOC_ENABLE") + "}\""));
    }
}
