package io.musc4j.batch;

import io.musc4j.datasets.Category;
import io.musc4j.engine.inspect.PartRegions;
import io.musc4j.engine.maps.ImageMap;
import io.musc4j.engine.threshold.ThresholdRule;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The label-free decisions for a scored category, all on one scale: {@code map_max}, the anomaly map's
 * maximum before RsCIN (RsCIN's {@code score} is min–max normalised per category, a scale on which a
 * spread means little). The image threshold is the rule's threshold on the maps' maxima; a part is
 * anomalous when its {@code map_max} is above it. The pixel threshold is the same number by default
 * (the maps' values are the scale the maxima are on), so a part is anomalous exactly when its map has
 * a pixel above the pixel threshold: every anomalous part has a region, and no normal part has one. A
 * separate pixel rule, also applied to the maps' maxima, can draw the regions tighter or looser.
 *
 * @param verdicts       per image, map_max &gt; the image threshold
 * @param how            how the image rule found its threshold, in words
 * @param pixelThreshold the threshold on map values
 * @param atThreshold    precision, recall and F1 of the verdicts against the labels (see
 *                       {@link Verdicts#againstLabels}); empty when the category is not fully labelled
 * @param range          the lowest and highest map_max
 */
public record CategoryDecision(Verdicts verdicts, String how, double pixelThreshold, Map<String, Double> atThreshold,
                               double[] range) {

    public CategoryDecision {
        atThreshold = Map.copyOf(atThreshold);
        range = range.clone();
    }

    /**
     * Decides a scored category's images and pixels.
     *
     * @param category  the scored images (labels are used only to say what the verdicts achieved)
     * @param mapMax    the maps' maxima (scores before RsCIN), in sample order
     * @param imageRule the image rule, on mapMax
     * @param pixelRule the pixel rule, on mapMax; null for the image threshold itself
     */
    public static CategoryDecision of(Category category, double[] mapMax, ThresholdRule imageRule,
                                      ThresholdRule pixelRule) {
        ThresholdRule.Threshold t = imageRule.fit(mapMax);
        Verdicts verdicts = Verdicts.at(mapMax, t.value());
        double pixel = pixelRule == null ? t.value() : pixelRule.apply(mapMax);
        Map<String, Double> at = Map.of();
        if (category.fullyLabelled()) {
            at = verdicts.againstLabels(category.samples().stream().mapToInt(s -> s.label().getAsInt()).toArray());
        }
        double[] range = {Arrays.stream(mapMax).min().orElseThrow(), Arrays.stream(mapMax).max().orElseThrow()};
        return new CategoryDecision(verdicts, t.how(), pixel, at, range);
    }

    /** The image threshold, on map_max. */
    public double threshold() {
        return verdicts.threshold();
    }

    /**
     * A warning when the image threshold lies outside the observed map maxima (every part then gets the
     * same verdict), naming the category; empty otherwise.
     */
    public Optional<String> outsideRange(String category) {
        double t = threshold();
        if (t >= range[0] && t < range[1]) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "%s: threshold %.4g is %s every map_max (%.4g to %.4g): %s",
                category, t, t < range[0] ? "below" : "above", range[0], range[1],
                t < range[0] ? "every part is judged anomalous" : "no part is judged anomalous"));
    }

    /**
     * The regions of image {@code i}, found in its map at the image's own size ({@link PartRegions}, the
     * Inspector's rule): the 8-connected pixels above the pixel threshold. A normal part has none unless
     * {@code evenIfNormal}; an anomalous part always has one.
     */
    public PartRegions regions(int i, ImageMap map, boolean evenIfNormal) {
        return PartRegions.of(map, pixelThreshold, threshold(), verdicts.anomalous(i), evenIfNormal);
    }
}
