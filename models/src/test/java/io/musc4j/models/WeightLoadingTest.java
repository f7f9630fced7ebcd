package io.musc4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.musc4j.common.io.Npy;
import io.musc4j.models.io.Safetensors;
import io.musc4j.models.io.SafetensorsWriter;
import io.musc4j.models.io.WeightFileException;
import io.musc4j.models.profile.BackboneProfiles;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.vit.Mlp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading errors, converted weight formats and options, on copies of the fixture models. */
class WeightLoadingTest {

    private static final Path MODELS = BackboneParityTest.PARITY.resolve("models");
    private static final Path RUN = BackboneParityTest.PARITY.resolve("runs/brick_dinov2-tiny_r135_k123");

    private static BackboneOptions cpu() {
        return BackboneOptions.on(ai.djl.Device.cpu()).build();
    }

    /** A copy of dinov2-tiny whose weights are {@code weights}. */
    private static Path copyWith(Path dir, SafetensorsWriter weights) throws IOException {
        Files.copy(MODELS.resolve("dinov2-tiny/config.json"), dir.resolve("config.json"));
        weights.write(dir.resolve("model.safetensors"));
        return dir;
    }

    private static SafetensorsWriter fixtureWeights(String dtype) throws IOException {
        return SafetensorsWriter.copyOf(Safetensors.openFolder(MODELS.resolve("dinov2-tiny")), dtype);
    }

    @Test
    void missingTensorIsNamed(@TempDir Path dir) throws IOException {
        copyWith(dir, fixtureWeights("F32").remove("encoder.layer.3.mlp.fc2.bias"));
        String msg = assertThrows(WeightFileException.class, () -> Backbones.load(dir, cpu())).getMessage();
        assertTrue(msg.contains("'encoder.layer.3.mlp.fc2.bias'") && msg.contains("missing"), msg);
    }

    @Test
    void unexpectedTensorIsNamedWithItsFile(@TempDir Path dir) throws IOException {
        copyWith(dir, fixtureWeights("F32").put("encoder.layer.8.norm1.weight", "F32", new long[] {64}, new float[64]));
        String msg = assertThrows(WeightFileException.class, () -> Backbones.load(dir, cpu())).getMessage();
        assertTrue(msg.startsWith(dir.resolve("model.safetensors").toString())
                && msg.contains("unexpected tensor 'encoder.layer.8.norm1.weight'"), msg);
    }

    @Test
    void wrongShapeIsNamedWithBothShapes(@TempDir Path dir) throws IOException {
        copyWith(dir, fixtureWeights("F32").put("layernorm.weight", "F32", new long[] {32}, new float[32]));
        String msg = assertThrows(WeightFileException.class, () -> Backbones.load(dir, cpu())).getMessage();
        assertTrue(msg.contains("'layernorm.weight'") && msg.contains("[32]") && msg.contains("[64]"), msg);
    }

