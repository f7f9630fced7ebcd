package io.musc4j.batch;

import io.musc4j.datasets.Category;
import io.musc4j.engine.inspect.AnomalyRegions;
import io.musc4j.engine.inspect.Region;
import java.util.List;
import java.util.Map;

/**
 * The label-free decisions for a scored category: the image verdicts at a threshold on the final
 * (RsCIN) scores, and a pixel threshold on the anomaly maps for masks and regions. The pixel threshold
 * is chosen by its own rule applied to the maps' maxima (the scores before RsCIN), so with the same
 * rule a map has a region exactly when its image score before RsCIN is above that rule's threshold.
 *
 * @param verdicts       per image, score after RsCIN &gt; the image threshold
 * @param pixelThreshold the threshold on map values
 * @param atThreshold    precision, recall and F1 of the verdicts against the labels (see
 *                       {@link Verdicts#againstLabels}); empty when the category is not fully labelled
 */
public record CategoryDecision(Verdicts verdicts, double pixelThreshold, Map<String, Double> atThreshold) {

    public CategoryDecision {
        atThreshold = Map.copyOf(atThreshold);
    }

    /**
     * Decides a scored category's images with {@code imageRule} on the final scores and its pixels with
     * {@code pixelRule} on the maps' maxima.
     *
     * @param category    the scored images (labels are used only to say what the verdicts achieved)
     * @param scores      the scores before RsCIN, the maps' maxima, in sample order
     * @param scoresRscin the final scores, in sample order
     */
    public static CategoryDecision of(Category category, double[] scores, float[] scoresRscin, ThresholdRule imageRule,
                                      ThresholdRule pixelRule) {
        double[] finals = new double[scoresRscin.length];
        for (int i = 0; i < finals.length; i++) {
            finals[i] = scoresRscin[i];
        }
        Verdicts verdicts = Verdicts.of(finals, imageRule);
        double pixel = pixelRule.apply(scores);
        Map<String, Double> at = Map.of();
        if (category.fullyLabelled()) {
            at = verdicts.againstLabels(category.samples().stream().mapToInt(s -> s.label().getAsInt()).toArray());
        }
        return new CategoryDecision(verdicts, pixel, at);
    }

    /** The S×S 0/1 mask of a map: 1 where the value is above the pixel threshold. */
    public byte[] mask(float[] map) {
        byte[] mask = new byte[map.length];
        for (int p = 0; p < map.length; p++) {
            mask[p] = map[p] > pixelThreshold ? (byte) 1 : 0;
        }
        return mask;
    }

    /** The 8-connected regions of a map's pixels above the pixel threshold (S×S coordinates). */
    public List<Region> regions(float[] map, int size) {
        return AnomalyRegions.find(map, size, size, pixelThreshold);
    }
}
