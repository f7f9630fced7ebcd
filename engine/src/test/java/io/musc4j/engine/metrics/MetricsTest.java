package io.musc4j.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The result record's metrics.json view and the mean over categories. */
class MetricsTest {

    @Test
    void mapHasTheMetricsJsonKeysInOrder() {
        Map<String, Double> m = new Metrics(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8).toMap();
        assertEquals(List.of("image_auroc", "image_ap", "image_f1_max", "pixel_auroc", "pixel_ap", "pixel_f1_max",
                "pixel_aupro", "pixel_aupro_exact"), List.copyOf(m.keySet()));
        assertEquals(List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8), List.copyOf(m.values()));
    }

    @Test
    void meanIsFieldByField() {
        Metrics a = new Metrics(1, 0, 0.5, 0.25, 0, 1, 0.5, 0);
        Metrics b = new Metrics(0, 0, 0.25, 0.75, 1, 1, 0, 0.5);
        assertEquals(new Metrics(0.5, 0, 0.375, 0.5, 0.5, 1, 0.25, 0.25), Metrics.mean(List.of(a, b)));
    }
}
