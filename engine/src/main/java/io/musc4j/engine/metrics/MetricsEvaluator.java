package io.musc4j.engine.metrics;

/**
 * Computes all metrics of one category (SPEC §7).
 *
 * <p>How it stays fast at MVTec scale (hundreds of images of 518² pixels): every pixel becomes an
 * order-preserving integer key, the anomalous and the normal pixels are radix-sorted separately (the
 * anomalous ones with their ground-truth region alongside), and then one descending sweep over the
 * distinct values yields AUROC, AP, F1-max and the exact AUPRO together. The reference AUPRO reads
 * its 200 thresholds' counts from the same sorted arrays: binary searches for the normal pixels and
 * per-region histograms for the anomalous ones.
 */
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
        return pixelMetrics(image, pixels);
    }

    private static Metrics pixelMetrics(RankingScores image, PixelData pixels) {
        long positiveCount = 0;
        for (byte[] mask : pixels.masks()) {
            for (byte v : mask) {
                positiveCount += v != 0 ? 1 : 0;
            }
        }
        long total = (long) pixels.count() * pixels.pixelsPerImage();
        if (positiveCount == 0 || positiveCount == total) {
            return Metrics.of(image, RankingScores.DEGENERATE, 0, 0);
        }
        long[] posKeys = new long[Math.toIntExact(positiveCount)];
        int[] posRegions = new int[posKeys.length];
        long[] negKeys = new long[Math.toIntExact(total - positiveCount)];
        int[] regionSizes = new int[16];
        int regions = 0;
        int p = 0;
        int q = 0;
        RegionLabeler labeler = new RegionLabeler(pixels.height(), pixels.width());
        for (int img = 0; img < pixels.count(); img++) {
            byte[] mask = pixels.masks()[img];
            int found = labeler.label(mask);
            if (regions + found > regionSizes.length) {
                regionSizes = java.util.Arrays.copyOf(regionSizes, Math.max(2 * regionSizes.length, regions + found));
            }
            for (int px = 0; px < mask.length; px++) {
                long key = pixels.key(img, px);
                if (mask[px] != 0) {
                    int region = regions + labeler.label(px) - 1;
                    regionSizes[region]++;
                    posRegions[p] = region;
                    posKeys[p++] = key;
                } else {
                    negKeys[q++] = key;
                }
            }
            regions += found;
        }
        regionSizes = java.util.Arrays.copyOf(regionSizes, regions);
        boolean doubleKeys = pixels.isDouble();
        SortedScores positives = new SortedScores(posKeys, posRegions, p, doubleKeys);
        SortedScores negatives = new SortedScores(negKeys, null, q, doubleKeys);

        double[] regionWeights = new double[regions];
        for (int r = 0; r < regions; r++) {
            regionWeights[r] = 1.0 / regionSizes[r];
        }
        RankingScores.Accumulator ranking = new RankingScores.Accumulator(p, q);
        Aupro.Exact exact = new Aupro.Exact(q, regions);
        ThresholdSweep.run(positives, negatives, regionWeights, (tp, fp, mass) -> {
            ranking.step(tp, fp, mass);
            exact.step(tp, fp, mass);
        });
        double aupro = Aupro.reference(positives, negatives, regionSizes);
        return Metrics.of(image, ranking.result(), aupro, exact.result());
    }
}
