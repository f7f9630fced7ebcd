package io.musc4j.cli;

import java.util.Arrays;

/** The label-free rules and their scores against labels, computed by hand from their definitions. */
final class ByHand {

    private ByHand() {
    }

    /** median + k · 1.4826 · MAD, the median of an even count being the mean of the middle two. */
    static double mad(double[] xs, double k) {
        double median = median(xs);
        double[] dev = Arrays.stream(xs).map(x -> Math.abs(x - median)).toArray();
        return median + k * 1.4826 * median(dev);
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** F1 of "anomalous" verdicts against labels (1 = anomalous): 2·TP / (2·TP + FP + FN). */
    static double f1(boolean[] anomalous, int[] labels) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int i = 0; i < labels.length; i++) {
            tp += labels[i] == 1 && anomalous[i] ? 1 : 0;
            fp += labels[i] == 0 && anomalous[i] ? 1 : 0;
            fn += labels[i] == 1 && !anomalous[i] ? 1 : 0;
        }
        return 2.0 * tp / (2.0 * tp + fp + fn);
    }
}
