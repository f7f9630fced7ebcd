package io.musc4j.engine.msm;

import io.musc4j.models.Precision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's MKL shim ({@code launcher/mkl_shim.c}, preloaded on AMD CPUs) changes which kernels MKL
 * runs, not what they compute: a process with it preloaded gives the same products and MSM minima as
 * this one (the tests run without it, on MKL's default path) up to float32 rounding. On an Intel CPU
 * the shim answers what MKL finds anyway, and the comparison still holds.
 */
class MklShimTest {

    static final int M = 192;
    static final int K = 770;
    static final int N = 320;
    static final int IMAGES = 4;
    static final int L = 64;
    static final int C = 256;

    @TempDir
    Path tmp;

    static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return f;
    }

    /** Random unit feature vectors, (IMAGES, L, C). */
    static float[] features() {
        float[] f = gaussian(IMAGES * L * C, 3);
        for (int p = 0; p < IMAGES * L; p++) {
            double norm = 0;
            for (int c = 0; c < C; c++) {
                norm += f[p * C + c] * f[p * C + c];
            }
            for (int c = 0; c < C; c++) {
                f[p * C + c] /= (float) Math.sqrt(norm);
            }
        }
        return f;
    }

    /** The product A·B (M×K · K×N) and the MSM minima of {@link #features}, as computed in this process. */
    static float[][] compute() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(gaussian(M * K, 1), new Shape(M, K));
            NDArray b = m.create(gaussian(K * N, 2), new Shape(K, N));
            float[] product = a.matMul(b).toFloatArray();
            float[] minima = new NearestPatchMinima(1L << 30, Precision.FP32)
                    .mutual(m.create(features(), new Shape(IMAGES, L, C))).toFloatArray();
            return new float[][] {product, minima};
        }
    }

    /** The probe run in a child process: writes {@link #compute} to args[0], prints whether the shim is mapped. */
    public static void main(String[] args) throws IOException {
        float[][] out = compute();
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(Path.of(args[0])))) {
            for (float[] part : out) {
                o.writeInt(part.length);
                for (float v : part) {
                    o.writeFloat(v);
                }
            }
        }
        System.out.println("shim mapped: " + Files.readString(Path.of("/proc/self/maps")).contains("mkl_shim"));
    }

    @Test
    void productsWithTheShimPreloadedMatchThoseWithout() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "LD_PRELOAD and /proc: Linux only");
        Path root = Path.of(System.getProperty("musc4j.testdata")).toAbsolutePath().normalize().getParent();
        Path lib = tmp.resolve("libmusc_mkl_shim.so");
        Process cc;
        try {
            cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-O2", "-o", lib.toString(),
                    root.resolve("launcher/mkl_shim.c").toString()).inheritIO().start();
        } catch (IOException e) {
            assumeTrue(false, "no C compiler: " + e.getMessage());
            return;
        }
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0, "cc failed");

        Path result = tmp.resolve("probe.bin");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), MklShimTest.class.getName(),
                result.toString()).redirectErrorStream(true);
        pb.environment().put("LD_PRELOAD", lib.toString());
        pb.environment().put("THP_MEM_ALLOC_ENABLE", "1");
        Process probe = pb.start();
        String log = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(probe.waitFor(300, TimeUnit.SECONDS) && probe.exitValue() == 0, log);
        assertTrue(log.contains("shim mapped: true"), log);

        float[][] withShim = new float[2][];
        try (InputStream in = Files.newInputStream(result); DataInputStream d = new DataInputStream(in)) {
            for (int part = 0; part < 2; part++) {
                withShim[part] = new float[d.readInt()];
                for (int i = 0; i < withShim[part].length; i++) {
                    withShim[part][i] = d.readFloat();
                }
            }
        }
        float[][] without = compute();
        assertEquals(List.of(M * N, IMAGES * IMAGES * L), List.of(withShim[0].length, withShim[1].length));

        // each path is within γ_K·Σ|a_k b_k| of the exact dot product (γ_K = K·u/(1 − K·u), u = 2⁻²⁴), so
        // the two within twice that
        float[] a = gaussian(M * K, 1);
        float[] b = gaussian(K * N, 2);
        double gamma = gamma(K);
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                double abs = 0;
                for (int k = 0; k < K; k++) {
                    abs += Math.abs((double) a[i * K + k] * b[k * N + j]);
                }
                double d = Math.abs(withShim[0][i * N + j] - without[0][i * N + j]);
                assertTrue(d <= 2 * gamma * abs, "product [" + i + "][" + j + "] differs by " + d);
            }
        }
        // distances of unit vectors: the product form [−2a, |a|², 1]·[b, 1, |b|²] sums C+2 terms of at most
        // 2|a_k b_k|, 1 and 1 in magnitude, so a squared distance d² is within 4γ of exact (|a|=|b|=1) and the
        // distance within that over (√d²_exact + √d²); every distance here is far from 0
        double tol2 = 2 * 4 * gamma(C + 2);
        for (int i = 0; i < withShim[1].length; i++) {
            float x = withShim[1][i];
            float y = without[1][i];
            if (Float.isInfinite(x) || Float.isInfinite(y)) {
                assertEquals(x, y, "the diagonal stays +∞");
                continue;
            }
            assertTrue(x > 0.5 && y > 0.5, "random unit vectors are far apart");
            assertTrue(Math.abs(x - y) <= tol2 / (x + y), "minimum " + i + ": " + x + " vs " + y);
        }
    }

    private static double gamma(int k) {
        double u = Math.scalb(1.0, -24);
        return k * u / (1 - k * u);
    }
}
