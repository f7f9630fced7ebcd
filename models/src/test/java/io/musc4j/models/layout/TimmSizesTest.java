package io.musc4j.models.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.models.BackboneParityTest;
import io.musc4j.models.io.WeightFileException;
import io.musc4j.models.profile.ModelConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * timm configurations whose architecture name carries no standard size ("pico" here, as a model
 * registered with its own sizes would): the family comes from the name's pattern, the sizes from
 * {@code model_args} and the weights' shapes, and such a folder gives the same tokens as the same weights
 * in transformers' layout. Sizes the configuration states and the weights contradict are refused in one
 * line naming both values. The weights are the fixture models converted by {@link LayoutCopies}.
 */
class TimmSizesTest {

    private static final Path MODELS = BackboneParityTest.PARITY.resolve("models");

    private static String dinov2(String arch, String modelArgs) {
        return "{\"architecture\": \"" + arch + "\", \"num_classes\": 0, \"model_args\": {" + modelArgs + "},"
                + " \"pretrained_cfg\": {\"tag\": \"lvd142m\", \"input_size\": [3, 518, 518]}}";
    }

    @Test
    void dinov2OfNoStandardSizeTakesItsSizesFromTheWeights(@TempDir Path tmp) throws IOException {
        // only the number of heads is stated: width, depth, MLP and trained size come from the tensors
        LayoutCopies.timmDinov2(MODELS.resolve("dinov2-tiny"), 8, tmp, dinov2("vit_pico_patch14_dinov2", "\"num_heads\": 4"));
        ModelConfig transformers = ModelLayout.locate(MODELS.resolve("dinov2-tiny")).config();
        assertEquals(transformers, ModelLayout.locate(tmp).config());
        LayoutEquivalenceTest.assertIdentical(MODELS.resolve("dinov2-tiny"), tmp);
        BackboneParityTest.checkDinov2(tmp);
    }

    @Test
    void dinoAndClipOfNoStandardSizeWithTheirSizesInModelArgs(@TempDir Path tmp) throws IOException {
        Path dino = tmp.resolve("dino");
        LayoutCopies.timmDino(MODELS.resolve("dino-tiny"), 8, dino, "{\"architecture\": \"vit_pico_patch16_224\","
                + " \"num_classes\": 0, \"model_args\": {\"embed_dim\": 64, \"depth\": 8, \"num_heads\": 4,"
                + " \"mlp_ratio\": 4.0, \"img_size\": 224}, \"pretrained_cfg\": {\"tag\": \"dino\"}}");
        assertEquals(ModelLayout.locate(MODELS.resolve("dino-tiny")).config(), ModelLayout.locate(dino).config());
        LayoutEquivalenceTest.assertIdentical(MODELS.resolve("dino-tiny"), dino);

        Path clip = tmp.resolve("clip");
        LayoutCopies.timmClip(MODELS.resolve("clip-tiny"), 6, clip, "{\"architecture\": \"vit_pico_patch16_clip_224\","
                + " \"num_classes\": 32, \"model_args\": {\"num_heads\": 4}, \"pretrained_cfg\": {\"tag\": \"openai\","
                + " \"notes\": [\"natively QuickGELU, use quickgelu model variant for original results\"]}}");
        assertEquals(ModelLayout.locate(MODELS.resolve("clip-tiny")).config(), ModelLayout.locate(clip).config());
        LayoutEquivalenceTest.assertIdentical(MODELS.resolve("clip-tiny"), clip);
    }

    @Test
    void withoutItsWeightsSuchAConfigurationStatesNoNetwork(@TempDir Path tmp) throws IOException {
        LayoutCopies.timmDinov2(MODELS.resolve("dinov2-tiny"), 8, tmp, dinov2("vit_pico_patch14_dinov2", "\"num_heads\": 4"));
        Path config = tmp.resolve("config.json");
        assertEquals(Optional.empty(), ModelLayout.stated(config, "config.json"));
        String msg = assertThrows(WeightFileException.class, () -> ModelLayout.readConfig(config)).getMessage();
        assertTrue(msg.startsWith(config.toString()) && msg.contains("weights"), msg);
    }

    @Test
    void statedSizesTheWeightsContradictAreRefusedNamingBoth(@TempDir Path tmp) throws IOException {
        String width = refusal(tmp.resolve("width"), dinov2("vit_pico_patch14_dinov2", "\"embed_dim\": 96, \"num_heads\": 4"));
        assertTrue(width.contains("model_args gives embed_dim 96, the weights give 64")
                && width.contains("patch_embed.proj.weight [64, 3, 14, 14] in model.safetensors"), width);

        String depth = refusal(tmp.resolve("depth"), dinov2("vit_pico_patch14_dinov2", "\"depth\": 12, \"num_heads\": 4"));
        assertTrue(depth.contains("model_args gives depth 12, the weights give 8"), depth);

        // a standard size word states every size: vit_small is 384 wide, these weights 64
        String small = refusal(tmp.resolve("small"), dinov2("vit_small_patch14_dinov2", ""));
        assertTrue(small.contains("architecture 'vit_small_patch14_dinov2' (size small) gives embed_dim 384,"
                + " the weights give 64"), small);

        String image = refusal(tmp.resolve("image"), dinov2("vit_pico_patch14_dinov2", "\"num_heads\": 4, \"img_size\": 518"));
        assertTrue(image.contains("model_args gives img_size 518, the weights give 224")
                && image.contains("16×16 grid"), image);

        String ratio = refusal(tmp.resolve("ratio"), dinov2("vit_pico_patch14_dinov2", "\"num_heads\": 4, \"mlp_ratio\": 2.0"));
        assertTrue(ratio.contains("mlp_ratio 2.0 × embed_dim 64 gives the fc1 width 128, the weights give 256"), ratio);
    }

    @Test
    void theNumberOfHeadsMustBeStated(@TempDir Path tmp) throws IOException {
        String msg = refusal(tmp, dinov2("vit_pico_patch14_dinov2", ""));
        assertTrue(msg.contains("'vit_pico_patch14_dinov2' has no standard size") && msg.contains("num_heads")
                && msg.contains("the weights cannot tell the number of heads"), msg);
    }

    /** The one-line refusal of a DINOv2 fixture copy under {@code config}. */
    private static String refusal(Path dir, String config) throws IOException {
        LayoutCopies.timmDinov2(MODELS.resolve("dinov2-tiny"), 8, dir, config);
        String msg = assertThrows(WeightFileException.class, () -> ModelLayout.locate(dir)).getMessage();
        assertTrue(msg.startsWith(dir.resolve("config.json").toString()), msg);
        assertFalse(msg.contains("\n"), msg);
        return msg;
    }
}
