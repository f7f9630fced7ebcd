package io.musc4j.engine.metrics;

/**
 * Threshold-free ranking metrics of scores against binary labels, with scikit-learn's semantics
 * (SPEC §7): AUROC as {@code roc_auc_score} (tied scores get half credit), AP as
 * {@code average_precision_score} (Σ (Rₙ − Rₙ₋₁)·Pₙ over distinct thresholds, no interpolation) and
 * F1-max as the best 2PR/(P+R) over the {@code precision_recall_curve} points.
 *
 * <p>When one class is empty the reference reports 0 for all three, and so does this class.
 */
public record RankingScores(double auroc, double ap, double f1Max) {

    /** The reference's value when only one class is present. */
    public static final RankingScores DEGENERATE = new RankingScores(0, 0, 0);

    /**
     * Image-level metrics.
     *
     * @param labels non-zero = anomalous
     * @param scores one score per label, higher = more anomalous; NaN is rejected
     */
    public static RankingScores of(int[] labels, double[] scores) {
        if (labels.length != scores.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + scores.length + " scores");
        }
        int positives = 0;
        for (int label : labels) {
            positives += label != 0 ? 1 : 0;
        }
        long[] pos = new long[positives];
        long[] neg = new long[labels.length - positives];
        int p = 0;
        int q = 0;
        for (int i = 0; i < labels.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("image score " + i + " is NaN");
            }
            long key = SortKeys.ofDouble(scores[i]);
            if (labels[i] != 0) {
                pos[p++] = key;
            } else {
                neg[q++] = key;
            }
        }
        if (p == 0 || q == 0) {
            return DEGENERATE;
        }
        ScoreGroups groups = new ScoreGroups(SortedScores.sort(pos, null, p, true), null);
        groups.tally(SortedScores.sort(neg, null, q, true));
        Accumulator acc = new Accumulator(p, q);
        groups.sweep(acc);
        return acc.result();
    }

    /**
     * Accumulates the three metrics over a {@link ScoreGroups} sweep. Each step is a point of
     * scikit-learn's curves; the points it skips (thresholds only normal scores cross) add nothing
     * to AP and cannot hold the F1 maximum.
     */
    static final class Accumulator implements ScoreGroups.Listener {
        private final long positives;
        private final long negatives;
        private long prevTp;
        /** Twice the ROC area times positives·negatives: an exact integer (at most 2·P·N < 2^62). */
        private long rocArea2;
        private double ap;
        private double f1Max;

        Accumulator(long positives, long negatives) {
            this.positives = positives;
            this.negatives = negatives;
        }

        @Override
        public void step(long tp, long fpAbove, long fpAtOrAbove, double regionMass) {
            // each new anomalous score beats the normal scores below it and ties the equal ones
            rocArea2 += (tp - prevTp) * (2 * negatives - fpAbove - fpAtOrAbove);
            double precision = (double) tp / (tp + fpAtOrAbove);
            double recall = (double) tp / positives;
            ap += (recall - (double) prevTp / positives) * precision;
            if (precision + recall > 0) {
                f1Max = Math.max(f1Max, (2 * precision * recall) / (precision + recall));
            }
            prevTp = tp;
        }

        RankingScores result() {
            return new RankingScores(rocArea2 / (2.0 * positives * negatives), ap, f1Max);
        }
    }
}
