package io.musc4j.engine.metrics;

/**
 * Order-preserving integer keys of floating-point scores and an LSD radix sort on them.
 *
 * <p>A key compares (as a signed {@code long}) exactly like its value, and two keys are equal exactly
 * when the values are {@code ==}: −0.0 is folded into +0.0, because scikit-learn groups scores by
 * numeric equality. Float keys occupy the low 32 bits (sign-extended), double keys all 64.
 */
final class SortKeys {

    /** 11-bit digits: the scatter to 2048 places stays in cache, where 65536 would not. */
    private static final int DIGIT_BITS = 11;
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
        int passes = passes(keyBits);
        int[][] counts = new int[passes][RADIX];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < passes; p++) {
                counts[p][digit(keys[i], p, keyBits)]++;
            }
        }
        long[] srcK = keys;
        long[] dstK = null;
        int[] srcS = satellite;
        int[] dstS = null;
        for (int p = 0; p < passes; p++) {
            int[] c = counts[p];
            if (c[digit(srcK[0], p, keyBits)] == n) {
                continue; // every key has the same digit here: the pass would not move anything
            }
            if (dstK == null) {
                dstK = new long[n];
                dstS = satellite == null ? null : new int[n];
            }
            toOffsets(c);
            for (int i = 0; i < n; i++) {
                int at = c[digit(srcK[i], p, keyBits)]++;
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

    /** Sorts the float keys {@code keys[0..n)} ascending (the normal pixels: by far the largest array). */
    static void sort(int[] keys, int n) {
        if (n < 2) {
            return;
        }
        int passes = passes(32);
        int[][] counts = new int[passes][RADIX];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < passes; p++) {
                counts[p][digit(keys[i], p, 32)]++;
            }
        }
        int[] src = keys;
        int[] dst = null;
        for (int p = 0; p < passes; p++) {
            int[] c = counts[p];
            if (c[digit(src[0], p, 32)] == n) {
                continue;
            }
            if (dst == null) {
                dst = new int[n];
            }
            toOffsets(c);
            for (int i = 0; i < n; i++) {
                int k = src[i];
                dst[c[digit(k, p, 32)]++] = k;
            }
            int[] t = src;
            src = dst;
            dst = t;
        }
        if (src != keys) {
            System.arraycopy(src, 0, keys, 0, n);
        }
    }

    private static int passes(int keyBits) {
        return (keyBits + DIGIT_BITS - 1) / DIGIT_BITS;
    }

    /**
     * Digit {@code p} (least significant first) of a key of {@code keyBits} bits; the top digit has
     * the key's sign bit flipped, so that the unsigned digit order is the signed key order.
     */
    private static int digit(long key, int p, int keyBits) {
        int shift = p * DIGIT_BITS;
        int width = Math.min(DIGIT_BITS, keyBits - shift);
        int d = (int) (key >>> shift) & ((1 << width) - 1);
        return shift + width == keyBits ? d ^ (1 << (width - 1)) : d;
    }

    /** Turns digit counts into the first output position of each digit. */
    private static void toOffsets(int[] counts) {
        int sum = 0;
        for (int d = 0; d < counts.length; d++) {
            int t = counts[d];
            counts[d] = sum;
            sum += t;
        }
    }
}
