package io.musc4j.datasets.output;

import java.util.OptionalInt;

/**
 * One line of {@code scores.csv}; the names are those of docs/thresholds.md ("Names").
 *
 * @param image     the image path relative to the data root
 * @param label     0 or 1, empty when unknown
 * @param score     the final image score, after RsCIN (relative to its category, 0 to 1); higher means
 *                  more anomalous
 * @param mapMax    the anomaly map's maximum, before RsCIN (absolute: the scale of the maps)
 * @param threshold the category's threshold on {@code mapMax}
 * @param rule      the rule that chose the threshold, e.g. {@code mixture:3}
 * @param anomalous the verdict: {@code mapMax > threshold}
 */
public record ScoreRow(String image, OptionalInt label, double score, double mapMax, double threshold, String rule,
                       boolean anomalous) {

    /** How far the part is from the threshold: map_max / threshold (above 1: anomalous); NaN unless the
     *  threshold is positive. */
    public double ratio() {
        return ratio(mapMax, threshold);
    }

    /** map_max / threshold, NaN unless the threshold is positive (a ratio to a threshold at or below 0
     *  would read as a factor it is not). */
    public static double ratio(double mapMax, double threshold) {
        return threshold > 0 ? mapMax / threshold : Double.NaN;
    }
}
