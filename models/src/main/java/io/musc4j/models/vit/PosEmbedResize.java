package io.musc4j.models.vit;

/**
 * Resizes a ViT position embedding (1+M², C), trained for an M×M patch grid, to a g×g grid with PyTorch's
 * bicubic interpolation, computed in double as one separable matrix per axis. The class-token row is
 * copied; nothing changes when g = M.
 *
 * <p>Three code paths exist, one per {@link Rule}. Without antialiasing PyTorch uses the Keys kernel with
 * A = −0.75 and clamps taps outside the grid to the edge; the paths differ only in where a destination
 * index samples the source (SPEC §2c): DINOv2 and DINO pass {@code scale_factor = (g+0.1)/M}, so they
 * sample {@code (dst+0.5)·M/(g+0.1) − 0.5}; CLIP passes {@code size = g}, so it samples
 * {@code (dst+0.5)·M/g − 0.5}. With {@code antialias=True} (Hugging Face's DINOv2 with registers)
 * PyTorch switches to Pillow's scheme: Keys kernel with A = −0.5, stretched by M/g when shrinking, taps
 * cut at the border and the weights renormalised.
 */
public final class PosEmbedResize {

    private static final double A = -0.75;
    private static final double A_ANTIALIAS = -0.5;

    /** Which interpolation a backbone family applies. */
    public enum Rule {
        /** DINOv2 and DINO v1: {@code scale_factor = (g+0.1)/M}, no antialiasing. */
        OFFSET_SCALE,
        /** CLIP: {@code size = g}, no antialiasing. */
        SIZE,
        /** Hugging Face DINOv2 with registers: {@code size = g}, {@code antialias=True}. */
        SIZE_ANTIALIAS;

        /** The (1+g², C) embedding for grid g from the (1+M², C) one. */
        public float[] resize(float[] posWithCls, int m, int channels, int g) {
            return switch (this) {
                case OFFSET_SCALE -> dinov2(posWithCls, m, channels, g);
                case SIZE -> clip(posWithCls, m, channels, g);
                case SIZE_ANTIALIAS -> antialiased(posWithCls, m, channels, g);
            };
        }
    }

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

    /** {@code F.interpolate(size=g, mode="bicubic", antialias=True)} of a (1+M², C) embedding. */
    public static float[] antialiased(float[] posWithCls, int m, int channels, int g) {
        if (g == m) {
            return posWithCls.clone();
        }
        return resize(posWithCls, m, channels, g, antialiasWeights(m, g));
    }

    private static float[] resize(float[] pos, int m, int c, int g, double srcPerDst) {
        return resize(pos, m, c, g, weights(m, g, srcPerDst));
    }

    private static float[] resize(float[] pos, int m, int c, int g, double[][] w) {
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

    /**
     * PyTorch's antialiased weights ({@code _compute_indices_min_size_weights_aa}): output o is centred
     * at {@code (o+0.5)·n/out}; the kernel is stretched by the scale when shrinking; taps beyond the
     * border are dropped and the rest renormalised.
     */
    static double[][] antialiasWeights(int n, int out) {
        double scale = (double) n / out;
        double support = scale >= 1 ? 2 * scale : 2;
        double invScale = scale >= 1 ? 1 / scale : 1;
        double[][] w = new double[out][n];
        for (int o = 0; o < out; o++) {
            double center = scale * (o + 0.5);
            int min = Math.max((int) (center - support + 0.5), 0);
            int max = Math.min((int) (center + support + 0.5), n);
            double total = 0;
            for (int j = min; j < max; j++) {
                w[o][j] = keysHalf((j - center + 0.5) * invScale);
                total += w[o][j];
            }
            if (total != 0) {
                for (int j = min; j < max; j++) {
                    w[o][j] /= total;
                }
            }
        }
        return w;
    }

    /** Keys kernel with A = −0.5, the antialiasing filter. */
    private static double keysHalf(double x) {
        double ax = Math.abs(x);
        if (ax < 1) {
            return ((A_ANTIALIAS + 2) * ax - (A_ANTIALIAS + 3)) * ax * ax + 1;
        }
        if (ax < 2) {
            return ((A_ANTIALIAS * ax - 5 * A_ANTIALIAS) * ax + 8 * A_ANTIALIAS) * ax - 4 * A_ANTIALIAS;
        }
        return 0;
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
