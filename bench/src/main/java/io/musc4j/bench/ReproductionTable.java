package io.musc4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Our per-category metrics beside the published ones, with the differences, and the verdict: the
 * reproduction passes when, for every metric, the mean over the categories that have a published
 * value differs from the published mean over the same categories by at most the tolerance (in
 * percentage points). Categories without a published row are shown with "–" and never fail it.
 */
final class ReproductionTable {

    private final PublishedResults published;
    private final Map<String, Map<String, Double>> ours;

    /**
     * @param ours per category, metrics as fractions in [0, 1] keyed as in {@code Metrics.toMap()}
     */
    ReproductionTable(PublishedResults published, Map<String, Map<String, Double>> ours) {
        this.published = published;
        this.ours = ours;
    }

    /** Our mean minus the published mean per metric, over the published categories we ran; null if none. */
    double[] meanDifferences() {
        List<String> both = ours.keySet().stream().filter(published.categories()::containsKey).toList();
        if (both.isEmpty()) {
            return null;
        }
        boolean all = both.size() == published.categories().size();
        double[] diff = new double[PublishedResults.METRICS.size()];
        for (int m = 0; m < diff.length; m++) {
            double o = 0;
            double p = 0;
            for (String c : both) {
                o += percent(ours.get(c), m);
                p += published.categories().get(c)[m];
            }
            // the published mean row is used as printed when every category was run
            diff[m] = o / both.size() - (all ? published.mean()[m] : p / both.size());
        }
        return diff;
    }

    /** Whether every mean difference is within {@code tolerance} percentage points (NaN fails). */
    boolean passes(double tolerance) {
        double[] d = meanDifferences();
        if (d == null) {
            return true;
        }
        for (double v : d) {
            if (!(Math.abs(v) <= tolerance)) {
                return false;
            }
        }
        return true;
    }

    /** The table as text: for each category three lines, ours / published / difference. */
    String render() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-14s %-9s", "category", ""));
        for (String m : PublishedResults.METRICS) {
            b.append(String.format(Locale.ROOT, " %12s", m));
        }
        b.append('\n');
        List<String> rows = new ArrayList<>(ours.keySet());
        for (String c : rows) {
            double[] o = new double[PublishedResults.METRICS.size()];
            for (int m = 0; m < o.length; m++) {
                o[m] = percent(ours.get(c), m);
            }
            double[] p = published.categories().get(c);
            line(b, c, "ours", o);
            line(b, "", "published", p);
            line(b, "", "diff", p == null ? null : minus(o, p));
        }
        double[] d = meanDifferences();
        if (d != null) {
            line(b, "mean", "diff", d);
        } else {
            b.append("mean diff: – (no category of this folder has a published row)\n");
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String category, String what, double[] v) {
        b.append(String.format(Locale.ROOT, "%-14s %-9s", category, what));
        for (int m = 0; m < PublishedResults.METRICS.size(); m++) {
            b.append(v == null || Double.isNaN(v[m]) ? String.format(Locale.ROOT, " %12s", "–")
                    : String.format(Locale.ROOT, " %12.2f", v[m]));
        }
        b.append('\n');
    }

    private static double[] minus(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    private static double percent(Map<String, Double> metrics, int m) {
        Double v = metrics.get(PublishedResults.METRICS.get(m));
        return v == null ? Double.NaN : 100 * v;
    }
}
