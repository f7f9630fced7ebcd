package io.musc4j.engine.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RobustThresholdTest {

    @Test
    void oddCountUsesTheMiddleValueAndScaledMad() {
        // median 3; |deviations| = 2, 2, 0, 1, 97 -> sorted 0, 1, 2, 2, 97 -> median 2
        double t = RobustThreshold.of(new double[] {5, 1, 3, 2, 100}, 2.0);
        assertEquals(3 + 2 * 1.4826 * 2, t, 1e-12);
    }

    @Test
    void evenCountAveragesTheTwoMiddleValues() {
        // median (2 + 4) / 2 = 3; deviations 2, 1, 1, 5 -> median (1 + 2) / 2 = 1.5
        double t = RobustThreshold.of(new double[] {1, 2, 4, 8}, 3.0);
        assertEquals(3 + 3 * 1.4826 * 1.5, t, 1e-12);
    }

    @Test
    void equalScoresGiveTheMedian() {
        assertEquals(0.25, RobustThreshold.of(new double[] {0.25, 0.25, 0.25}, 3.0), 0);
    }
}
