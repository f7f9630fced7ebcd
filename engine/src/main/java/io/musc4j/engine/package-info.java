/**
 * MuSc on the JVM: {@link io.musc4j.engine.MuSc} (images in, {@link io.musc4j.engine.ScoredSet} out),
 * configured by one {@link io.musc4j.engine.MuscConfig}, scoring through the one
 * {@link io.musc4j.engine.MuscPipeline}.
 *
 * <p>What flows, for a set of N images at input size S on a ViT with patch P (grid h = w = S/P,
 * L = h·w patches, C channels, D image-feature width):
 * <ul>
 *   <li>images → {@link io.musc4j.engine.FeatureExtractor} → per tapped layer tokens (N, 1+L, C) and
 *       image features (N, D), held in a {@link io.musc4j.engine.store.TokenStore} (in memory, or
 *       spilled to a file when larger than the token budget);</li>
 *   <li>tokens → {@link io.musc4j.engine.MuscPipeline}: aggregation → per pass (layer, feature set)
 *       features (N, L, C) → patch scoring → (N, L) float64 → averaging → patch map (N, L) →
 *       pixel maps (N, S, S) and image scores (N) → RsCIN → final scores (N) float32;</li>
 *   <li>{@link io.musc4j.engine.MuscResult}: one set's patch maps and scores;
 *       {@link io.musc4j.engine.ScoredSet}: a whole set, possibly scored in
 *       {@link io.musc4j.engine.Division subsets}; {@link io.musc4j.engine.MemoryPlan}: the bytes
 *       resident while a set is scored.</li>
 * </ul>
 * No dataset layouts and no OpenCV here: images come decoded ({@code RgbImage}) or through an
 * {@code ImageDecoder}.
 */
package io.musc4j.engine;
