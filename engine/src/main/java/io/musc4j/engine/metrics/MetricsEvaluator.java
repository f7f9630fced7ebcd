package io.musc4j.engine.metrics;

/** Computes all metrics of one category (SPEC §7); see {@link PixelScores} for how. */
public final class MetricsEvaluator {

    private MetricsEvaluator() {
    }

    /**
     * Image- and pixel-level metrics of one category.
     *
     * @param labels image labels, non-zero = anomalous
     * @param imageScores image scores, higher = more anomalous
     * @param pixels the anomaly maps and ground-truth masks of the same images
     */
    public static Metrics evaluate(int[] labels, double[] imageScores, PixelData pixels) {
        if (labels.length != pixels.count()) {
            throw new IllegalArgumentException(labels.length + " labels but " + pixels.count() + " maps");
        }
        RankingScores image = RankingScores.of(labels, imageScores);
        PixelScores sorted = PixelScores.of(pixels);
        return Metrics.of(image, sorted.ranking(), sorted.aupro(), sorted.auproExact());
    }
}
