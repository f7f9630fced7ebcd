package io.musc4j.engine.threshold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The label-free threshold rules and verdicts on hand-computed cases. */
class ThresholdRuleTest {

    /** Nine normal-looking scores and one outlier. */
    private static final double[] SCORES = {1, 2, 2, 3, 3, 3, 4, 4, 5, 20};

    @Test
    void madIsMedianPlusKScaledMads() {
        // median 3; |x − 3| = 2,1,1,0,0,0,1,1,2,17 → sorted 0,0,0,1,1,1,1,2,2,17 → MAD 1
        assertEquals(3 + 3 * 1.4826, ThresholdRule.parse("mad:3").apply(SCORES), 1e-12);
        assertEquals(3 + 1.5 * 1.4826, ThresholdRule.parse("MAD:1.5").apply(SCORES), 1e-12);
        assertEquals(ThresholdRule.parse("mad:3"), ThresholdRule.parse("mad"));
        assertEquals(3.0, ThresholdRule.parse("mad:0").apply(SCORES));
    }

    @Test
    void fixedIsTheValue() {
        assertEquals(4.5, ThresholdRule.parse("fixed:4.5").apply(SCORES));
        assertEquals(-1.0, ThresholdRule.parse("fixed:-1").apply(SCORES));
    }

    @Test
    void rateIsTheScoreBelowTheExpectedShare() {
        // 10 % of 10 → 1 image above: the second highest score; 25 % → 3 above: the fourth highest, 4
        assertEquals(5.0, ThresholdRule.parse("rate:0.1").apply(SCORES));
        assertEquals(4.0, ThresholdRule.parse("rate:0.25").apply(SCORES));
        // a rate near 1 still leaves the lowest score normal
        assertEquals(1.0, ThresholdRule.parse("rate:0.99").apply(SCORES));
    }

    @Test
    void canonicalFormsParseBack() {
        for (String text : new String[] {"mixture:3", "mixture:2.5", "mad:3", "mad:2.5", "fixed:0.125", "rate:0.05"}) {
            ThresholdRule r = ThresholdRule.parse(text);
            assertEquals(text, r.canonical());
            assertEquals(r, ThresholdRule.parse(r.canonical()));
        }
        assertTrue(ThresholdRule.parse("mad:3").describe().contains("median + 3 × 1.4826 × MAD"));
        assertEquals(ThresholdRule.parse("mixture:3"), ThresholdRule.DEFAULT);
        assertEquals(ThresholdRule.DEFAULT, ThresholdRule.parse("mixture"));
    }

    @Test
    void badRulesSayWhatIsAccepted() {
        for (String bad : new String[] {"mean:3", "fixed", "rate:x", "", "3"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThresholdRule.parse(bad));
            assertEquals("expected mixture[:K], mad[:K], fixed:X or rate:P, got '" + bad + "'", e.getMessage());
        }
        assertEquals("rate:P needs 0 < P < 1 (a fraction, e.g. rate:0.05), got 5",
                assertThrows(IllegalArgumentException.class, () -> ThresholdRule.parse("rate:5")).getMessage());
        assertEquals("mad:K needs K >= 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> ThresholdRule.parse("mad:-1")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ThresholdRule.parse("fixed:NaN"));
    }

}
