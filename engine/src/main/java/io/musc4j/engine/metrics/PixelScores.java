package io.musc4j.engine.metrics;

import java.util.Arrays;

/**
 * All pixels of a category sorted once, anomalous and normal apart, each anomalous pixel with its
 * ground-truth region (8-connected, pooled over images). Every pixel metric is a sweep over these.
 *
 * <p>How it stays fast at MVTec scale (hundreds of images of 518² pixels): each score becomes an
 * order-preserving integer key and the two classes are radix-sorted. One descending sweep over the
 * distinct values gives AUROC, AP and F1-max, another the exact AUPRO; the reference AUPRO reads
 * its 200 thresholds' counts from the same arrays (binary searches for the normal pixels, per-region
 * histograms for the anomalous ones) instead of relabelling every image 200 times.
 *
 * <p>When there is no anomalous or no normal pixel, every pixel metric is 0, as in the reference.
 */
public final class PixelScores {

    private final SortedScores positives;
    private final SortedScores negatives;
    private final int[] regionSizes;

    private PixelScores(SortedScores positives, SortedScores negatives, int[] regionSizes) {
        this.positives = positives;
        this.negatives = negatives;
        this.regionSizes = regionSizes;
    }

    /** Labels the regions and sorts the scores; NaN scores are rejected. */
    public static PixelScores of(PixelData pixels) {
        long positiveCount = 0;
        for (byte[] mask : pixels.masks()) {
            for (byte v : mask) {
                positiveCount += v != 0 ? 1 : 0;
            }
        }
        long total = (long) pixels.count() * pixels.pixelsPerImage();
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
                regionSizes = Arrays.copyOf(regionSizes, Math.max(2 * regionSizes.length, regions + found));
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
        boolean doubleKeys = pixels.isDouble();
        return new PixelScores(new SortedScores(posKeys, posRegions, p, doubleKeys),
                new SortedScores(negKeys, null, q, doubleKeys), Arrays.copyOf(regionSizes, regions));
    }

    private boolean degenerate() {
        return positives.size() == 0 || negatives.size() == 0;
    }

    /** Pixel AUROC, AP and F1-max. */
    public RankingScores ranking() {
        return RankingScores.of(positives, negatives);
    }

    /** The reference's 200-threshold AUPRO (SPEC §7). */
    public double aupro() {
        return degenerate() ? 0 : Aupro.reference(positives, negatives, regionSizes);
    }

    /** The exact AUPRO (every distinct threshold, integrated to FPR 0.3, divided by 0.3). */
    public double auproExact() {
        if (degenerate()) {
            return 0;
        }
        double[] regionWeights = new double[regionSizes.length];
        for (int r = 0; r < regionSizes.length; r++) {
            regionWeights[r] = 1.0 / regionSizes[r];
        }
        Aupro.Exact exact = new Aupro.Exact(negatives.size(), regionSizes.length);
        ThresholdSweep.run(positives, negatives, regionWeights, exact);
        return exact.result();
    }

    /** Number of ground-truth regions over all images. */
    public int regionCount() {
        return regionSizes.length;
    }
}
