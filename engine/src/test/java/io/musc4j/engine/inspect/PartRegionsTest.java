package io.musc4j.engine.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.engine.maps.ImageMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Regions at the image's own size, against a hand-computed inverse resize. A map that is 1 on map
 * columns [a, b) and 0 elsewhere reads back, along a row, to 1 − distance to the step, so its pixels
 * above 0.5 are those whose sampling position u = (x + 0.5)·S/W − 0.5 lies in (a − 0.5, b − 0.5):
 * a·W/S − 0.5 &lt; x &lt; b·W/S − 0.5, the footprint of the map pixels in the image.
 */
class PartRegionsTest {

    private static final int S = 224;

    /** 1 on map columns [x0, x1) × rows [y0, y1), 0 elsewhere. */
    static float[] block(int x0, int x1, int y0, int y1) {
        float[] m = new float[S * S];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                m[y * S + x] = 1f;
            }
        }
        return m;
    }

    /**
     * Columns [50, 80) by rows [60, 100) of the map. 300×200: 50·300/224 − 0.5 = 66.46, 80·300/224 − 0.5 =
     * 106.64, so columns 67..106; 60·200/224 − 0.5 = 53.07, 100·200/224 − 0.5 = 88.79, rows 54..88.
     * 2000×1500: 445.93 and 713.79, columns 446..713; 401.29 and 669.14, rows 402..669.
     */
    @ParameterizedTest
    @CsvSource({"300, 200, 67, 54, 107, 89", "2000, 1500, 446, 402, 714, 670"})
    void boxesAreTheMapPixelsFootprintInTheImage(int w, int h, int x0, int y0, int x1, int y1) {
        ImageMap map = ImageMap.fromNetwork(block(50, 80, 60, 100), S, w, h);
        PartRegions shown = PartRegions.of(map, 0.5, 0.5, true, false);
        assertEquals(1, shown.found().size());
        Region r = shown.found().get(0).region();
        assertFalse(shown.found().get(0).belowPixelThreshold());
        assertEquals(new Region.Box(x0, y0, x1, y1), r.box());
        assertEquals(1f, r.peak());
    }

    /** A stripe over all rows: the mask is exactly columns 67..106 (300 wide) or 446..713 (2000 wide). */
    @ParameterizedTest
    @CsvSource({"300, 200, 67, 107", "2000, 1500, 446, 714"})
    void theMaskIsTheStripesFootprint(int w, int h, int x0, int x1) {
        ImageMap map = ImageMap.fromNetwork(block(50, 80, 0, S), S, w, h);
        PartRegions shown = PartRegions.of(map, 0.5, 0.5, true, false);
        byte[] outline = shown.outline(map);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                assertEquals(x >= x0 && x < x1 ? 1 : 0, outline[y * w + x], x + "," + y);
            }
        }
        assertEquals((x1 - x0) * h, shown.found().get(0).region().area());
        assertEquals(new Region.Box(x0, 0, x1, h), shown.found().get(0).region().box());
    }

    @Test
    void aNormalPartShowsRegionsOnlyWhenAsked() {
        ImageMap map = ImageMap.fromNetwork(block(50, 80, 60, 100), S, 300, 200);
        assertTrue(PartRegions.of(map, 0.5, 2.0, false, false).found().isEmpty());
        assertNull(PartRegions.of(map, 0.5, 2.0, false, false).outline(map));
        assertEquals(1, PartRegions.of(map, 0.5, 2.0, false, true).found().size());
    }

    /** No pixel above the pixel threshold: the strongest region above the image threshold, marked. */
    @Test
    void anAnomalousPartBelowThePixelThresholdShowsItsStrongestRegion() {
        float[] m = block(10, 20, 10, 20);
        for (int p = 0; p < m.length; p++) {
            m[p] *= 0.6f;
        }
        m[S * 150 + 150] = 0.8f;
        ImageMap map = ImageMap.fromNetwork(m, S, S, S);
        PartRegions shown = PartRegions.of(map, 0.9, 0.5, true, false);
        assertEquals(1, shown.found().size());
        assertTrue(shown.found().get(0).belowPixelThreshold());
        assertEquals(new Region.Box(150, 150, 151, 151), shown.found().get(0).region().box());
        byte[] outline = shown.outline(map);
        assertEquals(1, outline[150 * S + 150]);
        assertEquals(0, outline[15 * S + 15], "only the strongest region is outlined");
    }

    /**
     * A one-pixel peak just above the threshold falls between the image pixels of a 300-wide image: read
     * back, no pixel is above the threshold, and the part shows the pixels at the map's highest value.
     */
    @Test
    void aPeakLostBetweenImagePixelsStillShowsWhere() {
        float[] m = new float[S * S];
        m[100 * S + 100] = 1f;
        ImageMap map = ImageMap.fromNetwork(m, S, 300, 200);
        assertTrue(map.max() < 0.99f, "the peak is not sampled: " + map.max());
        PartRegions shown = PartRegions.of(map, 0.99, 0.99, true, false);
        List<PartRegions.Found> found = shown.found();
        assertEquals(1, found.size());
        assertTrue(found.get(0).belowPixelThreshold());
        Region.Box b = found.get(0).region().box();
        // map pixel 100 covers image columns 100·300/224 = 133.9 to 101·300/224 = 135.3, rows 89.3 to 90.2
        assertTrue(b.x0() >= 133 && b.x1() <= 136 && b.y0() >= 89 && b.y1() <= 91, b.toString());
        assertEquals(map.max(), found.get(0).region().peak());
        byte[] outline = shown.outline(map);
        assertEquals(1, outline[b.y0() * 300 + b.x0()]);
    }
}
