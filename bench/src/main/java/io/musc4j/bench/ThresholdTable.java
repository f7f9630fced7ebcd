package io.musc4j.bench;

import io.musc4j.batch.Verdicts;
import io.musc4j.engine.metrics.RankingScores;
import io.musc4j.engine.threshold.ThresholdRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The table of {@code musc bench thresholds}: per case, F1-max of map_max and of the final score (the
 * best any threshold could do, with the labels), then per rule the F1 of its label-free verdicts on
 * map_max and the share of good parts it flags; below, per rule, the three targets: over the
 * cases with F1-max ≥ 0.5, mean F1 ≥ 0.8 × mean F1-max; no case under 0.5 where F1-max ≥ 0.8; at
 * defect shares ≤ 10 %, at most 15 % of the good parts flagged. F1-max here is the larger of the two.
 * The last column, {@code old}, is the former default: mad:3 on the final (RsCIN) score.
 */
final class ThresholdTable {

    private ThresholdTable() {
    }

    static String render(List<ThresholdCases.Case> cases, List<ThresholdRule> rules) {
        StringBuilder t = new StringBuilder("| backbone | images | defects | F1-max map_max / score |");
        for (ThresholdRule r : rules) {
            t.append(' ').append(r.canonical()).append(" F1 (good flagged) |");
        }
        t.append(" old: mad:3 on score F1 (good flagged) |\n|---|---|---|---|");
        t.append("---|".repeat(rules.size() + 1)).append('\n');
        int columns = rules.size() + 1;
        List<double[]> f1 = new ArrayList<>();
        List<double[]> flagged = new ArrayList<>();
        double[] best = new double[cases.size()];
        for (int k = 0; k < cases.size(); k++) {
            ThresholdCases.Case c = cases.get(k);
            double[] finals = new double[c.score().length];
            for (int i = 0; i < finals.length; i++) {
                finals[i] = c.score()[i];
            }
            double maxMap = RankingScores.of(c.labels(), c.mapMax()).f1Max();
            double maxScore = RankingScores.of(c.labels(), finals).f1Max();
            best[k] = Math.max(maxMap, maxScore);
            t.append(String.format(Locale.ROOT, "| %s | %s, %d | %d (%d %%) | %.2f / %.2f |", c.backbone(), c.pool(),
                    c.labels().length, c.defective(), c.share(), maxMap, maxScore));
            double[] f = new double[columns];
            double[] g = new double[columns];
            for (int r = 0; r < columns; r++) {
                Verdicts v = r < rules.size() ? Verdicts.of(c.mapMax(), rules.get(r))
                        : Verdicts.of(finals, ThresholdRule.parse("mad:3"));
                f[r] = v.againstLabels(c.labels()).get("image_f1_at_threshold");
                g[r] = goodFlagged(v, c.labels());
                t.append(String.format(Locale.ROOT, " %.2f (%.0f %%) |", f[r], 100 * g[r]));
            }
            f1.add(f);
            flagged.add(g);
            t.append('\n');
        }
        t.append("\n| target | F1-max |");
        rules.forEach(r -> t.append(' ').append(r.canonical()).append(" |"));
        t.append(" old |\n|---|---|").append("---|".repeat(columns)).append('\n');
        StringBuilder mean = new StringBuilder("| mean F1 where F1-max ≥ 0.5 (≥ 0.8 × mean F1-max) |");
        StringBuilder low = new StringBuilder("| cases under 0.5 where F1-max ≥ 0.8 (none) | |");
        StringBuilder good = new StringBuilder("| most good parts flagged at shares ≤ 10 % (≤ 15 %) | |");
        double sumBest = 0;
        int n = 0;
        for (int k = 0; k < cases.size(); k++) {
            if (best[k] >= 0.5) {
                sumBest += best[k];
                n++;
            }
        }
        mean.append(String.format(Locale.ROOT, " %.3f |", sumBest / n));
        for (int r = 0; r < columns; r++) {
            double sum = 0;
            int under = 0;
            double most = 0;
            for (int k = 0; k < cases.size(); k++) {
                double v = Double.isNaN(f1.get(k)[r]) ? 0 : f1.get(k)[r];
                sum += best[k] >= 0.5 ? v : 0;
                under += best[k] >= 0.8 && v < 0.5 ? 1 : 0;
                if (cases.get(k).share() <= 10) {
                    most = Math.max(most, flagged.get(k)[r]);
                }
            }
            double m = sum / n;
            mean.append(String.format(Locale.ROOT, " %.3f %s |", m, m >= 0.8 * sumBest / n ? "met" : "missed"));
            low.append(String.format(Locale.ROOT, " %d %s |", under, under == 0 ? "met" : "missed"));
            good.append(String.format(Locale.ROOT, " %.0f %% %s |", 100 * most, most <= 0.15 ? "met" : "missed"));
        }
        return t.append(mean).append('\n').append(low).append('\n').append(good).append('\n').toString();
    }

    private static double goodFlagged(Verdicts v, int[] labels) {
        int good = 0;
        int flagged = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == 0) {
                good++;
                flagged += v.anomalous(i) ? 1 : 0;
            }
        }
        return good == 0 ? 0 : (double) flagged / good;
    }
}
