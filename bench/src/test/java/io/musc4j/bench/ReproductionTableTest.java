package io.musc4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReproductionTableTest {

    /** MVTec AD bottle as published: 99.92 99.21 99.98 98.48 79.17 83.04 96.10 (percent). */
    private static final double[] BOTTLE = {99.92, 99.21, 99.98, 98.48, 79.17, 83.04, 96.10};

    private static Map<String, Double> fractions(double[] percent) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < percent.length; i++) {
            m.put(PublishedResults.METRICS.get(i), percent[i] / 100);
        }
        return m;
    }

    @Test
    void readsThePublishedMvtecTable() {
        PublishedResults p = PublishedResults.of("mvtec");
        assertEquals(15, p.categories().size());
        assertArrayEquals(BOTTLE, p.categories().get("bottle"), 0);
        assertArrayEquals(new double[] {97.77, 97.37, 99.07, 97.11, 62.16, 62.26, 93.45}, p.mean(), 0);
    }

    @Test
    void meanOverThePublishedCategoriesRunDecidesTheVerdict() {
        double[] bottle = BOTTLE.clone();
        bottle[0] -= 2.0; // image AUROC two points below the paper
        Map<String, Map<String, Double>> ours = new LinkedHashMap<>();
        ours.put("bottle", fractions(bottle));
        ours.put("brick", fractions(new double[] {50, 50, 50, 50, 50, 50, 50})); // unpublished: shown, never judged
        ReproductionTable t = new ReproductionTable(PublishedResults.of("mvtec"), ours);
        double[] d = t.meanDifferences();
        assertEquals(-2.0, d[0], 1e-9);
        for (int m = 1; m < d.length; m++) {
            assertEquals(0.0, d[m], 1e-9);
        }
        assertFalse(t.passes(0.5));
        assertTrue(t.passes(2.5));
        String text = t.render();
        assertTrue(text.contains("brick"), text);
        assertTrue(text.lines().anyMatch(l -> l.contains("published") && l.contains("–")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("mean") && l.contains("-2.00")), text);
    }

    @Test
    void aFolderWithoutPublishedCategoriesNeverFails() {
        Map<String, Map<String, Double>> ours = Map.of("brick256", fractions(new double[] {10, 10, 10, 10, 10, 10, 10}));
        ReproductionTable t = new ReproductionTable(PublishedResults.of("mvtec"), ours);
        assertNull(t.meanDifferences());
        assertTrue(t.passes(0.0));
        assertTrue(t.render().contains("no category of this folder has a published row"));
    }

    @Test
    void allCategoriesAreComparedWithThePrintedMeanRow() {
        PublishedResults p = PublishedResults.of("mvtec");
        Map<String, Map<String, Double>> ours = new LinkedHashMap<>();
        p.categories().forEach((c, v) -> ours.put(c, fractions(v)));
        // the 15 published image AUROCs average 97.774; the printed mean row says 97.77
        assertEquals(0.004, new ReproductionTable(p, ours).meanDifferences()[0], 1e-9);
    }

    @Test
    void aMissingMetricFailsTheVerdict() {
        Map<String, Double> m = fractions(BOTTLE);
        m.put("pixel_aupro", Double.NaN);
        ReproductionTable t = new ReproductionTable(PublishedResults.of("mvtec"), Map.of("bottle", m));
        assertFalse(t.passes(100));
    }
}
