package io.musc4j.bench;

import io.musc4j.models.profile.BackboneProfiles;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.vit.Mlp;
import java.util.Locale;

/**
 * The full-size networks the benchmarks build with random weights: the shapes of the published
 * checkpoints MuSc is run with, so timings and memory match the real models without a download.
 */
enum Architectures {
    /** facebook/dinov2-base: ViT-B/14, 12 blocks, hidden 768, layer scale, trained at 518². */
    DINOV2_BASE(new ModelConfig(BackboneProfiles.DINOV2, 768, 12, 12, 3072, 14, 518, 1e-6, Mlp.GELU, 0, 0)),
    /** openai/clip-vit-large-patch14-336: the paper's default backbone, 24 blocks, hidden 1024. */
    CLIP_LARGE_336(new ModelConfig(BackboneProfiles.CLIP, 1024, 24, 16, 4096, 14, 336, 1e-5, Mlp.QUICK_GELU, 768, 0)),
    /** The CLIP layout at toy width (4 blocks, hidden 64): every code path of the real one, for CI on a CPU. */
    TINY(new ModelConfig(BackboneProfiles.CLIP, 64, 4, 4, 256, 14, 224, 1e-5, Mlp.QUICK_GELU, 32, 0));

    private final ModelConfig config;

    Architectures(ModelConfig config) {
        this.config = config;
    }

    ModelConfig config() {
        return config;
    }

    /** The command-line name, e.g. {@code dinov2-base}. */
    String cliName() {
        return name().toLowerCase(Locale.ROOT).replace("_", "-");
    }

    static Architectures parse(String name) {
        for (Architectures a : values()) {
            if (a.cliName().equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + name + "' (known: dinov2-base, clip-large-336, tiny)");
    }
}