    @Test
    void unknownModelTypeIsNamed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"vit_mae\", \"hidden_size\": 64}");
        String msg = assertThrows(WeightFileException.class, () -> Backbones.load(dir, cpu())).getMessage();
        assertTrue(msg.startsWith(dir.resolve("config.json").toString()) && msg.contains("vit_mae"), msg);
    }

    /**
     * The precision and the device are checked where the user's choice of device is resolved, once, not
     * by the loader: fp16 is refused on the CPU, and a GPU that DJL does not see is refused.
     */
    /** bf16 runs on a CPU with bfloat16 products and on CUDA; elsewhere one line names the CPU and says what to use. */
    @Test
    void bf16IsRefusedOnlyOnCpusWithoutBfloat16Products() {
        String msg = assertThrows(IllegalArgumentException.class,
                () -> BackboneOptions.DeviceChoice.CPU.checkRuns(Precision.BF16, false, "Some CPU")).getMessage();
        assertEquals("bf16 precision needs a CPU with bfloat16 products (AVX512-BF16 or AMX) or a CUDA device; "
                + "this CPU (Some CPU) has neither: use fp32", msg);
        BackboneOptions.DeviceChoice.CPU.checkRuns(Precision.BF16, true, "Some CPU");
        BackboneOptions.DeviceChoice.GPU.checkRuns(Precision.BF16, false, "Some CPU");
        BackboneOptions.DeviceChoice.CPU.checkRuns(Precision.FP32, false, "Some CPU");
    }

    @Test
    void fp16IsRefusedOnCpuAndGpuIsRefusedWithoutOne() {
        String msg = assertThrows(IllegalArgumentException.class,
                () -> BackboneOptions.DeviceChoice.CPU.checkRuns(Precision.FP16)).getMessage();
        assertTrue(msg.contains("fp16") && msg.contains("CUDA"), msg);
        BackboneOptions.DeviceChoice.GPU.checkRuns(Precision.FP16);
        BackboneOptions.DeviceChoice.CPU.checkRuns(Precision.FP32);
        assumeTrue(Engine.getInstance().getGpuCount() == 0, "a GPU is present");
        msg = assertThrows(IllegalArgumentException.class,
                () -> BackboneOptions.DeviceChoice.GPU.resolve(Engine.getInstance().getGpuCount())).getMessage();
        assertTrue(msg.contains("GPU was requested"), msg);
    }

    /**
     * F16 and BF16 copies of the fixture weights give the reference tokens up to the weights' rounding.
     * Each weight moves by at most half an ulp, a relative 2^-11 (F16) or 2^-8 (BF16). The tokens are
     * LayerNorm outputs, so each block's error is roughly that relative error times the token scale (~4
     * at most here), and 8 residual blocks add up: bound ≈ 8 · 4 · u, i.e. 0.016 for F16 and 0.125 for BF16.
     * Meanwhile both are far above the F32 error (~2e-6), so the test would notice weights read as F32 garbage.
     */
    @Test
    void halfPrecisionCopiesGiveReferenceTokensWithinRounding(@TempDir Path dir) throws IOException {
        Npy.Array in = Npy.read(RUN.resolve("inputs.npy"));
        float[] ref = BackboneParityTest.rows(Npy.read(RUN.resolve("tokens_layer7.npy")), new int[] {0, 3});
        for (String dtype : new String[] {"F16", "BF16"}) {
            Path sub = Files.createDirectory(dir.resolve(dtype));
            copyWith(sub, fixtureWeights(dtype));
            double bound = 8 * 4 * (dtype.equals("F16") ? 0x1p-11 : 0x1p-8);
            try (Backbone bb = Backbones.load(sub, cpu()); NDManager m = NDManager.newBaseManager()) {
                Features f = bb.forward(m.create(in.toFloats(), new Shape(in.shape())), new int[] {7});
                double err = BackboneParityTest.maxAbsDiff(ref, f.tokens().get(0).toFloatArray());
                System.out.printf("%s weights: tokens_layer7 max abs err %.3g (bound %.3g)%n", dtype, err, bound);
                assertTrue(err <= bound, dtype + " err " + err);
            }
        }
    }

    /** Inputs above the trained size use the resized position embedding (SPEC §2c): the grid follows S. */
    @Test
    void largerInputsGetResizedPositionEmbeddings() throws IOException {
        for (String model : new String[] {"dinov2-tiny", "clip-tiny"}) {
            try (Backbone bb = Backbones.load(MODELS.resolve(model), BackboneOptions.on(ai.djl.Device.cpu())
                    .imageSize(518).build());
                    NDManager m = NDManager.newBaseManager()) {
                int g = bb.spec().grid(518); // 37 for patch 14, 32 for patch 16 (6 pixels unused)
                Features f = bb.forward(m.randomNormal(new Shape(2, 3, 518, 518)), new int[] {1});
                assertArrayEquals(new long[] {2, 1 + (long) g * g, 64}, f.tokens().get(0).getShape().getShape());
                float[] feat = f.imageFeatures().toFloatArray();
                assertEquals(2 * bb.spec().featureDim(), feat.length);
                if (model.startsWith("clip")) {
                    double n = 0;
                    for (int i = 0; i < bb.spec().featureDim(); i++) {
                        n += feat[i] * feat[i];
                    }
                    assertEquals(1.0, n, 1e-5, "CLIP features are L2-normalised");
                } else {
                    assertEquals(0f, f.tokens().get(0).get("0, 0, :").abs().max().getFloat(), "DINOv2 CLS row is zero");
                }
            }
        }
    }

    @Test
    void defaultTapsAreFourEvenlySpacedBlocksEndingAtTheLast() {
        assertArrayEquals(new int[] {5, 11, 17, 23}, spec(24).defaultTaps());
        assertArrayEquals(new int[] {2, 5, 8, 11}, spec(12).defaultTaps());
        assertArrayEquals(new int[] {1, 3, 5, 7}, spec(8).defaultTaps());
        assertArrayEquals(new int[] {0, 2, 3, 5}, spec(6).defaultTaps());
        assertArrayEquals(new int[] {0, 1, 2}, spec(3).defaultTaps());
    }

    private static BackboneSpec spec(int blocks) {
        return new BackboneSpec(BackboneProfiles.DINOV2, 14, 64, blocks, 224, 64);
    }

    /** SPEC §2d: the hub's DINO configs say eps 1e-12; the reference computes with 1e-6. */
    @Test
    void dinoConfigIsReadWithTheReferenceEps() throws IOException {
        Path config = MODELS.resolve("dino-tiny/config.json");
        assertTrue(Files.readString(config).contains("\"layer_norm_eps\": 1e-12"));
        ModelConfig c = io.musc4j.models.layout.ModelLayout.readConfig(config);
        assertEquals(new ModelConfig(BackboneProfiles.DINO, 64, 8, 4, 256, 16, 224, 1e-6, Mlp.GELU, 0, 0), c);
    }

    @Test
    void clipConfigFromFullClipModelUsesVisionConfig(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"clip\",\"projection_dim\":768,"
                + "\"vision_config\":{\"hidden_size\":1024,\"num_hidden_layers\":24,\"num_attention_heads\":16,"
                + "\"intermediate_size\":4096,\"patch_size\":14,\"image_size\":336,\"hidden_act\":\"quick_gelu\"}}");
        ModelConfig c = io.musc4j.models.layout.ModelLayout.readConfig(dir.resolve("config.json"));
        assertEquals(new ModelConfig(BackboneProfiles.CLIP, 1024, 24, 16, 4096, 14, 336, 1e-5, Mlp.QUICK_GELU, 768, 0), c);
        assertEquals(24, c.trainedGrid());
    }
}
