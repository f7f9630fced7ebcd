package io.musc4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.musc4j.models.Backbone;
import io.musc4j.models.BackboneOptions;
import io.musc4j.models.Backbones;
import io.musc4j.models.io.Safetensors;
import io.musc4j.models.layout.ModelLayout;
import io.musc4j.models.profile.BackboneProfiles;
import io.musc4j.models.profile.ModelConfig;
import io.musc4j.models.vit.Mlp;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A written random checkpoint is a model folder the real loader accepts: every tensor name and shape
 * it expects is there and nothing else (the loader rejects missing and unexpected tensors).
 */
class RandomCheckpointTest {

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theLoaderReadsItAsTheArchitectureItWasWrittenFor(boolean dinov2, @TempDir Path dir) throws Exception {
        // the real layouts at toy widths, so the test writes kilobytes instead of the full-size files
        ModelConfig cfg = dinov2
                ? new ModelConfig(BackboneProfiles.DINOV2, 32, 2, 2, 128, 14, 56, 1e-6, Mlp.GELU, 0, 0)
                : new ModelConfig(BackboneProfiles.CLIP, 32, 3, 2, 64, 14, 56, 1e-5, Mlp.QUICK_GELU, 16, 0);
        new RandomCheckpoint(cfg).write(dir, 1);
        assertEquals(cfg, ModelLayout.readConfig(dir.resolve("config.json")));
        try (Backbone b = Backbones.load(dir, BackboneOptions.on(ai.djl.Device.cpu()).build())) {
            assertEquals(cfg.profile(), b.spec().profile());
            assertEquals(cfg.layers(), b.spec().blocks());
        }
        // the spread of each tensor as written: query and key weights 0.1, other random tensors 0.02
        Safetensors st = Safetensors.openFolder(dir);
        int queryKey = 0;
        for (String name : st.names()) {
            float[] v = st.floats(name);
            if (RandomCheckpoint.std(name) == RandomCheckpoint.QUERY_KEY_STD) {
                queryKey++;
                assertEquals(0.1, std(v), 0.01, name);
            } else if (v.length >= 1000 && !name.contains("norm") && !name.contains("layer_scale")) {
                assertEquals(0.02, std(v), 0.002, name);
            }
        }
        assertEquals(2 * cfg.layers(), queryKey);
    }

    private static double std(float[] v) {
        double sum = 0;
        double sq = 0;
        for (float x : v) {
            sum += x;
            sq += (double) x * x;
        }
        double mean = sum / v.length;
        return Math.sqrt(sq / v.length - mean * mean);
    }
}
