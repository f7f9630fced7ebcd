package io.musc4j.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
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
        assertEquals(ThresholdRule.DEFAULT, ThresholdRule.parse("mad"));
        assertEquals(3.0, ThresholdRule.parse("mad:0").apply(SCORES));
    }

    @Test
    void fixedIsTheValue() {
        assertEquals(4.5, ThresholdRule.parse("fixed:4.5").apply(SCORES));
        assertEquals(-1.0, ThresholdRule.parse("fixed:-1").apply(SCORES));
    }

    @Test
    void rateLeavesTheExpectedShareAbove() {
        // 10 % of 10 → 1 image above: the threshold is the second highest score
        Verdicts v = Verdicts.of(SCORES, ThresholdRule.parse("rate:0.1"));
        assertEquals(5.0, v.threshold());
        assertArrayEquals(new boolean[] {false, false, false, false, false, false, false, false, false, true}, v.anomalous());
        // 25 % of 10 = 2.5 → 3 above: the threshold is the fourth highest score, 4; the two 4s tie with it
        // and stay below, so only 5 and 20 are above
        Verdicts tied = Verdicts.of(SCORES, ThresholdRule.parse("rate:0.25"));
        assertEquals(4.0, tied.threshold());
        assertEquals(2, tied.count());
        // a rate near 1 still leaves the lowest score normal
        assertEquals(1.0, ThresholdRule.parse("rate:0.99").apply(SCORES));
    }

    @Test
    void canonicalFormsParseBack() {
        for (String text : new String[] {"mad:3", "mad:2.5", "fixed:0.125", "rate:0.05"}) {
            ThresholdRule r = ThresholdRule.parse(text);
            assertEquals(text, r.canonical());
            assertEquals(r, ThresholdRule.parse(r.canonical()));
        }
        assertTrue(ThresholdRule.DEFAULT.describe().contains("median + 3 × 1.4826 × MAD"));
    }

    @Test
    void badRulesSayWhatIsAccepted() {
        for (String bad : new String[] {"mean:3", "fixed", "rate:x", "", "3"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThresholdRule.parse(bad));
            assertEquals("expected mad[:K], fixed:X or rate:P, got '" + bad + "'", e.getMessage());
        }
        assertEquals("rate:P needs 0 < P < 1 (a fraction, e.g. rate:0.05), got 5",
                assertThrows(IllegalArgumentException.class, () -> ThresholdRule.parse("rate:5")).getMessage());
        assertEquals("mad:K needs K >= 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> ThresholdRule.parse("mad:-1")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ThresholdRule.parse("fixed:NaN"));
    }

    @Test
    void precisionRecallAndF1AtTheThreshold() {
        Verdicts v = new Verdicts(0.5, new boolean[] {true, true, false, false, true});
        // labels: TP = images 0 and 4, FP = image 1, FN = image 3
        Map<String, Double> m = v.againstLabels(new int[] {1, 0, 0, 1, 1});
        assertEquals(2 / 3.0, m.get("image_precision_at_threshold"), 1e-15);
        assertEquals(2 / 3.0, m.get("image_recall_at_threshold"), 1e-15);
        assertEquals(4 / 6.0, m.get("image_f1_at_threshold"), 1e-15);
        Map<String, Double> none = new Verdicts(9, new boolean[3]).againstLabels(new int[] {1, 0, 0});
        assertTrue(none.get("image_precision_at_threshold").isNaN(), "nothing flagged: precision undefined");
        assertEquals(0.0, none.get("image_recall_at_threshold"));
        assertEquals(0.0, none.get("image_f1_at_threshold"));
    }
}
