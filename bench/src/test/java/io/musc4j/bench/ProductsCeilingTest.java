package io.musc4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import io.musc4j.models.profile.BackboneProfiles;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.vit.Mlp;
import org.junit.jupiter.api.Test;

/** The backbone's work as the benchmarks count it, against hand-computed cases. */
class ProductsCeilingTest {

    private static final ModelConfig VIT_B = new ModelConfig(BackboneProfiles.DINOV2, 768, 12, 12, 3072, 14, 518, 1e-6,
            Mlp.GELU, 0, 0);

    @Test
    void aVitBAt224CountsItsBlockProductsAndTheEmbeddingAs46Point3Gflop() {
        // 257 tokens (256 patches and the class token), 768 channels, an MLP of 3072:
        // q/k/v 2·257·768·2304, output 2·257·768·768, fc1 and fc2 2·257·768·3072, attention 2·2·257²·768
        assertArrayEquals(new double[] {909_508_608, 303_169_536, 1_212_678_144, 1_212_678_144, 202_902_528},
                ProductsCeiling.blockFlops(VIT_B, 224));
        // the embedding 2·256·(3·14·14)·768 = 231,211,008, and 12 blocks of 3,840,936,960
        assertEquals(46_322_454_528.0, ProductsCeiling.passFlops(VIT_B, 224));
    }

    @Test
    void registerTokensAreTokensOfEveryBlockProductButNotOfTheEmbedding() {
        ModelConfig reg = new ModelConfig(BackboneProfiles.DINOV2, 768, 12, 12, 3072, 14, 518, 1e-6, Mlp.GELU, 0, 4);
        double[] flops = ProductsCeiling.blockFlops(reg, 224);
        assertEquals(2.0 * 261 * 768 * 2304, flops[0]);
        assertEquals(4.0 * 261 * 261 * 768, flops[4]);
        assertEquals(231_211_008 + 12 * (2.0 * 261 * 768 * (2304 + 768 + 2 * 3072) + 4.0 * 261 * 261 * 768),
                ProductsCeiling.passFlops(reg, 224));
    }

    @Test
    void theCeilingIsTheEmbeddingAndEveryBlocksProducts() {
        ProductsCeiling c = new ProductsCeiling(2.0, new double[] {2.37, 0.82, 3.13, 3.28}, 1.05, 12);
        assertEquals(2.0 + 12 * (2.37 + 0.82 + 3.13 + 3.28 + 1.05), c.totalMs(), 1e-9);
        String text = c.describe(VIT_B, 224, 400);
        // 909,508,608 FLOP in 2.37 ms is 383.8 GFLOP/s; 46.32 GFLOP in 129.8 ms is 356.9, 89 % of 400
        assertTrue(text.contains("q/k/v 2.37 ms (384 GFLOP/s)"), text);
        assertTrue(text.contains("attention (split, kernel, merge) 1.05 ms (193 GFLOP/s)"), text);
        assertTrue(text.contains("129.8 ms/image = 357 GFLOP/s = 89% of the matmul peak (400 GFLOP/s)"), text);
    }

    @Test
    void measuresEveryProductOfASmallVit() {
        // two heads over a 2 x 2 grid of 14-pixel patches: the kernels run on the shapes a pass gives them
        ModelConfig tiny = new ModelConfig(BackboneProfiles.DINOV2, 32, 2, 2, 64, 14, 28, 1e-6, Mlp.GELU, 0, 0);
        ProductsCeiling c = ProductsCeiling.measure(tiny, 28, 2, DataType.FLOAT32, 3);
        assertEquals(2, c.blocks());
        assertEquals(4, c.linearMs().length);
        for (double ms : new double[] {c.embedMs(), c.linearMs()[0], c.linearMs()[3], c.attentionMs()}) {
            assertTrue(ms > 0 && Double.isFinite(ms), "time " + ms);
        }
    }
}
