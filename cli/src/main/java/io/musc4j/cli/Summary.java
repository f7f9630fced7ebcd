package io.musc4j.cli;

import java.util.Locale;
import java.util.Map;

/** The table printed when a run ends: one line per category (images scored, unreadable images skipped). */
final class Summary {

    private Summary() {
    }

    static String table(Map<String, CategorySummary> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n%-16s %6s %7s %8s %8s %8s %8s %8s%n", "category", "images",
                "skipped", "I-AUROC", "I-AP", "P-AUROC", "AUPRO", "time"));
        results.forEach((name, r) -> {
            Map<String, Double> m = r.metricsIfAny().orElse(Map.of());
            long ms = r.timingsMs().values().stream().mapToLong(Long::longValue).sum();
            sb.append(String.format(Locale.ROOT, "%-16s %6d %7d %8s %8s %8s %8s %8s%n", name, r.images().size(),
                    r.skipped(),
                    pct(m.get("image_auroc")), pct(m.get("image_ap")), pct(m.get("pixel_auroc")),
                    pct(m.get("pixel_aupro")), ConsoleBars.duration(ms / 1000.0)));
        });
        return sb.toString();
    }

    private static String pct(Double v) {
        return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%.2f", 100 * v);
    }
}
