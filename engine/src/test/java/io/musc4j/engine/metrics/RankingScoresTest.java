package io.musc4j.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Image-level metrics on cases small enough to work out by hand. */
class RankingScoresTest {

    private static final double EPS = 1e-15;

    @Test
    void perfectSeparatorScoresOne() {
        RankingScores r = RankingScores.of(new int[] {0, 0, 1, 1}, new double[] {0.1, 0.2, 0.8, 0.9});
        assertEquals(new RankingScores(1, 1, 1), r);
    }

    @Test
    void scikitLearnDocumentationExample() {
        // roc_auc_score = 0.75 and average_precision_score = 0.8333 in scikit-learn's docs; the PR
        // points are (P,R) = (1,.5), (.5,.5), (2/3,1), (.5,1), so F1-max = 2·(2/3)·1/(5/3) = 0.8
        RankingScores r = RankingScores.of(new int[] {0, 0, 1, 1}, new double[] {0.1, 0.4, 0.35, 0.8});
        assertEquals(0.75, r.auroc(), EPS);
        assertEquals(5.0 / 6, r.ap(), EPS);
        assertEquals(0.8, r.f1Max(), EPS);
    }

    @Test
    void allTiedScoresGetHalfCredit() {
        // one threshold: P = 2/5, R = 1
        RankingScores r = RankingScores.of(new int[] {0, 1, 0, 1, 0}, new double[] {3, 3, 3, 3, 3});
        assertEquals(0.5, r.auroc(), EPS);
        assertEquals(0.4, r.ap(), EPS);
        assertEquals(2 * 0.4 / 1.4, r.f1Max(), EPS);
    }

    @Test
    void tieAcrossClassesCountsHalf() {
        // positive 0.5 ties one negative and beats the other: (1 + 0.5) / 2 pairs
        RankingScores r = RankingScores.of(new int[] {1, 0, 0}, new double[] {0.5, 0.5, 0.2});
        assertEquals(0.75, r.auroc(), EPS);
        // only threshold 0.5 reaches the positive: P = 1/2, R = 1
        assertEquals(0.5, r.ap(), EPS);
    }

    @Test
    void negativeAndPositiveZeroAreTheSameScore() {
        RankingScores r = RankingScores.of(new int[] {1, 0}, new double[] {-0.0, 0.0});
        assertEquals(0.5, r.auroc(), EPS);
    }

    @Test
    void singleClassGivesZeroLikeTheReference() {
        assertEquals(RankingScores.DEGENERATE, RankingScores.of(new int[] {1, 1}, new double[] {0.2, 0.9}));
        assertEquals(RankingScores.DEGENERATE, RankingScores.of(new int[] {0, 0}, new double[] {0.2, 0.9}));
    }

    @Test
    void nanScoreIsRejectedWithItsIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RankingScores.of(new int[] {0, 1}, new double[] {0.1, Double.NaN}));
        assertEquals("image score 1 is NaN", e.getMessage());
    }
}
