package io.musc4j.engine;

import static io.musc4j.engine.ParityRun.flat;
import static io.musc4j.engine.ParityRun.maxAbs;
import static io.musc4j.engine.ParityRun.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.musc4j.engine.rscin.RscinWindows;
import io.musc4j.engine.store.SpilledTokens;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The large-N path (tokens spilled to a file, LNAMD one image at a time, MSM in query blocks) gives
 * the reference's numbers and those of the in-memory symmetric path.
 */
class MuscScaleTest {

    /** Small enough that the N·N·L store never fits (query blocks of one image) and LNAMD reads one image. */
    private static final long TINY_BUDGET = 1;
    private static final int BATCH = 3;

    @ParameterizedTest
    @ValueSource(strings = {"brick_dinov2-tiny_r135_k123", "brick_clip-tiny_r135_k123"})
    void spilledTokensAndQueryBlocksMatchTheReferenceAndTheInMemoryPath(String id, @TempDir Path tmp) throws IOException {
        ParityRun run = ParityRun.load(id);
        int grid = run.grid();
        MuscConfig.Builder config = MuscConfig.builder().degrees(run.degrees())
                .rscin(RscinWindows.of(run.ints("k_list").stream().mapToInt(Integer::intValue).toArray()))
                .imageSize(run.imageSize()).keepLayerScores(true);
        MuscConfig small = config.memoryBudgetBytes(TINY_BUDGET).build();
        MuscConfig big = config.memoryBudgetBytes(1L << 30).build();
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> tokens = run.tokens(m);
            int n = Math.toIntExact(tokens.get(0).getShape().get(0));
            long c = tokens.get(0).getShape().get(2);
            MemoryPlan tiny = MemoryPlan.of(n, (long) grid * grid, c, tokens.size(), small, Float.BYTES, false, m.getDevice());
            assertFalse(tiny.msm().symmetric(), "the tiny budget takes query blocks");
            assertEquals(1, tiny.msm().rowsPerBlock());
            assertEquals(1, tiny.lnamdChunk());
            assertTrue(MemoryPlan.of(n, (long) grid * grid, c, tokens.size(), big, Float.BYTES, true, m.getDevice())
                    .msm().symmetric(), "the default budget keeps the whole store for these few images");

            NDArray features = run.floats(m, "image_features.npy");
            MuscResult inMemory = new MuscPipeline(big).score(tokens, grid, grid, features);
            MuscResult spilled;
            try (SpilledTokens store = SpilledTokens.create(tmp, n, tokens.size(), grid, grid, c)) {
                for (int i0 = 0; i0 < n; i0 += BATCH) {
                    List<NDArray> batch = new ArrayList<>();
                    for (NDArray layer : tokens) {
                        batch.add(layer.get("{}:{}", i0, Math.min(n, i0 + BATCH)));
                    }
                    store.append(batch);
                }
                spilled = new MuscPipeline(small).score(store, PatchTokens.rows(features), m);
            }
            report(id, "scale: patch map", maxAbs(run.array("patch_map.npy").toDoubles(), flat(spilled.patchMap())));
            report(id, "scale: score pre RsCIN", maxAbs(run.array("score_pre_rscin.npy").toDoubles(),
                    spilled.scoresBeforeRscin()));
            report(id, "scale: score RsCIN", maxAbs(run.array("score_rscin.npy").toDoubles(),
                    ParityRun.toDoubles(spilled.scores())));
            double paths = 0;
            for (int r : run.degrees()) {
                for (int li = 0; li < tokens.size(); li++) {
                    paths = Math.max(paths, maxAbs(flat(inMemory.msm(r, li).orElseThrow()),
                            flat(spilled.msm(r, li).orElseThrow())));
                }
            }
            System.out.printf("scale %s: spilled/query-block vs in-memory/symmetric MSM max abs diff %.3e%n", id, paths);
            // the same products read from the other image's side: float32 rounding only
            assertTrue(paths < 1e-6, "MSM of the two paths differ by " + paths);
        }
    }
}
