package io.musc4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public API with tokens spilled to a file (token budget 0) and a budget that forces MSM's query
 * blocks gives the numbers of the default in-memory path, on the parity run's images and tiny model;
 * the spill folder is left empty.
 */
class MuscSpillTest {

    @Test
    void spilledRunEqualsInMemoryRun(@TempDir Path spill) throws IOException {
        ParityRun run = ParityRun.load("brick_dinov2-tiny_r135_k123");
        Path root = run.dir().resolve(run.manifest().get("data_root").getAsString()).normalize();
        List<Path> images = Files.readAllLines(run.dir().resolve("image_order.txt")).stream()
                .filter(line -> !line.isBlank()).map(root::resolve).toList();
        Path model = run.dir().resolve(run.manifest().get("model_dir").getAsString()).normalize();
        int[] layers = run.layers().stream().mapToInt(Integer::intValue).toArray();
        ScoredSet inMemory;
        ScoredSet spilled;
        MuscConfig config = MuscConfig.builder().model(model.toString()).imageSize(run.imageSize()).layers(layers).build();
        try (MuSc musc = MuSc.builder().config(config).build()) {
            inMemory = musc.score(images);
        }
        try (MuSc musc = MuSc.builder().config(config.toBuilder().tokenBudgetBytes(0).spillDirectory(spill)
                .memoryBudgetBytes(1).build()).build()) {
            spilled = musc.score(images);
        }
        double[] a = inMemory.mapMax();
        double[] b = spilled.mapMax();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-6, "score of image " + i);
        }
        assertArrayEquals(inMemory.scores(), spilled.scores(), 1e-6f);
        try (var left = Files.list(spill)) {
            assertEquals(0, left.count(), "the spilled tokens are deleted after scoring");
        }
    }
}
