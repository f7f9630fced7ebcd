package io.musc4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.musc4j.models.Architecture;
import io.musc4j.models.Backbone;
import io.musc4j.models.BackboneOptions;
import io.musc4j.models.Backbones;
import io.musc4j.models.ModelConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A written random checkpoint is a model folder the real loader accepts: every tensor name and shape
 * it expects is there and nothing else (the loader rejects missing and unexpected tensors).
 */
class RandomCheckpointTest {

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void theLoaderReadsItAsTheArchitectureItWasWrittenFor(Architecture arch, @TempDir Path dir) throws Exception {
        // the real layouts at toy widths, so the test writes kilobytes instead of the full-size files
        ModelConfig cfg = arch == Architecture.DINOV2
                ? new ModelConfig(Architecture.DINOV2, 32, 2, 2, 128, 14, 56, 1e-6, "gelu", 0)
                : new ModelConfig(Architecture.CLIP, 32, 3, 2, 64, 14, 56, 1e-5, "quick_gelu", 16);
        new RandomCheckpoint(cfg).write(dir, 1);
        assertEquals(cfg, ModelConfig.read(dir.resolve("config.json")));
        try (Backbone b = Backbones.load(dir, BackboneOptions.builder().device(BackboneOptions.DeviceChoice.CPU).build())) {
            assertEquals(arch, b.spec().architecture());
            assertEquals(cfg.layers(), b.spec().blocks());
        }
    }
}
