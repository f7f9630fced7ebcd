package io.musc4j.engine;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.musc4j.engine.metrics.RankingScores;
import io.musc4j.models.BackboneOptions;
import io.musc4j.models.CpuFeatures;
import io.musc4j.models.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --precision bf16} on a CPU that multiplies bfloat16 natively: the backbone really runs in
 * bfloat16 (the scores move) and its maps drift from float32 by no more than the bound docs/performance.md
 * states (2 % of the largest map value). The fixtures' image AUROC is printed, not asserted: on 12 images
 * one swapped pair moves it by 0.03. The refusal on CPUs without bfloat16 is tested on every CPU in models
 * ({@code WeightLoadingTest}).
 */
class Bf16Test {

    private static final Path PARITY = Path.of(System.getProperty("musc4j.testdata"), "parity");

    @ParameterizedTest
    @CsvSource({"brick_dinov2-tiny_r135_k123, dinov2-tiny", "brick_clip-tiny_r135_k123, clip-tiny",
            "brick_dino-tiny_r135_k123, dino-tiny"})
    void bf16DriftsLittleFromFp32(String id, String model) throws IOException {
        assumeTrue(CpuFeatures.bf16(), "this CPU has no bfloat16 products");
        ParityRun run = ParityRun.load(id);
        List<Path> paths = Files.readAllLines(run.dir().resolve("image_order.txt")).stream()
                .filter(l -> !l.isBlank()).map(PARITY.resolve("data")::resolve).toList();
        int[] labels = paths.stream().mapToInt(p -> p.getParent().getFileName().toString().equals("good") ? 0 : 1)
                .toArray();
        int[] layers = run.ints("feature_layers").stream().mapToInt(Integer::intValue).toArray();
        MuscConfig.Builder config = MuscConfig.builder().model(PARITY.resolve("models").resolve(model).toString())
                .layers(layers).imageSize(224).device(BackboneOptions.DeviceChoice.parse("cpu"));
        ScoredSet fp32;
        ScoredSet bf16;
        try (MuSc musc = MuSc.builder().config(config.build()).build()) {
            fp32 = musc.score(paths);
        }
        try (MuSc musc = MuSc.builder().config(config.precision(Precision.BF16).build()).build()) {
            bf16 = musc.score(paths);
        }
        double scoreDrift = ParityRun.maxAbs(fp32.mapMax(), bf16.mapMax());
        double mapDrift = 0;
        double mapRange = 0;
        for (int i = 0; i < paths.size(); i++) {
            float[] a = fp32.image(i).map();
            float[] b = bf16.image(i).map();
            for (int p = 0; p < a.length; p++) {
                mapDrift = Math.max(mapDrift, Math.abs(a[p] - b[p]));
                mapRange = Math.max(mapRange, Math.abs(a[p]));
            }
        }
        double auroc32 = RankingScores.of(labels, ParityRun.toDoubles(fp32.scores())).auroc();
        double auroc16 = RankingScores.of(labels, ParityRun.toDoubles(bf16.scores())).auroc();
        System.out.printf("bf16 vs fp32 %s: max |d score| %.2e, max |d map| %.2e (max map %.3f), image AUROC %.4f vs %.4f%n",
                id, scoreDrift, mapDrift, mapRange, auroc32, auroc16);
        assertNotEquals(0.0, scoreDrift, "bf16 gave the float32 scores: the backbone did not run in bfloat16");
        assertTrue(mapDrift <= 0.02 * mapRange, "bf16 map drift " + mapDrift + " above 2 % of " + mapRange);
    }
}
