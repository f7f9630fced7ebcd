package io.musc4j.engine.lnamd;

import io.musc4j.engine.msm.FeatureChunks;
import io.musc4j.engine.msm.NeighbourhoodMaps;
import io.musc4j.engine.store.TokenStore;
import java.util.Collections;
import java.util.List;

/**
 * How patch tokens become the features MSM scores, an option of a run: {@link #LNAMD} (MuSc, the
 * reference: one feature set per degree, so one MSM pass per layer and degree) or {@link #SNAMD}
 * (MuSc-V2: the degrees fused into one feature set, so one MSM pass per layer). {@link #over} makes
 * the {@link Aggregator} stage.
 */
public enum Aggregation {
    /** MuSc's LNAMD ({@link Lnamd}), the default. */
    LNAMD,
    /** MuSc-V2's SNAMD ({@link Snamd}). */
    SNAMD;

    /** Token-sized arrays of one LNAMD chunk resident at once: the tokens read, the centred and
     *  normalised maps, the pooled and unit features, the product rows made of them, and a spilled
     *  store's read buffer. */
    private static final int LNAMD_COPIES = 6;

    /**
     * The aggregation stage for these degrees.
     *
     * @param degrees odd aggregation degrees r ≥ 1
     */
    public Aggregator over(List<Integer> degrees) {
        List<Integer> rs = checkDegrees(degrees);
        return this == LNAMD ? new LnamdStage(rs) : new SnamdStage(rs);
    }

    /**
     * The degrees, checked: at least one, each odd and ≥ 1 (the neighbourhood is centred on the patch).
     *
     * @throws IllegalArgumentException with a one-line message naming the bad degree
     */
    public static List<Integer> checkDegrees(List<Integer> degrees) {
        if (degrees.isEmpty()) {
            throw new IllegalArgumentException("at least one aggregation degree is needed");
        }
        for (int r : degrees) {
            if (r < 1 || r % 2 == 0) {
                throw new IllegalArgumentException("aggregation degrees must be odd and >= 1, got " + r);
            }
        }
        return List.copyOf(degrees);
    }

    /** The degree each feature set is recorded under: every degree for LNAMD; for SNAMD its one
     *  fused set, recorded under the largest degree (its window). */
    public List<Integer> scoredDegrees(List<Integer> degrees) {
        return this == LNAMD ? List.copyOf(degrees) : List.of(Collections.max(degrees));
    }

    /** Parses {@code lnamd} or {@code snamd} (any case), with a one-line error otherwise. */
    public static Aggregation parse(String text) {
        for (Aggregation a : values()) {
            if (a.name().equalsIgnoreCase(text.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("aggregation must be lnamd or snamd, got '" + text + "'");
    }

    /** LNAMD: feature set k is degree r_k. */
    private record LnamdStage(List<Integer> degrees) implements Aggregator {
        @Override
        public List<Integer> featureSets() {
            return degrees;
        }

        @Override
        public FeatureChunks features(TokenStore tokens, int layer, int set) {
            return LayerFeatures.lnamd(tokens, layer, degrees.get(set));
        }

        @Override
        public int tokenCopies() {
            return LNAMD_COPIES;
        }

        /** With one degree the map gains nothing: its pass is one product either way. */
        @Override
        public boolean givesNeighbourhoods() {
            return degrees.size() > 1;
        }

        @Override
        public NeighbourhoodMaps neighbourhoods(TokenStore tokens, int layer) {
            if (!givesNeighbourhoods()) {
                throw new UnsupportedOperationException("LNAMD of one degree is scored pass by pass");
            }
            return new LayerNeighbourhoods(tokens, layer, degrees);
        }
    }

    /** SNAMD: one set fusing every degree. */
    private record SnamdStage(List<Integer> degrees) implements Aggregator {
        @Override
        public List<Integer> featureSets() {
            return List.of(Collections.max(degrees));
        }

        @Override
        public FeatureChunks features(TokenStore tokens, int layer, int set) {
            if (set != 0) {
                throw new IndexOutOfBoundsException("SNAMD has one feature set per layer, asked for set " + set);
            }
            return LayerFeatures.snamd(tokens, layer, degrees);
        }

        /** The tokens, the padded map, per degree a running sum and the quotient, one neighbour, its
         *  weighted copy, a difference, the product rows and a spilled store's read buffer. */
        @Override
        public int tokenCopies() {
            return 7 + 2 * degrees.size();
        }
    }
}
