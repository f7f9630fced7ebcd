package io.musc4j.models.vit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.common.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reference position-embedding interpolations of SPEC §2c (fixtures in posembed/). */
class PosEmbedResizeTest {

    private static final Path DIR = Path.of(System.getProperty("musc4j.testdata"), "parity", "posembed");
    private static final double TOL = 1e-5;

    @ParameterizedTest
    @CsvSource({"16, dinov2_pos_embed_for_input224.npy", "32, dinov2_pos_embed_for_input448.npy",
            "37, dinov2_pos_embed_for_input518.npy"})
    void dinov2ForwardTimeResize(int grid, String expectedFile) throws IOException {
        Npy.Array src = Npy.read(DIR.resolve("dinov2_pos_embed_37x37.npy"));
        int c = (int) src.shape()[2];
        float[] got = PosEmbedResize.dinov2(src.toFloats(), 37, c, grid);
        assertClose(Npy.read(DIR.resolve(expectedFile)).toFloats(), got, expectedFile);
    }

    @ParameterizedTest
    @CsvSource({"14, 32, clip_pos_embed_14x14_in_for_32x32.npy, clip_pos_embed_14x14_to_32x32.npy",
            "24, 37, clip_pos_embed_24x24_in_for_37x37.npy, clip_pos_embed_24x24_to_37x37.npy",
            "14, 14, clip_pos_embed_14x14_in_for_14x14.npy, clip_pos_embed_14x14_to_14x14.npy"})
    void clipLoadTimeResize(int from, int to, String in, String out) throws IOException {
        Npy.Array src = Npy.read(DIR.resolve(in));
        int c = (int) src.shape()[1];
        float[] got = PosEmbedResize.clip(src.toFloats(), from, c, to);
        assertClose(Npy.read(DIR.resolve(out)).toFloats(), got, out);
    }

    private static void assertClose(float[] expected, float[] actual, String name) {
        assertEquals(expected.length, actual.length, name);
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs((double) expected[i] - actual[i]));
        }
        System.out.printf("posembed %s max abs err %.3g%n", name, max);
        assertTrue(max <= TOL, name + " max abs err " + max);
    }
}
