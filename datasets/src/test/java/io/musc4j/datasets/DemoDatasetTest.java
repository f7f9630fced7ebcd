package io.musc4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.datasets.demo.DemoDataset;
import io.musc4j.datasets.image.GrayImage;
import io.musc4j.datasets.image.ImageIo;
import io.musc4j.common.image.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo dataset is a valid, deterministic MVTec-layout set with real defects under its masks. */
class DemoDatasetTest {

    @TempDir
    Path a;
    @TempDir
    Path b;

    @Test
    void readsAsMvtecWithMasksForEveryDefectAndIsDeterministic() throws Exception {
        List<String> names = DemoDataset.generate(a);
        assertEquals(List.of("brushed_metal", "ceramic_tile", "woven_fabric"), names);
        Warnings w = new Warnings();
        List<Category> cats = Datasets.categories(DatasetFormat.MVTEC, a, List.of(), w);
        assertEquals(names, cats.stream().map(Category::name).toList());
        assertEquals(0, w.count(), w.all().toString());
        for (Category c : cats) {
            assertEquals(DemoDataset.GOOD + 2 * DemoDataset.PER_DEFECT, c.samples().size());
            assertEquals(2 * DemoDataset.PER_DEFECT, c.samples().stream().filter(Sample::anomalous).count());
            assertEquals(DemoDataset.GOOD, c.samples().stream().filter(s -> s.label().getAsInt() == 0).count());
            RgbImage good0 = null;
            for (Sample s : c.samples()) {
                RgbImage img = ImageIo.readRgb(s.image());
                assertEquals(DemoDataset.SIZE, img.width());
                assertEquals(DemoDataset.SIZE, img.height());
                if (s.label().getAsInt() == 0) {
                    assertFalse(s.mask().isPresent());
                    if (good0 == null) {
                        good0 = img;
                    } else {
                        assertFalse(Arrays.equals(good0.pixels(), img.pixels()), "normal images vary");
                    }
                    continue;
                }
                GrayImage mask = ImageIo.readBinaryMask(s.mask().orElseThrow());
                int area = 0;
                for (byte v : mask.pixels()) {
                    area += v != 0 ? 1 : 0;
                }
                assertTrue(area >= 30 && area < DemoDataset.SIZE * DemoDataset.SIZE / 10, s.relativePath() + " mask area " + area);
            }
        }
        DemoDataset.generate(b);
        try (Stream<Path> files = Files.walk(a)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(b.resolve(a.relativize(f))), f.toString());
            }
        }
    }

    @Test
    void masksAreZeroOr255AndMarkChangedPixels() throws Exception {
        DemoDataset.generate(a);
        Path img = a.resolve("woven_fabric/test/hole/000.png");
        Path maskFile = a.resolve("woven_fabric/ground_truth/hole/000_mask.png");
        byte[] raw = ImageIo.readRgb(maskFile).pixels();
        for (byte v : raw) {
            assertTrue(v == 0 || v == (byte) 255);
        }
        // A hole is near black: inside the mask the image is much darker on average than outside.
        RgbImage rgb = ImageIo.readRgb(img);
        GrayImage mask = ImageIo.readBinaryMask(maskFile);
        double in = 0;
        double out = 0;
        int nIn = 0;
        for (int i = 0; i < mask.pixels().length; i++) {
            double v = (rgb.pixels()[3 * i] & 0xFF) + (rgb.pixels()[3 * i + 1] & 0xFF) + (rgb.pixels()[3 * i + 2] & 0xFF);
            if (mask.pixels()[i] != 0) {
                in += v;
                nIn++;
            } else {
                out += v;
            }
        }
        assertTrue(in / nIn < 0.5 * out / (mask.pixels().length - nIn));
    }
}
