package io.musc4j.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The sort keys order like the values, and the radix sort agrees with {@link Arrays#sort}. */
class SortKeysTest {

    @Test
    void floatKeysSortLikeValues() {
        Random rnd = new Random(1);
        float[] v = new float[20_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (i % 5) {
                case 0 -> (float) rnd.nextGaussian();
                case 1 -> rnd.nextInt(7) - 3; // many exact ties, negative too
                case 2 -> Float.intBitsToFloat(rnd.nextInt()) / 1e30f;
                case 3 -> i % 2 == 0 ? -0.0f : 0.0f;
                default -> i % 3 == 0 ? Float.NEGATIVE_INFINITY : Float.MAX_VALUE;
            };
            if (Float.isNaN(v[i])) {
                v[i] = 1;
            }
        }
        long[] keys = new long[v.length];
        int[] index = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            keys[i] = SortKeys.ofFloat(v[i]);
            index[i] = i;
        }
        int[] intKeys = Arrays.stream(keys).mapToInt(k -> (int) k).toArray();
        SortKeys.sort(keys, index, keys.length, 32);
        SortKeys.sort(intKeys, intKeys.length);
        float[] expected = v.clone();
        Arrays.sort(expected);
        for (int i = 0; i < v.length; i++) {
            assertEquals(expected[i] + 0.0f, (float) SortKeys.floatValue(keys[i]), 0.0f);
            assertEquals(v[index[i]] + 0.0f, (float) SortKeys.floatValue(keys[i]), 0.0f, "satellite follows");
            assertEquals(expected[i] + 0.0f, (float) SortKeys.floatValue(intKeys[i]), 0.0f, "int keys");
        }
    }

    @Test
    void doubleKeysSortLikeValues() {
        Random rnd = new Random(2);
        double[] v = new double[20_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 3 == 0 ? rnd.nextGaussian() * 1e-300 : i % 3 == 1 ? -rnd.nextDouble() * 1e10 : rnd.nextInt(4);
        }
        long[] keys = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            keys[i] = SortKeys.ofDouble(v[i]);
        }
        SortKeys.sort(keys, null, keys.length, 64);
        double[] expected = v.clone();
        Arrays.sort(expected);
        double[] got = Arrays.stream(keys).mapToDouble(SortKeys::doubleValue).toArray();
        assertArrayEquals(expected, got);
    }

    @Test
    void zeroesOfBothSignsShareOneKey() {
        assertEquals(SortKeys.ofFloat(0.0f), SortKeys.ofFloat(-0.0f));
        assertEquals(SortKeys.ofDouble(0.0), SortKeys.ofDouble(-0.0));
    }
}
