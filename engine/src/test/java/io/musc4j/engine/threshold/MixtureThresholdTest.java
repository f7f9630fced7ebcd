package io.musc4j.engine.threshold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The default rule finds the normal parts whether defects are rare or the majority. */
class MixtureThresholdTest {

    /** 12 normal map maxima around 0.09 and {@code defects} defective ones from 0.20 to 0.30. */
    private static double[] set(int defects) {
        double[] s = new double[12 + defects];
        for (int i = 0; i < 12; i++) {
            s[i] = 0.085 + 0.001 * i;
        }
        for (int i = 0; i < defects; i++) {
            s[12 + i] = 0.20 + 0.10 * i / Math.max(1, defects - 1);
        }
        return s;
    }

    private static int above(double[] s, double t) {
        return (int) Arrays.stream(s).filter(v -> v > t).count();
    }

    @Test
    void majorityOfDefectsIsFoundWhereTheMadRuleFindsNone() {
        // 28 of 40 defective (70 %, as in MVTec AD's test sets): median and MAD describe the defects
        double[] s = set(28);
        assertEquals(0, above(s, ThresholdRule.parse("mad:3").apply(s)), "the MAD rule's failure this replaces");
        ThresholdRule.Threshold t = ThresholdRule.DEFAULT.fit(s);
        assertEquals(28, above(s, t.value()), "every defect above, every normal part below: " + t);
        assertTrue(t.how().startsWith("two groups; the normal group holds 30 %"), t.how());
    }

    @Test
    void rareDefectsAndEvenSharesToo() {
        for (int defects : new int[] {1, 2, 6, 12}) {
            double[] s = set(defects);
            assertEquals(defects, above(s, ThresholdRule.DEFAULT.apply(s)), defects + " defects");
        }
    }

    @Test
    void oneGroupFallsBackToTheMadOfTheLogScores() {
        // no outlier: one group; log scores' median ln 3, MAD of |ln x − ln 3| by hand
        double[] s = {1, 2, 2, 3, 3, 3, 4, 4, 5};
        double[] dev = {Math.log(3), Math.log(1.5), Math.log(1.5), 0, 0, 0, Math.log(4 / 3.0), Math.log(4 / 3.0),
            Math.log(5 / 3.0)};
        Arrays.sort(dev);
        MixtureThreshold.Fit f = MixtureThreshold.of(s, 3);
        assertFalse(f.twoGroups());
        assertEquals(Math.exp(Math.log(3) + 3 * 1.4826 * dev[4]), f.threshold(), 1e-12);
        assertEquals(0, above(s, f.threshold()), "alike parts: none anomalous");
    }

    @Test
    void otsuSplitsBetweenTheGroups() {
        assertEquals(5.5, MixtureThreshold.otsu(new double[] {1, 2, 3, 8, 9, 10}), 1e-12);
    }
}
