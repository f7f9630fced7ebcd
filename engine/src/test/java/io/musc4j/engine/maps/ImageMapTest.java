package io.musc4j.engine.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The S×S map read back to the image's size, against values written from the definition: image pixel
 * x samples the map at u = (x + 0.5)·S/W − 0.5, clamped to [0, S−1], linearly between its neighbours.
 */
class ImageMapTest {

    private static final int S = 224;

    /** A map whose value is its column (or row) index: reading it back gives the sampling position itself. */
    private static float[] ramp(boolean columns) {
        float[] m = new float[S * S];
        for (int p = 0; p < m.length; p++) {
            m[p] = columns ? p % S : p / S;
        }
        return m;
    }

    private static float[] columnRamp() {
        return ramp(true);
    }

    private static float[] rowRamp() {
        return ramp(false);
    }

    @ParameterizedTest
    @CsvSource({"300, 200", "2000, 1500"})
    void eachImagePixelSamplesTheMapAtItsCentre(int w, int h) {
        ImageMap cols = ImageMap.fromNetwork(columnRamp(), S, w, h);
        ImageMap rows = ImageMap.fromNetwork(rowRamp(), S, w, h);
        assertEquals(w, cols.width());
        assertEquals(h, cols.height());
        for (int y = 0; y < h; y++) {
            double v = Math.max(0, Math.min(S - 1, (y + 0.5) * S / h - 0.5));
            for (int x = 0; x < w; x++) {
                double u = Math.max(0, Math.min(S - 1, (x + 0.5) * S / w - 0.5));
                assertEquals(u, cols.values()[y * w + x], 2e-5, "column of " + x + "," + y);
                assertEquals(v, rows.values()[y * w + x], 2e-5, "row of " + x + "," + y);
            }
        }
    }

    @Test
    void workedValues() {
        // 300x200: u(150) = 150.5 * 224/300 - 0.5 = 111.873333; u(298) = 298.5 * 224/300 - 0.5 = 222.38;
        // u(299) = 299.5 * 224/300 - 0.5 = 223.126667, clamped to the last column
        ImageMap small = ImageMap.fromNetwork(columnRamp(), S, 300, 200);
        assertEquals(0.0, small.values()[0], 0);
        assertEquals(111.873333, small.values()[150], 1e-5);
        assertEquals(222.38, small.values()[298], 1e-5);
        assertEquals(223.0, small.values()[299], 0);
        // rows of 200: v(100) = 100.5 * 1.12 - 0.5 = 112.06; v(0) = 0.06; v(199) = 222.94
        ImageMap smallRows = ImageMap.fromNetwork(rowRamp(), S, 300, 200);
        assertEquals(0.06, smallRows.values()[0], 1e-5);
        assertEquals(112.06, smallRows.values()[100 * 300], 1e-5);
        assertEquals(222.94, smallRows.values()[199 * 300], 1e-5);
        // 2000x1500: u(1000) = 1000.5 * 0.112 - 0.5 = 111.556; v(750) = 750.5 * 224/1500 - 0.5 = 111.574667
        ImageMap large = ImageMap.fromNetwork(columnRamp(), S, 2000, 1500);
        assertEquals(111.556, large.values()[1000], 1e-4);
        assertEquals(223.0, large.values()[1999], 0, "u(1999) = 223.444 is clamped to the last column");
        ImageMap largeRows = ImageMap.fromNetwork(rowRamp(), S, 2000, 1500);
        assertEquals(111.574667, largeRows.values()[750 * 2000], 1e-4);
    }

    @Test
    void bilinearBetweenFourPixels() {
        // a 2x2 map [[0, 0], [0, 1]] read back to 4x4: u = v = clamp(-0.25, 0.25, 0.75, 1.25) = 0, 0.25, 0.75, 1
        // and the value is u·v
        ImageMap m = ImageMap.fromNetwork(new float[] {0, 0, 0, 1}, 2, 4, 4);
        float[] want = {
            0, 0, 0, 0,
            0, 0.0625f, 0.1875f, 0.25f,
            0, 0.1875f, 0.5625f, 0.75f,
            0, 0.25f, 0.75f, 1};
        for (int p = 0; p < want.length; p++) {
            assertEquals(want[p], m.values()[p], 1e-7, "pixel " + p);
        }
    }

    @Test
    void anImageOfTheNetworkSizeGetsTheMapItself() {
        float[] map = columnRamp();
        assertSame(map, ImageMap.fromNetwork(map, S, S, S).values());
    }
}
