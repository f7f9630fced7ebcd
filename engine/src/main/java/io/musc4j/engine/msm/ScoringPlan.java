package io.musc4j.engine.msm;

/**
 * How a {@link PatchScorer} runs within its byte budget.
 *
 * @param symmetric whether the whole (N, N, L) minima store is kept (each unordered image pair computed
 *     once); otherwise query images are scored a block at a time
 * @param rowsPerBlock images averaged at a time (symmetric) or query images per block
 * @param tile the nearest-patch kernel's tile, or null for a scorer that does not tile
 * @param bytes the workspace: store or query block, averaging chunk and tile
 * @param referenceBytes the features held while scoring, in the form the scorer compares
 */
public record ScoringPlan(boolean symmetric, int rowsPerBlock, NearestPatchMinima.TilePlan tile, long bytes,
        long referenceBytes) {
}
