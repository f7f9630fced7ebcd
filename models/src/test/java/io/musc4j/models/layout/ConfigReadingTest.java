package io.musc4j.models.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.musc4j.models.io.WeightFileException;
import io.musc4j.models.profile.BackboneProfiles;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.vit.Mlp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration files of real hub repositories (their shape as the projects write them) read into the
 * published network sizes: ViT-S/B/L/g have widths 384/768/1024/1536, depths 12/12/24/40 and heads
 * 6/12/16/24; DINOv2-g's SwiGLU is 4096 wide (timm's and transformers' comments); CLIP ViT-B/16+ is 896
 * wide with 14 heads and a 640-wide embedding (open_clip's ViT-B-16-plus-240.json).
 */
class ConfigReadingTest {

    @TempDir
    Path dir;

    private ModelConfig read(String name, String json) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, json);
        return ModelLayout.readConfig(file);
    }

    private String error(String name, String json) {
        String msg = assertThrows(WeightFileException.class, () -> read(name, json)).getMessage();
        assertTrue(msg.startsWith(dir.resolve(name).toString()), msg);
        assertFalse(msg.contains("\n"), msg);
        return msg;
    }

    private static String timm(String arch, String pretrained) {
        return "{\"architecture\": \"" + arch + "\", \"num_classes\": 0, \"pretrained_cfg\": {" + pretrained + "}}";
    }

    @Test
    void timmDinov2Sizes() throws IOException {
        assertEquals(new ModelConfig(BackboneProfiles.DINOV2, 768, 12, 12, 3072, 14, 518, 1e-6, Mlp.GELU, 0, 0),
                read("config.json", timm("vit_base_patch14_dinov2", "\"tag\": \"lvd142m\", \"input_size\": [3, 518, 518]")));
        assertEquals(new ModelConfig(BackboneProfiles.DINOV2, 384, 12, 6, 1536, 14, 518, 1e-6, Mlp.GELU, 0, 0),
                read("config.json", timm("vit_small_patch14_dinov2", "\"tag\": \"lvd142m\"")));
        assertEquals(new ModelConfig(BackboneProfiles.DINOV2, 1536, 40, 24, 4096, 14, 518, 1e-6, Mlp.SWIGLU, 0, 0),
                read("config.json", timm("vit_giant_patch14_dinov2", "\"tag\": \"lvd142m\"")));
        assertEquals(new ModelConfig(BackboneProfiles.DINOV2_WITH_REGISTERS, 1024, 24, 16, 4096, 14, 518, 1e-6,
                Mlp.GELU, 0, 4), read("config.json", timm("vit_large_patch14_reg4_dinov2", "\"tag\": \"lvd142m\"")));
        assertEquals(new ModelConfig(BackboneProfiles.DINOV2_WITH_REGISTERS, 1536, 40, 24, 4096, 14, 518, 1e-6,
                Mlp.SWIGLU, 0, 4), read("config.json", timm("vit_giant_patch14_reg4_dinov2", "\"tag\": \"lvd142m\"")));
    }

    @Test
    void timmDinoOnlyForTheDinoTag() throws IOException {
        assertEquals(new ModelConfig(BackboneProfiles.DINO, 768, 12, 12, 3072, 8, 224, 1e-6, Mlp.GELU, 0, 0),
                read("config.json", timm("vit_base_patch8_224", "\"tag\": \"dino\", \"input_size\": [3, 224, 224]")));
        assertEquals(new ModelConfig(BackboneProfiles.DINO, 384, 12, 6, 1536, 16, 224, 1e-6, Mlp.GELU, 0, 0),
                read("config.json", timm("vit_small_patch16_224", "\"tag\": \"dino\"")));
        String msg = error("config.json", timm("vit_base_patch16_224", "\"tag\": \"augreg2_in21k_ft_in1k\""));
        assertTrue(msg.contains("augreg2_in21k_ft_in1k") && msg.contains("dino"), msg);
    }

    @Test
    void timmClipSizesProjectionAndQuickGelu() throws IOException {
        assertEquals(new ModelConfig(BackboneProfiles.CLIP, 1024, 24, 16, 4096, 14, 336, 1e-5, Mlp.QUICK_GELU, 768, 0),
                read("config.json", "{\"architecture\": \"vit_large_patch14_clip_336\", \"num_classes\": 768,"
                        + " \"pretrained_cfg\": {\"tag\": \"openai\", \"input_size\": [3, 336, 336], \"notes\":"
                        + " [\"natively QuickGELU, use quickgelu model variant for original results\"]}}"));
        assertEquals(new ModelConfig(BackboneProfiles.CLIP, 896, 12, 14, 3584, 16, 240, 1e-5, Mlp.GELU, 640, 0),
                read("config.json", "{\"architecture\": \"vit_base_patch16_plus_clip_240\", \"num_classes\": 640,"
                        + " \"pretrained_cfg\": {\"tag\": \"laion400m_e31\", \"input_size\": [3, 240, 240]}}"));
        assertEquals(Mlp.QUICK_GELU, read("config.json", "{\"architecture\": \"vit_base_patch16_clip_quickgelu_224\","
                + " \"num_classes\": 512, \"pretrained_cfg\": {\"tag\": \"openai\"}}").mlp());
        String msg = error("config.json", timm("vit_base_patch16_clip_224", "\"tag\": \"laion2b\", \"num_classes\": 0"));
        assertTrue(msg.contains("projection"), msg);
    }

    @Test
    void timmRefusesWhatItCannotRun() {
        assertTrue(error("config.json", timm("eva02_base_patch14_224", "")).contains("eva02_base_patch14_224"));
        assertTrue(error("config.json", "{\"architecture\": \"vit_base_patch14_dinov2\", \"model_args\":"
                + " {\"qk_norm\": true}}").contains("qk_norm"));
        assertTrue(error("config.json", "{\"architecture\": \"vit_base_patch14_reg4_dinov2\", \"model_args\":"
                + " {\"no_embed_class\": false}}").contains("no_embed_class"));
    }

    @Test
    void openClipConfigs() throws IOException {
        assertEquals(new ModelConfig(BackboneProfiles.CLIP, 896, 12, 14, 3584, 16, 240, 1e-5, Mlp.GELU, 640, 0),
                read("open_clip_config.json", "{\"model_cfg\": {\"embed_dim\": 640, \"vision_cfg\": {\"image_size\": 240,"
                        + " \"layers\": 12, \"width\": 896, \"patch_size\": 16}, \"text_cfg\": {\"width\": 640}},"
                        + " \"preprocess_cfg\": {\"mean\": [0.48145466, 0.4578275, 0.40821073]}}"));
        assertEquals(new ModelConfig(BackboneProfiles.CLIP, 1024, 24, 16, 4096, 14, 336, 1e-5, Mlp.QUICK_GELU, 768, 0),
                read("open_clip_config.json", "{\"model_cfg\": {\"embed_dim\": 768, \"quick_gelu\": true,"
                        + " \"vision_cfg\": {\"image_size\": 336, \"layers\": 24, \"width\": 1024, \"patch_size\": 14}}}"));
        String msg = error("open_clip_config.json", "{\"model_cfg\": {\"embed_dim\": 512, \"vision_cfg\": {"
                + "\"image_size\": 224, \"timm_model_name\": \"eva02_base_patch16_clip_224\"}}}");
        assertTrue(msg.contains("timm_model_name"), msg);
    }

    /** The shapes of facebook/dinov2-giant's and facebook/dinov2-with-registers-base's config.json. */
    @Test
    void transformersGiantAndRegisters() throws IOException {
        assertEquals(new ModelConfig(BackboneProfiles.DINOV2, 1536, 40, 24, 4096, 14, 518, 1e-6, Mlp.SWIGLU, 0, 0),
                read("config.json", "{\"model_type\": \"dinov2\", \"hidden_size\": 1536, \"num_hidden_layers\": 40,"
                        + " \"num_attention_heads\": 24, \"mlp_ratio\": 4, \"patch_size\": 14, \"image_size\": 518,"
                        + " \"layer_norm_eps\": 1e-06, \"hidden_act\": \"gelu\", \"use_swiglu_ffn\": true}"));
        assertEquals(new ModelConfig(BackboneProfiles.DINOV2_WITH_REGISTERS, 768, 12, 12, 3072, 14, 518, 1e-6,
                Mlp.GELU, 0, 4), read("config.json", "{\"model_type\": \"dinov2_with_registers\", \"hidden_size\": 768,"
                        + " \"num_hidden_layers\": 12, \"num_attention_heads\": 12, \"mlp_ratio\": 4, \"patch_size\": 14,"
                        + " \"image_size\": 518, \"layer_norm_eps\": 1e-06, \"hidden_act\": \"gelu\","
                        + " \"use_swiglu_ffn\": false, \"num_register_tokens\": 4}"));
        assertTrue(error("config.json", "{\"model_type\": \"dinov2_with_registers\", \"hidden_size\": 768,"
                + " \"num_hidden_layers\": 12, \"num_attention_heads\": 12, \"patch_size\": 14, \"image_size\": 518}")
                .contains("num_register_tokens"));
    }
}
