package io.musc4j.run;

import java.util.Locale;
import java.util.Map;

/**
 * What a run prints about its categories: a line per category as it finishes ({@link #counts}), and the
 * table when the run ends: images scored, unreadable images skipped, verdicts at the label-free
 * threshold, the metrics where labels exist, and the categories that could not be scored.
 */
final class Summary {

    private Summary() {
    }

    /** "18 images scored, 1 unreadable skipped; 3 anomalous above threshold 0.7312 (mad:3)". */
    static String counts(CategorySummary r) {
        return String.format(Locale.ROOT, "%d images scored, %d unreadable skipped; %d anomalous above threshold %.4g (%s)",
                r.images().size(), r.skipped(), r.anomalous(), r.decision().threshold(), r.decision().rule());
    }

    static String table(Map<String, CategorySummary> results, Map<String, String> failures) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n%-16s %6s %7s %9s %9s %8s %8s %8s %8s %8s %8s%n", "category", "images",
                "skipped", "anomalous", "threshold", "I-AUROC", "I-AP", "I-F1@thr", "P-AUROC", "AUPRO", "time"));
        results.forEach((name, r) -> {
            Map<String, Double> m = r.metricsIfAny().orElse(Map.of());
            long ms = r.timingsMs().values().stream().mapToLong(Long::longValue).sum();
            sb.append(String.format(Locale.ROOT, "%-16s %6d %7d %9d %9.4g %8s %8s %8s %8s %8s %8s%n", name,
                    r.images().size(), r.skipped(), r.anomalous(), r.decision().threshold(),
                    pct(m.get("image_auroc")), pct(m.get("image_ap")), pct(m.get("image_f1_at_threshold")),
                    pct(m.get("pixel_auroc")), pct(m.get("pixel_aupro")), ConsoleBars.duration(ms / 1000.0)));
        });
        failures.forEach((name, why) -> sb.append(String.format(Locale.ROOT, "%-16s not scored: %s%n", name, why)));
        return sb.toString();
    }

    private static String pct(Double v) {
        return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%.2f", 100 * v);
    }
}
