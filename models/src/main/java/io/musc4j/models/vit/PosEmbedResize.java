package io.musc4j.models.vit;

/**
 * Resizes a ViT position embedding to another patch grid with PyTorch's bicubic interpolation
 * ({@code F.interpolate(mode="bicubic", align_corners=False)}: Keys kernel A = −0.75, taps outside the
 * grid clamped to the edge, no antialiasing), computed in double as one separable matrix per axis.
 *
 * <p>The two reference code paths differ only in where a destination index samples the source (SPEC §2c):
 * DINOv2 passes {@code scale_factor = (g+0.1)/M}, so it samples {@code (dst+0.5)·M/(g+0.1) − 0.5};
 * CLIP passes {@code size = g}, so it samples {@code (dst+0.5)·M/g − 0.5}. The class-token row is copied.
 */
public final class PosEmbedResize {

    private static final double A = -0.75;

    private PosEmbedResize() {
    }

    /** DINOv2's forward-time resize of a (1+M², C) embedding to grid g; identity when g == M. */
    public static float[] dinov2(float[] posWithCls, int m, int channels, int g) {
        if (g == m) {
            return posWithCls.clone();
        }
        return resize(posWithCls, m, channels, g, m / (g + 0.1));
    }

    /** CLIP's load-time resize of a (1+M², C) embedding to grid g. */
    public static float[] clip(float[] posWithCls, int m, int channels, int g) {
        if (g == m) {
            return posWithCls.clone();
        }
        return resize(posWithCls, m, channels, g, (double) m / g);
    }

    private static float[] resize(float[] pos, int m, int c, int g, double srcPerDst) {
        double[][] w = weights(m, g, srcPerDst);
        // vertical pass: (M,M,C) -> (g,M,C)
        double[] rows = new double[g * m * c];
        for (int yo = 0; yo < g; yo++) {
            for (int yi = 0; yi < m; yi++) {
                double wy = w[yo][yi];
                if (wy == 0) {
                    continue;
                }
                int src = c + yi * m * c;
                int dst = yo * m * c;
                for (int k = 0; k < m * c; k++) {
                    rows[dst + k] += wy * pos[src + k];
                }
            }
        }
        // horizontal pass: (g,M,C) -> (g,g,C), after the class row
        float[] out = new float[(1 + g * g) * c];
        System.arraycopy(pos, 0, out, 0, c);
        double[] acc = new double[c];
        for (int yo = 0; yo < g; yo++) {
            for (int xo = 0; xo < g; xo++) {
                java.util.Arrays.fill(acc, 0);
                for (int xi = 0; xi < m; xi++) {
                    double wx = w[xo][xi];
                    if (wx == 0) {
                        continue;
                    }
                    int src = (yo * m + xi) * c;
                    for (int k = 0; k < c; k++) {
                        acc[k] += wx * rows[src + k];
                    }
                }
                int dst = c + (yo * g + xo) * c;
                for (int k = 0; k < c; k++) {
                    out[dst + k] = (float) acc[k];
                }
            }
        }
        return out;
    }

    /** Row o holds the weights of the n source samples for destination o; clamped taps accumulate. */
    static double[][] weights(int n, int out, double srcPerDst) {
        double[][] w = new double[out][n];
        for (int o = 0; o < out; o++) {
            double src = (o + 0.5) * srcPerDst - 0.5;
            double base = Math.floor(src);
            double t = src - base;
            double[] k = {cubic2(t + 1), cubic1(t), cubic1(1 - t), cubic2(2 - t)};
            for (int j = 0; j < 4; j++) {
                int idx = (int) Math.min(Math.max(base - 1 + j, 0), n - 1);
                w[o][idx] += k[j];
            }
        }
        return w;
    }

    /** Keys kernel for |x| ≤ 1. */
    private static double cubic1(double x) {
        return ((A + 2) * x - (A + 3)) * x * x + 1;
    }

    /** Keys kernel for 1 < |x| < 2. */
    private static double cubic2(double x) {
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }
}
