package io.musc4j.models.vit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.common.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import io.musc4j.common.image.PillowResize;
import io.musc4j.common.image.RgbImage;
import org.junit.jupiter.api.Test;
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

    /**
     * PyTorch's antialiased bicubic (transformers' DINOv2 with registers) computes Pillow's BICUBIC
     * weights: Keys a = −0.5, support 2·M/g when shrinking, border taps dropped and renormalised. Pillow
     * rounds to 8 bits after its horizontal pass and at the end, so on an 8-bit image (values kept away
     * from the clamps) the two differ by at most 0.5·Σ|w| + 0.5 ≤ 1.25 grey levels (Σ|w| < 1.5 for this
     * kernel). With PyTorch's non-antialiased A = −0.75 kernel the difference is several levels.
     */
    @Test
    void antialiasedResizeIsPillowsBicubic() {
        int m = 37;
        int g = 16;
        java.util.Random random = new java.util.Random(3);
        byte[] px = new byte[m * m * 3];
        float[] pos = new float[(1 + m * m) * 3];
        for (int i = 0; i < px.length; i++) {
            int v = 40 + random.nextInt(176);
            px[i] = (byte) v;
            pos[3 + i] = v;
        }
        pos[0] = 7;
        float[] ours = PosEmbedResize.antialiased(pos, m, 3, g);
        byte[] pillow = PillowResize.resize(new RgbImage(m, m, px), g, g, PillowResize.Filter.BICUBIC).pixels();
        double max = 0;
        for (int i = 0; i < pillow.length; i++) {
            max = Math.max(max, Math.abs(ours[3 + i] - (pillow[i] & 0xFF)));
        }
        System.out.printf("antialiased 37->16 vs Pillow: max abs diff %.3f grey levels%n", max);
        assertTrue(max <= 1.25, "max diff " + max);
        assertEquals(7f, ours[0], "the class row is copied");
        float[] plain = PosEmbedResize.clip(pos, m, 3, g);
        double far = 0;
        for (int i = 0; i < pillow.length; i++) {
            far = Math.max(far, Math.abs(plain[3 + i] - (pillow[i] & 0xFF)));
        }
        assertTrue(far > 5, "the non-antialiased resize is not Pillow's: " + far);
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
