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

    @Test
    void dinov2InTimmLayoutGivesIdenticalTokens(@TempDir Path tmp) throws IOException {
        LayoutCopies.timmDinov2(MODELS.resolve("dinov2-tiny"), 8, tmp, LayoutCopies.TIMM_DINOV2);
        assertEquals(ModelLayout.TIMM, ModelLayout.locate(tmp).layout());
        assertIdentical(MODELS.resolve("dinov2-tiny"), tmp);
        BackboneParityTest.checkDinov2(tmp);
    }

    @Test
    void dinoInTimmLayoutGivesIdenticalTokens(@TempDir Path tmp) throws IOException {
        LayoutCopies.timmDino(MODELS.resolve("dino-tiny"), 8, tmp, LayoutCopies.TIMM_DINO);
        assertIdentical(MODELS.resolve("dino-tiny"), tmp);
        BackboneParityTest.checkDino(tmp);
    }

    @Test
    void clipInTimmLayoutGivesIdenticalTokens(@TempDir Path tmp) throws IOException {
        LayoutCopies.timmClip(MODELS.resolve("clip-tiny"), 6, tmp, LayoutCopies.TIMM_CLIP);
        assertIdentical(MODELS.resolve("clip-tiny"), tmp);
        BackboneParityTest.checkClip(tmp);
    }

    @Test
    void clipInOpenClipLayoutGivesIdenticalTokens(@TempDir Path tmp) throws IOException {
        Path safetensors = tmp.resolve("safetensors");
        LayoutCopies.openClip(MODELS.resolve("clip-tiny"), 6, safetensors, LayoutCopies.OPEN_CLIP, false);
        assertEquals(ModelLayout.OPEN_CLIP, ModelLayout.locate(safetensors).layout());
        assertIdentical(MODELS.resolve("clip-tiny"), safetensors);
        BackboneParityTest.checkClip(safetensors);

        Path pickled = tmp.resolve("pickled");
        LayoutCopies.openClip(MODELS.resolve("clip-tiny"), 6, pickled, LayoutCopies.OPEN_CLIP, true);
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
        BackboneOptions cpu = BackboneOptions.on(ai.djl.Device.cpu()).build();
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
