package io.musc4j.engine.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnomalyRegionsTest {

    private static final int W = 10;
    private static final int H = 8;

    private static void put(float[] map, int x, int y, float v) {
        map[y * W + x] = v;
    }

    @Test
    void twoBlobsGiveTwoBoxesAndADiagonalTouchJoins() {
        float[] map = new float[W * H];
        java.util.Arrays.fill(map, 0.1f);
        // blob A: a 2x2 square at (1..2, 1..2) plus (3, 3), touching it only at a corner
        put(map, 1, 1, 0.6f);
        put(map, 2, 1, 0.7f);
        put(map, 1, 2, 0.6f);
        put(map, 2, 2, 0.9f);
        put(map, 3, 3, 0.8f);
        // blob B: an L at (6, 5), (7, 5), (7, 6)
        put(map, 6, 5, 0.55f);
        put(map, 7, 5, 0.65f);
        put(map, 7, 6, 0.75f);
        // exactly at the threshold, and NaN: neither is above it
        put(map, 5, 0, 0.5f);
        put(map, 0, 7, Float.NaN);

        List<Region> regions = AnomalyRegions.find(map, W, H, 0.5);

        assertEquals(2, regions.size());
        Region a = regions.get(0);
        assertEquals(new Region.Box(1, 1, 4, 4), a.box());
        assertEquals(5, a.area());
        assertEquals(0.9f, a.peak());
        Region b = regions.get(1);
        assertEquals(new Region.Box(6, 5, 8, 7), b.box());
        assertEquals(3, b.area());
        assertEquals(0.75f, b.peak());
        assertEquals(2, b.box().width());
        assertEquals(2, b.box().height());
    }

    @Test
    void nanThresholdOrQuietMapFindsNothing() {
        float[] map = new float[W * H];
        map[3] = 1f;
        assertTrue(AnomalyRegions.find(map, W, H, Double.NaN).isEmpty());
        assertTrue(AnomalyRegions.find(map, W, H, 1.0).isEmpty());
        assertEquals(1, AnomalyRegions.find(map, W, H, 0.99).size());
    }
}
