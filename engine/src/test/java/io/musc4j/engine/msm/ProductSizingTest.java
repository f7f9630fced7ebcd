package io.musc4j.engine.msm;

import io.musc4j.models.Precision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CPU's MSM product size: measured among the candidates, remembered per key, overridable. */
class ProductSizingTest {

    private static final NearestPatchMinima KERNEL = new NearestPatchMinima(1L << 30, Precision.FP32);

    @Test
    void theNeighbourhoodKernelIsMeasuredOnItsOwnCandidatesAndRememberedUnderItsOwnKey(@TempDir Path cache) {
        String before = System.getProperty("musc4j.cache");
        System.setProperty("musc4j.cache", cache.toString());
        try {
            // 36 patches on a 6x6 grid, 20 channels: a shape no other test uses
            ProductSizing.Sizing sizing = ProductSizing.ofNeighbourhoods(36, 20);
            long base = CpuCaches.detect().l2Of(Runtime.getRuntime().availableProcessors());
            List<Long> candidates = new java.util.ArrayList<>();
            for (int m : ProductSizing.NEIGHBOURHOOD_MULTIPLES) {
                candidates.add(m * base);
            }
            assertTrue(candidates.contains(sizing.productBytes()), sizing.toString());
            assertEquals(ProductSizing.NEIGHBOURHOOD_MULTIPLES.length, sizing.how().split("GFLOP/s").length - 1,
                    sizing.how());
            String key = ProductSizing.key(36, 20, Precision.FP32);
            Properties file = new Properties();
            try (var in = Files.newBufferedReader(cache.resolve(ProductSizing.FILE),
                    java.nio.charset.StandardCharsets.ISO_8859_1)) {
                file.load(in);
            }
            // the pass kernel's key is not taken by it
            assertEquals(Long.toString(sizing.productBytes()), file.getProperty(key + "|neighbourhoods|" + NeighbourhoodMinima.REVISION));
            assertTrue(!file.containsKey(key), file.toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            restore("musc4j.cache", before);
        }
    }

    @Test
    void aSizeThatCannotHoldOneImagePairIsNotACandidateOfTheNeighbourhoodKernel() {
        // 64 patches, 8 channels: one pair's product is 64*64*4 = 16 KiB, so 8 KiB holds none
        double[] rates = ProductSizing.measureNeighbourhoods(64, 8, List.of(8L << 10, 64L << 10));
        assertEquals(0.0, rates[0]);
        assertTrue(rates[1] > 0, java.util.Arrays.toString(rates));
    }

    @Test
    void measuresEveryCandidateKeepsTheFastestAndRemembersIt(@TempDir Path cache) throws IOException {
        String before = System.getProperty("musc4j.cache");
        System.setProperty("musc4j.cache", cache.toString());
        try {
            // a shape no other test uses, so that the key is new
            String key = ProductSizing.key(24, 40, Precision.FP32);
            ProductSizing.Sizing first = ProductSizing.rememberedOrMeasured(KERNEL, 24, 40, key);
            long base = CpuCaches.detect().l2Of(Runtime.getRuntime().availableProcessors());
            assertTrue(List.of(base, 2 * base, 4 * base, 8 * base).contains(first.productBytes()), first.toString());
            assertTrue(first.how().matches("measured now \\(\\d+\\.\\d\\d s\\):.*"), first.how());
            assertEquals(ProductSizing.MULTIPLES.length, first.how().split("GFLOP/s").length - 1, first.how());
            assertTrue(first.how().contains("(kept)"), first.how());

            Properties file = new Properties();
            try (var in = Files.newBufferedReader(cache.resolve(ProductSizing.FILE), java.nio.charset.StandardCharsets.ISO_8859_1)) {
                file.load(in);
            }
            assertEquals(Long.toString(first.productBytes()), file.getProperty(key));

            ProductSizing.Sizing again = ProductSizing.rememberedOrMeasured(KERNEL, 24, 40, key);
            assertEquals(first.productBytes(), again.productBytes());
            assertTrue(again.how().startsWith("measured on this machine before"), again.how());

            // another shape is another key, measured anew beside the first
            String other = ProductSizing.key(24, 48, Precision.FP32);
            assertNotEquals(key, other);
            assertTrue(ProductSizing.rememberedOrMeasured(KERNEL, 24, 48, other).how().startsWith("measured now"));
            try (var in = Files.newBufferedReader(cache.resolve(ProductSizing.FILE), java.nio.charset.StandardCharsets.ISO_8859_1)) {
                file.load(in);
            }
            assertTrue(file.containsKey(key) && file.containsKey(other), file.toString());
        } finally {
            restore("musc4j.cache", before);
        }
    }

    @Test
    void measuredRatesArePositiveForEachCandidate() {
        double[] rates = ProductSizing.measure(KERNEL, 16, 32, List.of(64L << 10, 256L << 10));
        assertEquals(2, rates.length);
        for (double r : rates) {
            assertTrue(r > 0 && Double.isFinite(r), "rate " + r);
        }
    }

    @Test
    void keyNamesWhatTheRateDependsOn() {
        String key = ProductSizing.key(256, 768, Precision.FP16);
        assertTrue(key.startsWith(CpuCaches.cpuModel() + "|cpus=" + Runtime.getRuntime().availableProcessors() + "|l2="),
                key);
        assertTrue(key.contains("|L=256|C=768|FP16"), key);
        assertTrue(key.contains("|preload="), key);
    }

    @Test
    void overrideSkipsTheMeasurementAndReachesThePlan() {
        String before = System.getProperty("musc4j.msm.productMib");
        try {
            System.setProperty("musc4j.msm.productMib", "0.5");
            ProductSizing.Sizing s = ProductSizing.of(KERNEL, 256, 768);
            assertEquals(512L << 10, s.productBytes());
            assertEquals("set by MUSC_MSM_PRODUCT_MIB", s.how());
            // 0.5 MiB holds two image pairs of 256 x 256 float32 distances: 1 query image x 2 references
            NearestPatchMinima.TilePlan plan = KERNEL.plan(256, 768, Device.cpu());
            assertEquals(1, plan.queryImages());
            assertEquals(2, plan.referenceImages());

            System.setProperty("musc4j.msm.productMib", "lots");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ProductSizing.of(KERNEL, 256, 768));
            assertEquals("MUSC_MSM_PRODUCT_MIB must be a positive number of MiB, got 'lots'", e.getMessage());
        } finally {
            restore("musc4j.msm.productMib", before);
        }
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}
