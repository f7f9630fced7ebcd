/**
 * The patch-scoring stage: features (N, L, C) of one {@link io.musc4j.engine.msm.Pass} in, read a block
 * of images at a time ({@link io.musc4j.engine.msm.FeatureChunks}); per patch an MSM score out,
 * (N, L) float64. A scorer is a {@link io.musc4j.engine.msm.PatchScorer}: {@link io.musc4j.engine.msm.FullMsm}
 * (every patch of every other image, the reference), {@link io.musc4j.engine.msm.AlignedMsm} (a window
 * around the same grid position), or the inspector's bank scorer; {@link io.musc4j.engine.msm.ScoringKernel}
 * is the option that picks one. Underneath: the nearest-patch kernel
 * {@link io.musc4j.engine.msm.NearestPatchMinima} ((Q, M, L) float32 distances by tiled products in
 * {@link io.musc4j.engine.msm.MsmPrecision}) and the {@link io.musc4j.engine.msm.MsmInterval} average
 * over the sorted distances.
 */
package io.musc4j.engine.msm;
