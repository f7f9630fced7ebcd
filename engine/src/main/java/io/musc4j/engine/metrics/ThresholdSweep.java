package io.musc4j.engine.metrics;

/**
 * Walks the distinct score values of two sorted classes from the highest down, as scikit-learn's
 * {@code _binary_clf_curve} does: every distinct value is one threshold {@code score >= t}, and
 * exactly equal scores of either class fall into the same step.
 */
final class ThresholdSweep {

    /** Receives the cumulative counts after each threshold, highest threshold first. */
    interface Listener {
        /**
         * @param truePositives anomalous scores at or above the threshold
         * @param falsePositives normal scores at or above the threshold
         * @param regionMass sum over those anomalous scores of their region weight
         */
        void step(long truePositives, long falsePositives, double regionMass);
    }

    private ThresholdSweep() {
    }

    /**
     * @param regionWeights weight of each region of {@code positives} (1/|region|), or {@code null}
     *     when the positives carry no regions
     */
    static void run(SortedScores positives, SortedScores negatives, double[] regionWeights, Listener listener) {
        int i = positives.size() - 1;
        int j = negatives.size() - 1;
        long tp = 0;
        long fp = 0;
        double mass = 0;
        while (i >= 0 || j >= 0) {
            long t;
            if (i < 0) {
                t = negatives.key(j);
            } else if (j < 0) {
                t = positives.key(i);
            } else {
                t = Math.max(positives.key(i), negatives.key(j));
            }
            while (i >= 0 && positives.key(i) == t) {
                if (regionWeights != null) {
                    mass += regionWeights[positives.region(i)];
                }
                tp++;
                i--;
            }
            while (j >= 0 && negatives.key(j) == t) {
                fp++;
                j--;
            }
            listener.step(tp, fp, mass);
        }
    }
}
