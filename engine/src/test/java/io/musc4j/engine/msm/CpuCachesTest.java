package io.musc4j.engine.msm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the caches from Linux sysfs, glibc's getconf and macOS's sysctl, as they print them. */
class CpuCachesTest {

    private static void index(Path dir, int i, int level, String type, String size, String shared) throws IOException {
        Path d = Files.createDirectories(dir.resolve("index" + i));
        Files.writeString(d.resolve("level"), level + "\n");
        Files.writeString(d.resolve("type"), type + "\n");
        Files.writeString(d.resolve("size"), size + "\n");
        Files.writeString(d.resolve("shared_cpu_list"), shared + "\n");
    }

    @Test
    void sysfsOfAnSmtServer(@TempDir Path dir) throws IOException {
        // a Zen 4 core: 32K L1d and L1i, 1 MiB L2 shared by the core's two hardware threads, 32 MiB L3
        index(dir, 0, 1, "Data", "32K", "0,64");
        index(dir, 1, 1, "Instruction", "32K", "0,64");
        index(dir, 2, 2, "Unified", "1024K", "0,64");
        index(dir, 3, 3, "Unified", "32768K", "0-7,64-71");
        CpuCaches c = CpuCaches.fromSysfs(dir);
        assertEquals(new CpuCaches(32 << 10, 1 << 20, 2, 32 << 20, "sysfs"), c);
        // 4 threads on 2 cores have two L2 caches; 3 threads touch two as well
        assertEquals(2L << 20, c.l2Of(4));
        assertEquals(2L << 20, c.l2Of(3));
        assertEquals(1L << 20, c.l2Of(1));
        assertEquals("L1d 32 KiB, L2 1 MiB (per 2 CPUs), L3 32 MiB (sysfs)", c.describe());
    }

    @Test
    void sysfsWithoutCachesIsNotAnAnswer(@TempDir Path dir) throws IOException {
        assertNull(CpuCaches.fromSysfs(dir.resolve("missing")));
        index(dir, 0, 1, "Data", "48K", "0");
        assertNull(CpuCaches.fromSysfs(dir));
    }

    @Test
    void getconfAsGlibcPrintsIt() {
        String out = "LEVEL1_ICACHE_SIZE                 32768\n"
                + "LEVEL1_DCACHE_SIZE                 49152\n"
                + "LEVEL1_DCACHE_ASSOC                12\n"
                + "LEVEL2_CACHE_SIZE                  2097152\n"
                + "LEVEL3_CACHE_SIZE                  \n"
                + "LEVEL4_CACHE_SIZE                  \n";
        assertEquals(new CpuCaches(49152, 2 << 20, 1, 0, "getconf"), CpuCaches.fromGetconf(out));
        assertEquals(4L << 20, CpuCaches.fromGetconf(out).l2Of(2));
        assertNull(CpuCaches.fromGetconf("LEVEL2_CACHE_SIZE 0\n"));
        assertNull(CpuCaches.fromGetconf(null));
    }

    @Test
    void sysctlOfAnAppleSiliconMac() {
        // performance cores: 16 MiB L2 shared by the cluster of 4
        String out = "hw.l1dcachesize: 65536\nhw.l2cachesize: 4194304\n"
                + "hw.perflevel0.l2cachesize: 16777216\nhw.perflevel0.cpusperl2: 4\n";
        assertEquals(new CpuCaches(65536, 16 << 20, 4, 0, "sysctl"), CpuCaches.fromSysctl(out));
        assertEquals(new CpuCaches(32768, 256 << 10, 1, 8 << 20, "sysctl"),
                CpuCaches.fromSysctl("hw.l1dcachesize: 32768\nhw.l2cachesize: 262144\nhw.l3cachesize: 8388608\n"));
    }

    @Test
    void sizesAndCpuLists() {
        assertEquals(1 << 20, CpuCaches.parseSize("1024K"));
        assertEquals(32 << 20, CpuCaches.parseSize("32M"));
        assertEquals(49152, CpuCaches.parseSize("49152"));
        assertEquals(4, CpuCaches.cpuCount("0-1,8-9"));
        assertEquals(1, CpuCaches.cpuCount("3"));
    }

    @Test
    void thisMachineHasAnL2() {
        CpuCaches c = CpuCaches.detect();
        assertTrue(c.l2Bytes() > 0 && c.l2SharedBy() >= 1, c.describe());
    }
}
