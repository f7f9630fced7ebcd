package io.musc4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.musc4j.engine.msm.CpuCaches;
import io.musc4j.models.Precision;
import org.junit.jupiter.api.Test;

/** The memory accounting against sizes worked out by hand. */
class MemoryPlanTest {

    private static final long GIB = 1L << 30;

    private static MemoryPlan plan(long n, long l, long c, Precision precision, boolean resident, Device device,
            long budget) {
        MuscConfig config = MuscConfig.builder().precision(precision).memoryBudgetBytes(budget).build();
        return MemoryPlan.of(n, l, c, 4, config, precision.bytes(), resident, device);
    }

    @Test
    void thousandImagesAtL256FitFourGigabytes() {
        MemoryPlan p = plan(1000, 256, 768, Precision.FP32, false, Device.cpu(), GIB);
        // tokens: 1000 * 4 layers * 257 * 768 * 4 B = 3,158,016,000 B, spilled
        assertEquals(3_158_016_000L, p.tokenBytes());
        assertTrue(MemoryPlan.spills(1000, 256, 768, 4, 4, GIB));
        assertFalse(MemoryPlan.spills(40, 256, 768, 4, 4, GIB), "40 images' tokens (126 MB) stay in memory");
        // product form: 1000 * 256 * 770 * 4 B
        assertEquals(788_480_000L, p.productFormBytes());
        // the 1000*1000*256*4 = 1,024,000,000 B store fits the 1 GiB budget (1,073,741,824 B)
        assertTrue(p.msm().symmetric());
        assertFalse(plan(1000, 256, 768, Precision.FP32, false, Device.cpu(), GIB / 2).msm().symmetric());
        // scores: (3 * 4 + 3 + 1) * 1000 * 256 * 8 B
        assertEquals(32_768_000L, p.resultBytes());
        assertTrue(p.peakBytes() <= 788_480_000L + GIB + 32_768_000L);
        assertTrue(p.peakBytes() < 2L * GIB, p.describe());
    }

    @Test
    void aLayerAtATimeWhereItsStoreOfEveryDegreeFits() {
        // 500 images: 3 degrees * 500 * 500 * 256 * 4 B = 768,000,000 B of minima fit 1 GiB, so MSM scores
        // a layer at a time and holds its maps, box-sum norms and unit squares: 500 * 256 * (768 + 2 * 3) * 4 B
        MemoryPlan p = plan(500, 256, 768, Precision.FP32, true, Device.cpu(), GIB);
        assertTrue(p.msm().symmetric());
        assertEquals(500L * 256 * 774 * 4, p.productFormBytes());
        assertTrue(p.msm().bytes() >= 768_000_000L, p.describe());
        // at 1000 images that store (3.07 GB) does not fit but one pass's (1.02 GB) does: pass by pass,
        // each pair once (above)
    }

    @Test
    void onACpuAnAggregationChunkStaysInTheLastLevelCache() {
        // 40 ViT-B/14 images at 224²: one image's LNAMD temporaries are 6 copies of 257·768·4 B (4.7 MB);
        // the 1 GiB budget alone would aggregate all 40 at once (a quarter of it holds 56 images)
        MemoryPlan cpu = plan(40, 256, 768, Precision.FP32, true, Device.cpu(), GIB);
        MemoryPlan gpu = plan(40, 256, 768, Precision.FP32, true, Device.gpu(), GIB);
        assertEquals(40, gpu.lnamdChunk());
        // whatever this machine's caches: a chunk's token-sized array within 8 MiB, 8,388,608 / 789,504 =
        // 10.6 images, and its temporaries within the last-level cache unless it is one image
        CpuCaches caches = CpuCaches.detect();
        long cache = caches.l3Bytes() > 0 ? caches.l3Bytes() : caches.l2Of(Runtime.getRuntime().availableProcessors());
        assertTrue(cpu.lnamdChunk() <= 10, cpu.describe());
        assertTrue(cpu.lnamdChunk() == 1 || cpu.lnamdBytes() <= cache, cpu.describe() + " vs " + caches.describe());
        assertTrue(cpu.lnamdChunk() >= Math.min(10, cache / (6L * 257 * 768 * 4)), cpu.describe());
    }

    @Test
    void aCpuChunkFitsTheCacheAndKeepsItsArraysSmall() {
        long vitB = 257L * 768 * 4; // 789,504 B per image and array
        // a 32 MiB L3: 33,554,432 / (6 · 789,504) = 7.08 images
        assertEquals(7, MemoryPlan.cpuChunk(vitB, 6, caches(32L << 20), 2));
        // a VM that reports its host's 508 MiB of L3 as one cache: 112 images would fit, but one array of
        // 8 MiB holds 8,388,608 / 789,504 = 10.6 images
        assertEquals(10, MemoryPlan.cpuChunk(vitB, 6, caches(532_676_608L), 2));
        // no L3 known: the computing cores' L2 (2 × 1 MiB) holds less than one image, so one at a time
        assertEquals(1, MemoryPlan.cpuChunk(vitB, 6, caches(0), 2));
        // ViT-L/14 at 518²: 1370 · 1024 · 4 B per image does not fit six times in 32 MiB
        assertEquals(1, MemoryPlan.cpuChunk(1370L * 1024 * 4, 6, caches(32L << 20), 2));
        // a small map: 65 · 64 · 4 = 16,640 B per image; 8 MiB / 16,640 = 504 images, 32 MiB / 99,840 = 336
        assertEquals(336, MemoryPlan.cpuChunk(65L * 64 * 4, 6, caches(32L << 20), 2));
    }

    private static CpuCaches caches(long l3) {
        return new CpuCaches(48 << 10, 1 << 20, 1, l3, "test");
    }

    @Test
    void peakGrowsLinearlyInNOnceTheStoreNoLongerFits() {
        long[] peaks = new long[3];
        long[] ns = {2000, 4000, 8000};
        for (int k = 0; k < ns.length; k++) {
            MemoryPlan p = plan(ns[k], 256, 768, Precision.FP32, false, Device.cpu(), GIB);
            assertFalse(p.msm().symmetric());
            peaks[k] = p.peakBytes() - p.msm().bytes();
            assertTrue(p.msm().bytes() <= GIB);
        }
        // without the bounded workspace, what is left is exactly proportional to N
        assertEquals(2 * peaks[0], peaks[1]);
        assertEquals(2 * peaks[1], peaks[2]);
    }

    @Test
    void paperShapeOnAGpu() {
        // N=200, L=1369 (37x37), C=1024, 4 layers, 3 degrees, tokens resident on the device
        MemoryPlan fp32 = plan(200, 1369, 1024, Precision.FP32, true, Device.gpu(), 4 * GIB);
        assertEquals(200L * 4 * 1370 * 1024 * 4, fp32.tokenBytes());
        assertTrue(fp32.msm().symmetric(), "the 200*200*1369*4 = 219 MB store fits a 4 GiB workspace");
        assertTrue(fp32.peakBytes() < 16L * 1000 * 1000 * 1000, fp32.describe());
        // fp32 scores a layer at a time (maps, box-sum norms and unit squares); fp16 pass by pass, its
        // product form [b, 1, |b|²] in half precision
        assertEquals(200L * 1369 * (1024 + 2 * 3) * 4, fp32.productFormBytes());
        MemoryPlan fp16 = plan(200, 1369, 1024, Precision.FP16, true, Device.gpu(), 4 * GIB);
        assertEquals(fp32.tokenBytes() / 2, fp16.tokenBytes());
        assertEquals(200L * 1369 * 1026 * 2, fp16.productFormBytes());
    }
}
