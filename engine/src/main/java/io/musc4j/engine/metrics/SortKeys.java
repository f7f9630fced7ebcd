package io.musc4j.engine.metrics;

/**
 * Order-preserving integer keys of floating-point scores and an LSD radix sort on them.
 *
 * <p>A key compares (as a signed {@code long}) exactly like its value, and two keys are equal exactly
 * when the values are {@code ==}: −0.0 is folded into +0.0, because scikit-learn groups scores by
 * numeric equality. Float keys occupy the low 32 bits (sign-extended), double keys all 64.
 */
final class SortKeys {

    private static final int DIGIT_BITS = 16;
    private static final int RADIX = 1 << DIGIT_BITS;

    private SortKeys() {
    }

    static long ofFloat(float v) {
        int bits = Float.floatToRawIntBits(v + 0.0f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    static long ofDouble(double v) {
        long bits = Double.doubleToRawLongBits(v + 0.0);
        return bits ^ ((bits >> 63) & Long.MAX_VALUE);
    }

    static double floatValue(long key) {
        int k = (int) key;
        return Float.intBitsToFloat(k ^ ((k >> 31) & 0x7fffffff));
    }

    static double doubleValue(long key) {
        return Double.longBitsToDouble(key ^ ((key >> 63) & Long.MAX_VALUE));
    }

    /**
     * Sorts {@code keys[0..n)} ascending, permuting {@code satellite} (may be {@code null}) alongside.
     *
     * @param keyBits 32 for float keys, 64 for double keys
     */
    static void sort(long[] keys, int[] satellite, int n, int keyBits) {
        if (n < 2) {
            return;
        }
        int passes = keyBits / DIGIT_BITS;
        int[][] counts = new int[passes][RADIX];
        for (int i = 0; i < n; i++) {
            long k = keys[i];
            for (int p = 0; p < passes; p++) {
                counts[p][digit(k, p, passes)]++;
            }
        }
        long[] srcK = keys;
        long[] dstK = null;
        int[] srcS = satellite;
        int[] dstS = null;
        for (int p = 0; p < passes; p++) {
            int[] c = counts[p];
            if (c[digit(srcK[0], p, passes)] == n) {
                continue; // every key has the same digit here: the pass would not move anything
            }
            if (dstK == null) {
                dstK = new long[n];
                dstS = satellite == null ? null : new int[n];
            }
            int sum = 0;
            for (int d = 0; d < RADIX; d++) {
                int t = c[d];
                c[d] = sum;
                sum += t;
            }
            for (int i = 0; i < n; i++) {
                int at = c[digit(srcK[i], p, passes)]++;
                dstK[at] = srcK[i];
                if (srcS != null) {
                    dstS[at] = srcS[i];
                }
            }
            long[] tk = srcK;
            srcK = dstK;
            dstK = tk;
            int[] ts = srcS;
            srcS = dstS;
            dstS = ts;
        }
        if (srcK != keys) {
            System.arraycopy(srcK, 0, keys, 0, n);
            if (satellite != null) {
                System.arraycopy(srcS, 0, satellite, 0, n);
            }
        }
    }

    private static final int INT_DIGIT_BITS = 11;
    private static final int INT_RADIX = 1 << INT_DIGIT_BITS;
    private static final int INT_PASSES = 3;

    /**
     * Sorts the float keys {@code keys[0..n)} ascending: three passes of 11 bits, because the
     * scatter to 2048 places stays in cache where 65536 would not (this is the big array).
     */
    static void sort(int[] keys, int n) {
        if (n < 2) {
            return;
        }
        int[][] counts = new int[INT_PASSES][INT_RADIX];
        for (int i = 0; i < n; i++) {
            int k = keys[i];
            for (int p = 0; p < INT_PASSES; p++) {
                counts[p][intDigit(k, p)]++;
            }
        }
        int[] src = keys;
        int[] dst = null;
        for (int p = 0; p < INT_PASSES; p++) {
            int[] c = counts[p];
            if (c[intDigit(src[0], p)] == n) {
                continue;
            }
            if (dst == null) {
                dst = new int[n];
            }
            int sum = 0;
            for (int d = 0; d < INT_RADIX; d++) {
                int t = c[d];
                c[d] = sum;
                sum += t;
            }
            for (int i = 0; i < n; i++) {
                int k = src[i];
                dst[c[intDigit(k, p)]++] = k;
            }
            int[] t = src;
            src = dst;
            dst = t;
        }
        if (src != keys) {
            System.arraycopy(src, 0, keys, 0, n);
        }
    }

    /** 11-bit digit {@code p} of an int key; the top (10-bit) digit has the sign bit flipped. */
    private static int intDigit(int key, int p) {
        int d = (key >>> (p * INT_DIGIT_BITS)) & (INT_RADIX - 1);
        return p == INT_PASSES - 1 ? d ^ (1 << (31 - 2 * INT_DIGIT_BITS)) : d;
    }

    /** Digit {@code p} (least significant first); the top digit has its sign bit flipped. */
    private static int digit(long key, int p, int passes) {
        int d = (int) (key >>> (p * DIGIT_BITS)) & (RADIX - 1);
        return p == passes - 1 ? d ^ (RADIX >> 1) : d;
    }
}
