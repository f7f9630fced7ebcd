package io.musc4j.engine.metrics;

/**
 * Area under the per-region-overlap (PRO) curve up to a false-positive rate of 0.3, in two
 * flavours. PRO at a threshold is the mean, over all connected ground-truth regions of all images
 * (pooled, not per image), of the fraction of the region above the threshold; FPR is pooled over
 * all normal pixels.
 *
 * <ul>
 *   <li>{@link #reference}: the MuSc reference's {@code cal_pro_score} (SPEC §7): 200
 *       {@code numpy.arange} thresholds, {@code map > t}, the thresholds with FPR &lt; 0.3 kept,
 *       their FPRs rescaled by their own min and max, trapezoid of PRO over the rescaled FPR.
 *   <li>{@link Exact}: the MVTec AD evaluation code's (and anomalib's) definition: every distinct
 *       score is a threshold ({@code map >= t}), the curve runs from (0,0) to (1,1), it is integrated
 *       up to FPR 0.3 exactly (linear interpolation at the crossing) and divided by 0.3.
 * </ul>
 *
 * <p>Degenerate inputs return 0 instead of the reference's exception or NaN: no region or no normal
 * pixel, all maps equal (the reference's {@code arange} step is 0), fewer than two thresholds with
 * FPR &lt; 0.3, or all kept FPRs equal (the reference divides 0 by 0).
 */
final class Aupro {

    static final int STEPS = 200;
    static final double FPR_LIMIT = 0.3;

    private Aupro() {
    }

    /**
     * The reference's 200-threshold AUPRO.
     *
     * @param positives the anomalous scores, with their regions
     * @param regionSizes pixel count of each region; {@code positives.region(i)} indexes it
     * @param thresholds the thresholds over the global min and max score
     * @param negativesAbove per threshold, the number of normal scores {@code >} it
     * @param negativeTotal the number of normal scores
     */
    static double reference(SortedScores positives, int[] regionSizes, AuproThresholds thresholds, long[] negativesAbove,
            long negativeTotal) {
        int regions = regionSizes.length;
        int count = thresholds.count();
        if (regions == 0 || negativeTotal == 0 || count == 0) {
            return 0;
        }
        int bins = count + 1;
        // hist[r][b]: pixels of region r above exactly the b lowest thresholds
        int[] hist = new int[regions * bins];
        for (int i = 0; i < positives.size(); i++) {
            hist[positives.region(i) * bins + thresholds.below(positives.value(i))]++;
        }
        double[] proSum = new double[count];
        for (int r = 0; r < regions; r++) {
            long above = 0;
            for (int t = count - 1; t >= 0; t--) {
                above += hist[r * bins + t + 1];
                proSum[t] += (double) above / regionSizes[r];
            }
        }
        double[] fpr = new double[count];
        double[] pro = new double[count];
        int kept = 0;
        for (int t = 0; t < count; t++) {
            double f = (double) negativesAbove[t] / negativeTotal;
            if (f < FPR_LIMIT) {
                fpr[kept] = f;
                pro[kept++] = proSum[t] / regions;
            }
        }
        return rescaledArea(fpr, pro, kept);
    }

    /**
     * Rescales {@code fpr[0..n)} to [0,1] by its own min and max and integrates {@code pro} over it
     * with the trapezoid rule, signed as scikit-learn's {@code auc} does for a decreasing x.
     */
    private static double rescaledArea(double[] fpr, double[] pro, int n) {
        if (n < 2) {
            return 0;
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, fpr[i]);
            max = Math.max(max, fpr[i]);
        }
        if (!(max > min)) {
            return 0;
        }
        boolean decreasing = false;
        double area = 0;
        double prevX = (fpr[0] - min) / (max - min);
        for (int i = 1; i < n; i++) {
            double x = (fpr[i] - min) / (max - min);
            decreasing |= x < prevX;
            area += (x - prevX) * (pro[i] + pro[i - 1]) / 2.0;
            prevX = x;
        }
        // FPR never rises with the threshold, so a decreasing x is the only non-flat case
        return decreasing ? -area : area;
    }

    /**
     * The exact AUPRO, fed by a {@link ScoreGroups} sweep whose region mass is Σ 1/|region| over the
     * anomalous pixels at or above the value. Between two anomalous values the curve runs flat (only
     * normal pixels cross), so each step adds the point where the normal pixels above the value are
     * in and then the point with the value's own pixels of both classes.
     */
    static final class Exact implements ScoreGroups.Listener {
        private final long negatives;
        private final int regions;
        private double prevFpr;
        private double prevPro;
        private double area;
        private boolean done;

        Exact(long negatives, int regions) {
            this.negatives = negatives;
            this.regions = regions;
        }

        @Override
        public void step(long truePositives, long falsePositivesAbove, long falsePositivesAtOrAbove,
                double regionMass) {
            if (!done) {
                add((double) falsePositivesAbove / negatives, prevPro);
            }
            if (!done) {
                add((double) falsePositivesAtOrAbove / negatives, Math.min(1.0, regionMass / regions));
            }
        }

        private void add(double fpr, double pro) {
            if (fpr <= FPR_LIMIT) {
                area += (fpr - prevFpr) * (pro + prevPro) / 2;
                prevFpr = fpr;
                prevPro = pro;
                done = fpr == FPR_LIMIT;
            } else {
                double proAtLimit = prevPro + (pro - prevPro) * (FPR_LIMIT - prevFpr) / (fpr - prevFpr);
                area += (FPR_LIMIT - prevFpr) * (prevPro + proAtLimit) / 2;
                done = true;
            }
        }

        double result() {
            if (regions == 0 || negatives == 0) {
                return 0;
            }
            if (!done) {
                add(1, prevPro); // the normal pixels below the lowest anomalous one
            }
            return area / FPR_LIMIT;
        }
    }
}
