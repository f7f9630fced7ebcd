package io.musc4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generated images: reproducible, and every defect exactly where its mask says. */
class PlantedDefectsTest {

    private static final int SIZE = 112;

    @Test
    void theSameSeedGivesTheSameImagesAndAnotherSeedOthers() {
        List<PlantedDefects.Part> a = PlantedDefects.make(6, SIZE, 7);
        List<PlantedDefects.Part> b = PlantedDefects.make(6, SIZE, 7);
        List<PlantedDefects.Part> c = PlantedDefects.make(6, SIZE, 8);
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(a.get(i).image().pixels(), b.get(i).image().pixels());
            assertArrayEquals(a.get(i).mask(), b.get(i).mask());
            assertFalse(Arrays.equals(a.get(i).image().pixels(), c.get(i).image().pixels()));
        }
    }

    @Test
    void everyThirdImageHasOneDefectPaintedInOneColourExactlyOnItsMask() {
        // the defect colours of PlantedDefects, by kind in the order they cycle: scratch, spot, crack
        int[][] colours = {{30, 25, 20}, {235, 90, 60}, {45, 40, 35}};
        List<PlantedDefects.Part> parts = PlantedDefects.make(9, SIZE, 20240126L);
        for (int i = 0; i < parts.size(); i++) {
            PlantedDefects.Part p = parts.get(i);
            assertEquals(SIZE, p.image().width());
            assertEquals(SIZE, p.image().height());
            int marked = 0;
            for (byte m : p.mask()) {
                marked += m;
            }
            if (i % 3 != 2) {
                assertEquals(0, p.label());
                assertEquals(0, marked, "image " + i + " is normal");
                continue;
            }
            assertEquals(1, p.label());
            // at least a few dozen pixels, at most a tenth of the image
            assertTrue(marked > 30 && marked < SIZE * SIZE / 10, "image " + i + ": " + marked + " defect pixels");
            int[] colour = colours[(i / 3) % 3];
            byte[] px = p.image().pixels();
            for (int k = 0; k < SIZE * SIZE; k++) {
                boolean painted = (px[3 * k] & 0xFF) == colour[0] && (px[3 * k + 1] & 0xFF) == colour[1]
                        && (px[3 * k + 2] & 0xFF) == colour[2];
                if (p.mask()[k] == 1) {
                    assertTrue(painted, "image " + i + ", pixel " + k + " is in the mask but not painted");
                }
            }
        }
    }

    @Test
    void theTextureStaysWithinItsRangeAwayFromTheDefectColours() {
        PlantedDefects.Part normal = PlantedDefects.make(1, SIZE, 3).get(0);
        byte[] px = normal.image().pixels();
        for (int k = 0; k < SIZE * SIZE; k++) {
            int red = px[3 * k] & 0xFF;
            // base 140 ± 40 of weave and a few σ of noise (σ = 6): far from the dark scratch and crack and
            // from the spot's red of 235
            assertTrue(red > 60 && red < 220, "pixel " + k + " red " + red);
            assertEquals(Math.round(red * 0.9), px[3 * k + 1] & 0xFF, 1.0);
        }
    }
}
