package io.musc4j.batch;

import io.musc4j.datasets.Category;
import io.musc4j.datasets.Sample;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Metrics only where they are defined. The reference reports 0 for AUROC, AP and F1-max when a category
 * has only normal or only anomalous images (and the engine, held to parity, does too); written as 0.00
 * and averaged in, such a category would halve a mean. Here they become NaN, which the writers show as
 * absent ({@code null}, "–") and leave out of the means: every {@code image_} metric when either class is
 * missing, every {@code pixel_} metric when no image is anomalous (no mask has an anomalous pixel).
 */
public final class DefinedMetrics {

    private DefinedMetrics() {
    }

    /** {@code metrics} (name → value) of the fully labelled {@code category}, undefined ones as NaN. */
    public static Map<String, Double> of(Category category, Map<String, Double> metrics) {
        long anomalous = category.samples().stream().map(Sample::label)
                .filter(l -> l.isPresent() && l.getAsInt() != 0).count();
        boolean bothClasses = anomalous > 0 && anomalous < category.samples().size();
        Map<String, Double> defined = new LinkedHashMap<>();
        metrics.forEach((name, v) -> defined.put(name, name.startsWith("image_") && !bothClasses
                || name.startsWith("pixel_") && anomalous == 0 ? Double.NaN : v));
        return defined;
    }
}
