package io.musc4j.engine.inspect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.musc4j.engine.MuscConfig;
import io.musc4j.engine.MuscScorer;
import io.musc4j.engine.maps.AlignCornersUpsampler;
import io.musc4j.engine.msm.MutualScoring;
import io.musc4j.engine.msm.NearestPatchMinima;

/**
 * MSM against the {@link FeatureBank}, with MuSc's averaging: per (degree, layer) the interval mean
 * of the nearest-patch distances to the bank's parts, then the plain mean over layers and over
 * degrees (the patch map), summed in the order {@link MuscScorer} uses so that the numbers agree.
 */
final class BankScoring {

    private final MuscConfig config;
    private final NearestPatchMinima kernel;
    private final MutualScoring mutual;
    private final AlignCornersUpsampler upsampler;

    BankScoring(MuscConfig config, int gridH, int gridW) {
        this.config = config;
        this.kernel = new NearestPatchMinima(config.memoryBudgetBytes(), config.precision());
        this.mutual = new MutualScoring(config.interval(), config.memoryBudgetBytes(), config.precision());
        this.upsampler = new AlignCornersUpsampler(gridH, gridW, config.imageSize());
    }

    /**
     * Patch maps of query parts scored against every part in the bank (the bank must not be empty).
     *
     * @param z per (degree, layer) the queries' LNAMD features (Q, L, C)
     * @return (Q·L) row-major patch maps
     */
    double[] againstBank(NDArray[][] z, FeatureBank bank) {
        double[][][] msm = new double[z.length][z[0].length][];
        for (int r = 0; r < z.length; r++) {
            for (int l = 0; l < z[r].length; l++) {
                try (NDManager scope = z[r][l].getManager().newSubManager()) {
                    NDArray minima = kernel.cross(z[r][l], bank.productForm(r, l, scope));
                    minima.attach(scope);
                    msm[r][l] = config.interval().average(minima, bank.size()).toDoubleArray();
                }
            }
        }
        return mean(msm);
    }

    /** Patch maps (size·L) of the bank's parts scored mutually, as MuSc scores a set: each against all others. */
    double[] withinBank(FeatureBank bank, int degrees, int layers, NDManager parent) {
        double[][][] msm = new double[degrees][layers][];
        for (int r = 0; r < degrees; r++) {
            for (int l = 0; l < layers; l++) {
                try (NDManager scope = parent.newSubManager()) {
                    msm[r][l] = mutual.score(bank.features(r, l, scope)).toDoubleArray();
                }
            }
        }
        return mean(msm);
    }

    /** Pixel maps (n, S, S) float64 of n patch maps, owned by {@code scope}. */
    NDArray upsample(double[] patchMaps, int n, NDManager scope) {
        return upsampler.upsample(scope.create(patchMaps, new Shape(n, patchMaps.length / n)));
    }

    /** Mean over layers per degree, then over degrees, exactly as {@link MuscScorer} averages. */
    private static double[] mean(double[][][] msm) {
        double[][] perDegree = new double[msm.length][];
        for (int r = 0; r < msm.length; r++) {
            perDegree[r] = MuscScorer.mean(msm[r]);
        }
        return MuscScorer.mean(perDegree);
    }
}
