package io.musc4j.models.vit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.musc4j.common.io.Npy;
import io.musc4j.models.VitWeights;
import io.musc4j.models.layout.ModelLayout;
import io.musc4j.models.profile.ModelConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The fused attention (a TorchScript module compiled from source at run time) against the composed DJL
 * ops, on random inputs and on the q/k/v a fixture model's block makes from the reference tokens.
 */
class FusedAttentionTest {

    private static final double TOL = 1e-5;
    private static final Path PARITY = Path.of(System.getProperty("musc4j.testdata"), "parity");

    private static double maxAbs(NDArray a, NDArray b) {
        assertArrayEquals(a.getShape().getShape(), b.getShape().getShape());
        return a.sub(b).abs().max().getFloat();
    }

    @Test
    void equalsTheComposedAttentionOnRandomInputs() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            NDArray q = m.randomNormal(new Shape(2, 3, 37, 16)).mul(0.25f);
            NDArray k = m.randomNormal(new Shape(2, 3, 37, 16));
            NDArray v = m.randomNormal(new Shape(2, 3, 37, 16));
            NDArray fused = FusedAttention.attend(q, k, v);
            assertSame(m, fused.getManager(), "the result belongs to q's manager");
            double d = maxAbs(FusedAttention.composed(q, k, v), fused);
            assertTrue(d <= TOL, "random: " + d);
        }
    }

    /** Block 2's q/k/v product of a fixture model on the reference tokens, viewed by head: (B, T, 3, H, d). */
    private static NDArray fixtureProduct(NDManager m) throws Exception {
        ModelLayout.Checkpoint checkpoint = ModelLayout.locate(PARITY.resolve("models/dinov2-tiny"));
        ModelConfig cfg = checkpoint.config();
        Npy.Array tokens = Npy.read(PARITY.resolve("runs/brick_dinov2-tiny_r135_k123/tokens_layer1.npy"));
        VitWeights w = VitWeights.load(checkpoint.names().over(checkpoint.openWeights()), cfg, m, DataType.FLOAT32);
        VitWeights.Block block = w.blocks().get(2);
        int heads = cfg.heads();
        return m.create(tokens.toFloats(), new Shape(tokens.shape())).matMul(block.qkvWeight()).add(block.qkvBias())
                .reshape(tokens.shape()[0], tokens.shape()[1], 3, heads, cfg.hiddenSize() / heads);
    }

    @Test
    void equalsTheComposedAttentionOnAFixtureModelsQueriesKeysAndValues() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            // strided views of one packed projection
            NDArray qkv = fixtureProduct(m).transpose(2, 0, 3, 1, 4);
            NDArray q = qkv.get(0);
            NDArray k = qkv.get(1);
            NDArray v = qkv.get(2);
            double diff = maxAbs(FusedAttention.composed(q, k, v), FusedAttention.attend(q, k, v));
            assertTrue(diff <= TOL, "fixture tokens: " + diff);
        }
    }

    @Test
    void attendsEveryHeadOfTheProductAndMergesThemAsTheSplitKernelAndMergeDo() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray byHead = fixtureProduct(m);
            long[] s = byHead.getShape().getShape(); // (B, T, 3, H, d)
            long b = s[0];
            long t = s[1];
            long c = s[3] * s[4];
            NDArray merged = FusedAttention.attendHeads(byHead);
            assertSame(m, merged.getManager(), "the result belongs to the product's manager");
            assertArrayEquals(new long[] {b, t, c}, merged.getShape().getShape());
            NDArray split = byHead.transpose(2, 0, 3, 1, 4);
            NDArray q = split.get(0);
            NDArray k = split.get(1);
            NDArray v = split.get(2);
            // head j of token i sits at columns j·d … (j+1)·d - 1 of row i, as the output projection reads it
            NDArray expected = FusedAttention.attend(q, k, v).transpose(0, 2, 1, 3).reshape(b, t, c);
            assertEquals(0.0, maxAbs(expected, merged), "the same kernel on the same views");
            double diff = maxAbs(FusedAttention.composed(q, k, v).transpose(0, 2, 1, 3).reshape(b, t, c), merged);
            assertTrue(diff <= TOL, "against the composed ops: " + diff);
        }
    }
}
