package io.musc4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * float32 matrix-product rate of this process for the shapes musc4j runs: a square 2048³, the ViT-B/14
 * MLP's (8 images of 257 tokens, 768 → 3072) and an MSM tile's (2 query images against 4 references of
 * 256 patches, 770 channels). Prints whether the launcher's MKL remedy is loaded, so that
 * {@code launcher/mkl-check.sh} can compare runs with and without it.
 *
 * <p>Arguments: {@code [reps=10]}.
 */
public final class GemmBench {

    private GemmBench() {
    }

    private static final int[][] SHAPES = {{2048, 2048, 2048}, {2056, 768, 3072}, {512, 770, 1024}};

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        System.out.println("MKL remedy for AMD: " + MachineInfo.mklRemedy());
        rates(reps, true);
    }

    /** The best rate of any shape, GFLOP/s: the peak that other benchmarks quote their rates against. */
    static double best(int reps) {
        return rates(reps, false);
    }

    private static double rates(int reps, boolean print) {
        double best = 0;
        int[][] shapes = SHAPES;
        try (NDManager m = NDManager.newBaseManager()) {
            for (int[] s : shapes) {
                NDArray a = m.randomNormal(new Shape(s[0], s[1]));
                NDArray b = m.randomNormal(new Shape(s[1], s[2]));
                a.matMul(b).close();
                double[] seconds = new double[reps];
                for (int i = 0; i < reps; i++) {
                    long t = System.nanoTime();
                    a.matMul(b).close();
                    seconds[i] = (System.nanoTime() - t) / 1e9;
                }
                Arrays.sort(seconds);
                double flops = 2.0 * s[0] * s[1] * s[2];
                best = Math.max(best, flops / seconds[0] / 1e9);
                if (print) {
                    System.out.printf("GEMM %d x %d x %d: best %.0f GFLOP/s, median %.0f GFLOP/s%n", s[0], s[1], s[2],
                            flops / seconds[0] / 1e9, flops / seconds[reps / 2] / 1e9);
                }
            }
        }
        return best;
    }
}
