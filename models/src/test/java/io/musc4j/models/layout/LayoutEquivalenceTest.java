package io.musc4j.models.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.musc4j.common.io.Npy;
import io.musc4j.models.Backbone;
import io.musc4j.models.BackboneOptions;
import io.musc4j.models.BackboneParityTest;
import io.musc4j.models.Backbones;
import io.musc4j.models.Features;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same weights give the same tokens and image features, bit for bit, whatever layout holds them:
 * the fixture models in transformers' layout against converted copies in timm's and open_clip's, with
 * safetensors or pickled weights. Since the transformers copies match the reference (BackboneParityTest),
 * so do the others; the copies also go through the reference check directly.
 */
class LayoutEquivalenceTest {

    private static final Path MODELS = BackboneParityTest.PARITY.resolve("models");

    /** timm's own pretrained_cfg for the DINOv2 weights, with model_args shrinking vit_small to the fixture. */
    static final String TIMM_DINOV2 = """
            {"architecture": "vit_small_patch14_dinov2", "num_classes": 0, "num_features": 64, "global_pool": "token",
             "model_args": {"img_size": 224, "embed_dim": 64, "depth": 8, "num_heads": 4},
             "pretrained_cfg": {"tag": "lvd142m", "custom_load": false, "input_size": [3, 518, 518],
               "fixed_input_size": true, "interpolation": "bicubic", "crop_pct": 1.0, "crop_mode": "center",
               "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "num_classes": 0,
               "pool_size": null, "first_conv": "patch_embed.proj", "classifier": "head", "license": "apache-2.0"}}
            """;

    static final String TIMM_DINO = """
            {"architecture": "vit_small_patch16_224", "num_classes": 0, "num_features": 64, "global_pool": "token",
             "model_args": {"embed_dim": 64, "depth": 8, "num_heads": 4},
             "pretrained_cfg": {"tag": "dino", "custom_load": false, "input_size": [3, 224, 224],
               "fixed_input_size": false, "interpolation": "bicubic", "crop_pct": 0.9, "crop_mode": "center",
               "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "num_classes": 0,
               "pool_size": null, "first_conv": "patch_embed.proj", "classifier": "head"}}
            """;

    static final String TIMM_CLIP = """
            {"architecture": "vit_base_patch16_clip_224", "num_classes": 32, "num_features": 64, "global_pool": "token",
             "model_args": {"embed_dim": 64, "depth": 6, "num_heads": 4},
             "pretrained_cfg": {"tag": "openai", "custom_load": false, "input_size": [3, 224, 224],
               "fixed_input_size": false, "interpolation": "bicubic", "crop_pct": 1.0, "crop_mode": "center",
               "mean": [0.48145466, 0.4578275, 0.40821073], "std": [0.26862954, 0.26130258, 0.27577711],
               "num_classes": 32, "pool_size": null, "first_conv": "patch_embed.proj", "classifier": "head",
               "notes": ["natively QuickGELU, use quickgelu model variant for original results"]}}
            """;

    static final String OPEN_CLIP = """
            {"model_cfg": {"embed_dim": 32, "quick_gelu": true,
               "vision_cfg": {"image_size": 224, "layers": 6, "width": 64, "patch_size": 16, "head_width": 16},
               "text_cfg": {"context_length": 77, "vocab_size": 10, "width": 8, "heads": 2, "layers": 1}},
             "preprocess_cfg": {"mean": [0.48145466, 0.4578275, 0.40821073],
               "std": [0.26862954, 0.26130258, 0.27577711], "interpolation": "bicubic", "resize_mode": "shortest"}}
            """;

    @Test
    void dinov2InTimmLayoutGivesIdenticalTokens(@TempDir Path tmp) throws IOException {
        LayoutCopies.timmDinov2(MODELS.resolve("dinov2-tiny"), 8, tmp, TIMM_DINOV2);
        assertEquals(ModelLayout.TIMM, ModelLayout.locate(tmp).layout());
        assertIdentical(MODELS.resolve("dinov2-tiny"), tmp);
        BackboneParityTest.checkDinov2(tmp);
    }

    @Test
    void dinoInTimmLayoutGivesIdenticalTokens(@TempDir Path tmp) throws IOException {
        LayoutCopies.timmDino(MODELS.resolve("dino-tiny"), 8, tmp, TIMM_DINO);
        assertIdentical(MODELS.resolve("dino-tiny"), tmp);
        BackboneParityTest.checkDino(tmp);
    }

    @Test
    void clipInTimmLayoutGivesIdenticalTokens(@TempDir Path tmp) throws IOException {
        LayoutCopies.timmClip(MODELS.resolve("clip-tiny"), 6, tmp, TIMM_CLIP);
        assertIdentical(MODELS.resolve("clip-tiny"), tmp);
        BackboneParityTest.checkClip(tmp);
    }

    @Test
    void clipInOpenClipLayoutGivesIdenticalTokens(@TempDir Path tmp) throws IOException {
        Path safetensors = tmp.resolve("safetensors");
        LayoutCopies.openClip(MODELS.resolve("clip-tiny"), 6, safetensors, OPEN_CLIP, false);
        assertEquals(ModelLayout.OPEN_CLIP, ModelLayout.locate(safetensors).layout());
        assertIdentical(MODELS.resolve("clip-tiny"), safetensors);
        BackboneParityTest.checkClip(safetensors);

        Path pickled = tmp.resolve("pickled");
        LayoutCopies.openClip(MODELS.resolve("clip-tiny"), 6, pickled, OPEN_CLIP, true);
        assertEquals(pickled.resolve("open_clip_pytorch_model.bin"), ModelLayout.locate(pickled).weightsFile());
        assertIdentical(MODELS.resolve("clip-tiny"), pickled);
    }

    /** The fixture re-saved by torch.save (the checkpoint reader's resource) against its safetensors. */
    @Test
    void dinov2FromPytorchModelBinGivesIdenticalTokens(@TempDir Path tmp) throws IOException, URISyntaxException {
        Files.copy(MODELS.resolve("dinov2-tiny/config.json"), tmp.resolve("config.json"));
        Files.copy(Path.of(getClass().getResource("/io/musc4j/models/io/checkpoints/dinov2-tiny.pytorch_model.bin")
                .toURI()), tmp.resolve("pytorch_model.bin"));
        assertIdentical(MODELS.resolve("dinov2-tiny"), tmp);
    }

    /** Every block's tokens and the image features of {@code copy} equal those of {@code original} exactly. */
    static void assertIdentical(Path original, Path copy) throws IOException {
        Npy.Array in = Npy.read(BackboneParityTest.PARITY.resolve("runs/brick_dinov2-tiny_r135_k123/inputs.npy"));
        BackboneOptions cpu = BackboneOptions.builder().device(BackboneOptions.DeviceChoice.CPU).build();
        try (Backbone a = Backbones.load(original, cpu); Backbone b = Backbones.load(copy, cpu);
                NDManager m = NDManager.newBaseManager()) {
            assertEquals(a.spec(), b.spec());
            int[] layers = IntStream.range(0, a.spec().blocks()).toArray();
            Features fa = a.forward(m.create(in.toFloats(), new Shape(in.shape())), layers);
            Features fb = b.forward(m.create(in.toFloats(), new Shape(in.shape())), layers);
            for (int l : layers) {
                assertArrayEquals(fa.tokensOf(l).toFloatArray(), fb.tokensOf(l).toFloatArray(), copy + " layer " + l);
            }
            assertArrayEquals(fa.imageFeatures().toFloatArray(), fb.imageFeatures().toFloatArray(), copy + " features");
        }
    }
}
