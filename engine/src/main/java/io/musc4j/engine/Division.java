package io.musc4j.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * How a large image set is split into subsets that are scored separately (MSM inside each subset),
 * to bound time and memory; RsCIN still runs over the whole set. The reference stratifies its split
 * by the labelled defect folders, which production data does not have, so this one uses no labels.
 *
 * @param parts number of subsets K (1 = no division)
 * @param mode {@link Mode#RANDOM}: a seeded shuffle, then K near-equal chunks; {@link Mode#SEQUENTIAL}:
 *     K near-equal chunks in input order
 * @param seed shuffle seed (recorded so a run can be repeated)
 */
public record Division(int parts, Mode mode, long seed) {

    /** How images are assigned to subsets. */
    public enum Mode { RANDOM, SEQUENTIAL }

    /** No division. */
    public static final Division NONE = new Division(1, Mode.SEQUENTIAL, 0);

    public Division {
        if (parts < 1) {
            throw new IllegalArgumentException("the number of subsets must be at least 1, got " + parts);
        }
    }

    /**
     * The subsets of {@code n} images, as sorted index arrays.
     *
     * @throws IllegalArgumentException if a subset would have fewer than 2 images (MSM needs 2)
     */
    public int[][] split(int n) {
        if (n < 2 * parts) {
            throw new IllegalArgumentException("cannot divide " + n + " images into " + parts
                    + " subsets of at least 2 images each");
        }
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        if (mode == Mode.RANDOM && parts > 1) {
            Collections.shuffle(order, new Random(seed));
        }
        int[][] subsets = new int[parts][];
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) n * p / parts);
            int to = (int) ((long) n * (p + 1) / parts);
            subsets[p] = order.subList(from, to).stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        return subsets;
    }
}
