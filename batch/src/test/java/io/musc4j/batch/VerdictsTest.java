package io.musc4j.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.engine.threshold.ThresholdRule;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Verdicts at a rule's threshold, and what they achieve against labels, on hand-computed cases. */
class VerdictsTest {

    /** Nine normal-looking scores and one outlier. */
    private static final double[] SCORES = {1, 2, 2, 3, 3, 3, 4, 4, 5, 20};

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
