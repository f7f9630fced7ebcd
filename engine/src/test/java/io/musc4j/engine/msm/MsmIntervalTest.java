package io.musc4j.engine.msm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MsmIntervalTest {

    private static MsmInterval.Ranks r(int low, int high) {
        return new MsmInterval.Ranks(low, high);
    }

    @Test
    void ranksFollowTheReferenceRule() {
        assertEquals(r(0, 5), MsmInterval.DEFAULT.ranks(17));            // N = 18: int(17 * 0.3) = 5
        assertEquals(r(0, 59), MsmInterval.DEFAULT.ranks(199));          // int(59.7)
        assertEquals(r(3, 10), new MsmInterval(0.2, 0.6).ranks(17));     // int(3.4), int(10.2)
        assertEquals(r(2, 5), new MsmInterval(2, 5).ranks(17));          // counts
        assertEquals(r(0, 5), new MsmInterval(0.3, 0).ranks(17));        // swapped bounds
    }

    @Test
    void smallSetsGetOneValueWhereTheReferenceGivesNaN() {
        assertEquals(r(0, 1), MsmInterval.DEFAULT.ranks(3));   // N = 4: int(0.9) = 0
        assertEquals(r(0, 1), MsmInterval.DEFAULT.ranks(1));
        assertEquals(r(0, 1), MsmInterval.DEFAULT.ranks(4));   // N = 5: int(1.2) = 1
        assertEquals(r(4, 5), new MsmInterval(9, 12).ranks(5)); // counts beyond n are clamped
        assertThrows(IllegalArgumentException.class, () -> new MsmInterval(-0.1, 0.3));
    }
}
