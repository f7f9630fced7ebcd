package io.musc4j.batch;

import io.musc4j.engine.threshold.ThresholdRule;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The label-free decision for a category: its threshold and, per image, whether its score is above
 * it. Where labels exist, {@link #againstLabels} says what this decision achieved, to set beside the
 * F1-max, which picks the best threshold with the labels (an oracle a zero-shot user does not have).
 *
 * @param threshold the threshold
 * @param anomalous per image, score &gt; threshold
 */
public record Verdicts(double threshold, boolean[] anomalous) {

    public Verdicts {
        anomalous = anomalous.clone();
    }

    /** The verdicts of {@code scores} under {@code rule}. */
    public static Verdicts of(double[] scores, ThresholdRule rule) {
        return at(scores, rule.apply(scores));
    }

    /** The verdicts of {@code scores} at threshold {@code t}: anomalous when above it. */
    public static Verdicts at(double[] scores, double t) {
        boolean[] above = new boolean[scores.length];
        for (int i = 0; i < scores.length; i++) {
            above[i] = scores[i] > t;
        }
        return new Verdicts(t, above);
    }

    @Override
    public boolean[] anomalous() {
        return anomalous.clone();
    }

    /** Whether image {@code i} is judged anomalous. */
    public boolean anomalous(int i) {
        return anomalous[i];
    }

    /** Number of images judged anomalous. */
    public int count() {
        int n = 0;
        for (boolean a : anomalous) {
            n += a ? 1 : 0;
        }
        return n;
    }

    /**
     * Precision, recall and F1 of the verdicts against {@code labels} (1 = anomalous), under the
     * {@code metrics.json} keys {@code image_precision_at_threshold}, {@code image_recall_at_threshold}
     * and {@code image_f1_at_threshold}. F1 = 2·TP / (2·TP + FP + FN); precision is NaN when no image is
     * judged anomalous, recall when no image is labelled anomalous.
     */
    public Map<String, Double> againstLabels(int[] labels) {
        if (labels.length != anomalous.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + anomalous.length + " verdicts");
        }
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int i = 0; i < labels.length; i++) {
            boolean bad = labels[i] == 1;
            tp += bad && anomalous[i] ? 1 : 0;
            fp += !bad && anomalous[i] ? 1 : 0;
            fn += bad && !anomalous[i] ? 1 : 0;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("image_precision_at_threshold", tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp));
        m.put("image_recall_at_threshold", tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn));
        m.put("image_f1_at_threshold", tp + fp + fn == 0 ? Double.NaN : 2.0 * tp / (2.0 * tp + fp + fn));
        return m;
    }
}
