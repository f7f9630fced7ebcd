package io.musc4j.engine.metrics;

/**
 * The distinct anomalous scores in ascending order, with what every curve needs at them: the
 * anomalous count (and region mass) of each value and, filled in by {@link #tally}, how many normal
 * scores lie strictly between consecutive values, exactly on each value and above the highest.
 *
 * <p>That is enough for scikit-learn's curves: at a threshold that only normal scores cross, recall
 * and PRO do not move, so AP gains nothing there, F1 only falls and the ROC and PRO curves run
 * straight; every metric can be evaluated at the anomalous values alone.
 */
final class ScoreGroups {

    /** Receives the curve at each distinct anomalous value, from the highest down. */
    interface Listener {
        /**
         * @param truePositives anomalous scores {@code >=} the value
         * @param falsePositivesAbove normal scores {@code >} the value
         * @param falsePositivesAtOrAbove normal scores {@code >=} the value
         * @param regionMass Σ region weight over the anomalous scores {@code >=} the value
         */
        void step(long truePositives, long falsePositivesAbove, long falsePositivesAtOrAbove, double regionMass);
    }

    private final long[] keys;
    private final long[] positives;
    private final double[] mass;
    private final int size;
    /** Normal counts: slot 2k = strictly below value k (and above k−1), 2k+1 = equal, 2·size = above all. */
    private final long[] negatives;

    /**
     * @param regionWeights weight of each region of {@code sorted} (1/|region|), or {@code null}
     */
    ScoreGroups(SortedScores sorted, double[] regionWeights) {
        int n = sorted.size();
        long[] k = new long[n];
        long[] c = new long[n];
        double[] w = regionWeights == null ? null : new double[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (m == 0 || sorted.key(i) != k[m - 1]) {
                k[m++] = sorted.key(i);
            }
            c[m - 1]++;
            if (w != null) {
                w[m - 1] += regionWeights[sorted.region(i)];
            }
        }
        this.keys = k;
        this.positives = c;
        this.mass = w;
        this.size = m;
        this.negatives = new long[2 * m + 1];
    }

    /** Counts the normal scores, given in ascending order, against the anomalous values. */
    void tally(SortedScores normals) {
        int k = 0;
        for (int i = 0; i < normals.size(); i++) {
            long key = normals.key(i);
            while (k < size && keys[k] < key) {
                k++;
            }
            negatives[k < size && keys[k] == key ? 2 * k + 1 : 2 * k]++;
        }
    }

    /** Walks the distinct anomalous values from the highest down. */
    void sweep(Listener listener) {
        long tp = 0;
        long fp = negatives[2 * size];
        double regionMass = 0;
        for (int k = size - 1; k >= 0; k--) {
            long atOrAbove = fp + negatives[2 * k + 1];
            tp += positives[k];
            if (mass != null) {
                regionMass += mass[k];
            }
            listener.step(tp, fp, atOrAbove, regionMass);
            fp = atOrAbove + negatives[2 * k];
        }
    }
}
