package io.musc4j.engine.metrics;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The evaluation of one category, as fractions (the reference prints ×100).
 *
 * @param pixelAupro the reference's 200-threshold AUPRO (SPEC §7)
 * @param pixelAuproExact AUPRO over every distinct threshold, integrated to FPR 0.3 exactly and
 *     divided by 0.3, as the MVTec AD evaluation code and anomalib compute it
 */
public record Metrics(
        double imageAuroc,
        double imageAp,
        double imageF1Max,
        double pixelAuroc,
        double pixelAp,
        double pixelF1Max,
        double pixelAupro,
        double pixelAuproExact) {

    /** Combines image-level and pixel-level parts. */
    public static Metrics of(RankingScores image, RankingScores pixel, double pixelAupro, double pixelAuproExact) {
        return new Metrics(image.auroc(), image.ap(), image.f1Max(), pixel.auroc(), pixel.ap(), pixel.f1Max(),
                pixelAupro, pixelAuproExact);
    }

    /** The values under the {@code metrics.json} keys, in this order. */
    public Map<String, Double> toMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("image_auroc", imageAuroc);
        m.put("image_ap", imageAp);
        m.put("image_f1_max", imageF1Max);
        m.put("pixel_auroc", pixelAuroc);
        m.put("pixel_ap", pixelAp);
        m.put("pixel_f1_max", pixelF1Max);
        m.put("pixel_aupro", pixelAupro);
        m.put("pixel_aupro_exact", pixelAuproExact);
        return m;
    }

    /** The unweighted mean over categories, field by field. */
    public static Metrics mean(Collection<Metrics> categories) {
        if (categories.isEmpty()) {
            throw new IllegalArgumentException("no categories to average");
        }
        double[] sum = new double[8];
        for (Metrics m : categories) {
            int i = 0;
            for (double v : m.toMap().values()) {
                sum[i++] += v;
            }
        }
        double n = categories.size();
        return new Metrics(sum[0] / n, sum[1] / n, sum[2] / n, sum[3] / n, sum[4] / n, sum[5] / n, sum[6] / n,
                sum[7] / n);
    }
}
