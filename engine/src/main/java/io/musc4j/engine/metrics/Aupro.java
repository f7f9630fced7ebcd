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
     * @param regionSizes pixel count of each region; {@code positives.region(i)} indexes it
     */
    static double reference(SortedScores positives, SortedScores negatives, int[] regionSizes) {
        int regions = regionSizes.length;
        if (regions == 0 || negatives.size() == 0) {
            return 0;
        }
        double lo = Math.min(positives.value(0), negatives.value(0));
        double hi = Math.max(positives.value(positives.size() - 1), negatives.value(negatives.size() - 1));
        if (!(hi > lo)) {
            return 0;
        }
        double[] thresholds = arangeThresholds(lo, hi);
        int count = thresholds.length;
        int bins = count + 1;
        // hist[r][b]: pixels of region r above exactly b thresholds (thresholds ascend, test is s > t)
        int[] hist = new int[regions * bins];
        int b = 0;
        for (int i = 0; i < positives.size(); i++) {
            double s = positives.value(i);
            while (b < count && thresholds[b] < s) {
                b++;
            }
            hist[positives.region(i) * bins + b]++;
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
            double f = (double) (negatives.size() - negatives.countAtMost(thresholds[t])) / negatives.size();
            if (f < FPR_LIMIT) {
                fpr[kept] = f;
                pro[kept++] = proSum[t] / regions;
            }
        }
        return rescaledArea(fpr, pro, kept);
    }

    /**
     * {@code numpy.arange(lo, hi, (hi - lo) / 200)}: length ceil((hi − lo)/step), element 1 is
     * lo + step and element i ≥ 2 is lo + i·(element 1 − lo), as numpy fills it.
     */
    static double[] arangeThresholds(double lo, double hi) {
        double step = (hi - lo) / STEPS;
        int count = (int) Math.ceil((hi - lo) / step);
        double[] t = new double[count];
        t[0] = lo;
        if (count > 1) {
            t[1] = lo + step;
            double delta = t[1] - lo;
            for (int i = 2; i < count; i++) {
                t[i] = lo + i * delta;
            }
        }
        return t;
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
     * The exact AUPRO, fed by a {@link ThresholdSweep} whose region mass is Σ 1/|region| over the
     * anomalous pixels at or above the threshold.
     */
    static final class Exact implements ThresholdSweep.Listener {
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
        public void step(long truePositives, long falsePositives, double regionMass) {
            if (done) {
                return;
            }
            add((double) falsePositives / negatives, Math.min(1.0, regionMass / regions));
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
                add(1, 1); // the curve's closing (1,1) point
            }
            return area / FPR_LIMIT;
        }
    }
}
