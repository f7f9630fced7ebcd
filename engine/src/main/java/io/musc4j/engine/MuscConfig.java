package io.musc4j.engine;

import io.musc4j.engine.lnamd.Aggregation;
import io.musc4j.engine.msm.MsmInterval;
import io.musc4j.engine.msm.MsmPrecision;
import io.musc4j.engine.msm.MsmScoring;
import io.musc4j.engine.rscin.RscinWindows;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of the MuSc scoring core. Which backbone layers are tapped is the caller's choice:
 * the scorer receives their tokens.
 *
 * @param degrees LNAMD aggregation degrees r (odd), e.g. [1, 3, 5]
 * @param interval MSM interval average, default [0, 0.3]
 * @param rscin RsCIN windows, or off
 * @param memoryBudgetBytes workspace budget of scoring: MSM store or query block, tile, LNAMD chunk ({@link MemoryPlan})
 * @param precision arithmetic of the MSM products
 * @param imageSize side S of the pixel maps (the network input size)
 * @param keepLayerScores whether the result keeps the MSM scores of every (degree, layer)
 * @param scoring full MSM (the reference) or position-constrained (aligned) MSM
 * @param aggregation LNAMD (the reference) or MuSc-V2's SNAMD
 */
public record MuscConfig(List<Integer> degrees, MsmInterval interval, RscinWindows rscin,
        long memoryBudgetBytes, MsmPrecision precision, int imageSize, boolean keepLayerScores,
        MsmScoring scoring, Aggregation aggregation) {

    public MuscConfig {
        degrees = List.copyOf(degrees);
        if (degrees.isEmpty()) {
            throw new IllegalArgumentException("at least one aggregation degree is needed");
        }
        if (memoryBudgetBytes < 1 || imageSize < 1) {
            throw new IllegalArgumentException("memory budget and image size must be positive");
        }
    }

    /** A builder with the paper's defaults: r = {1, 3, 5}, interval [0, 0.3], RsCIN [1, 2, 3], FP32,
     *  S = 518, a 1 GiB scoring budget, per-layer scores not kept, full MSM, LNAMD. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link MuscConfig}. */
    public static final class Builder {
        private List<Integer> degrees = List.of(1, 3, 5);
        private MsmInterval interval = MsmInterval.DEFAULT;
        private RscinWindows rscin = RscinWindows.Family.MVTEC_AD.windows();
        private long memoryBudgetBytes = 1L << 30;
        private MsmPrecision precision = MsmPrecision.FP32;
        private int imageSize = 518;
        private boolean keepLayerScores;
        private MsmScoring scoring = MsmScoring.FULL;
        private Aggregation aggregation = Aggregation.LNAMD;

        private Builder() {
        }

        public Builder degrees(Integer... r) {
            this.degrees = List.of(r);
            return this;
        }

        public Builder interval(MsmInterval interval) {
            this.interval = interval;
            return this;
        }

        public Builder rscin(RscinWindows rscin) {
            this.rscin = rscin;
            return this;
        }

        public Builder memoryBudgetBytes(long bytes) {
            this.memoryBudgetBytes = bytes;
            return this;
        }

        public Builder precision(MsmPrecision precision) {
            this.precision = precision;
            return this;
        }

        public Builder imageSize(int size) {
            this.imageSize = size;
            return this;
        }

        public Builder keepLayerScores(boolean keep) {
            this.keepLayerScores = keep;
            return this;
        }

        /** Full MSM (default) or aligned MSM, see {@link MsmScoring}. */
        public Builder scoring(MsmScoring scoring) {
            this.scoring = Objects.requireNonNull(scoring, "scoring");
            return this;
        }

        /** LNAMD (default) or SNAMD, see {@link Aggregation}. */
        public Builder aggregation(Aggregation aggregation) {
            this.aggregation = Objects.requireNonNull(aggregation, "aggregation");
            return this;
        }

        public MuscConfig build() {
            return new MuscConfig(degrees, interval, rscin, memoryBudgetBytes, precision, imageSize, keepLayerScores,
                    scoring, aggregation);
        }
    }
}
