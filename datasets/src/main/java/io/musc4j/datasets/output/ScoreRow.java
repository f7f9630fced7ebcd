package io.musc4j.datasets.output;

import java.util.OptionalInt;

/**
 * One line of {@code scores.csv}.
 *
 * @param image      the image path relative to the data root
 * @param label      0 or 1, empty when unknown
 * @param score      the image score before RsCIN (max of the pixel map)
 * @param scoreRscin the final image score after RsCIN; higher means more anomalous
 * @param threshold  the category's threshold on {@code scoreRscin}
 * @param anomalous  the verdict: {@code scoreRscin > threshold}
 */
public record ScoreRow(String image, OptionalInt label, double score, double scoreRscin, double threshold,
                       boolean anomalous) {
}
