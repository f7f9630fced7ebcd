/**
 * The patch-scoring stage: features (N, L, C) of one {@link io.musc4j.engine.msm.Pass} in, read a block
 * of images at a time ({@link io.musc4j.engine.msm.FeatureChunks}); per patch an MSM score out,
 * (N, L) float64. A scorer is a {@link io.musc4j.engine.msm.PatchScorer}: {@link io.musc4j.engine.msm.FullMsm}
 * (every patch of every other image, the reference) or {@link io.musc4j.engine.msm.AlignedMsm} (a window
 * around the same grid position); {@link io.musc4j.engine.msm.ScoringKernel} is the option that picks one.
 * Images scored against references held apart (an inspector's bank) go through
 * {@link io.musc4j.engine.msm.HeldReferences}. Underneath: the nearest-patch kernel
 * {@link io.musc4j.engine.msm.NearestPatchMinima} ((Q, M, L) float32 distances by tiled products in
 * {@link io.musc4j.models.Precision}) and the {@link io.musc4j.engine.msm.MsmInterval} average
 * over the sorted distances.
 *
 * <p>Every LNAMD degree of a layer at once: {@link io.musc4j.engine.msm.NeighbourhoodMaps} (the layer-normed
 * map (N, L, C) float32, per degree the inverse norms of its r×r box sums and the squares of the unit
 * features, (D, N, L) each) in; {@link io.musc4j.engine.msm.PatchScorer#scoreNeighbourhoods} gives
 * (D, N, L) float64. Underneath, {@link io.musc4j.engine.msm.NeighbourhoodMinima}: one product of the
 * maps per tile, box-summed over both patch grids per degree, (D, Q, M, L) float32 distances.
 */
package io.musc4j.engine.msm;
