/**
 * The engine applied to dataset layouts: a category's images in (decoded once, resized to S), its
 * scores (N), pixel maps (N, S·S) float32, S×S masks and metrics out
 * ({@link io.musc4j.batch.CategoryScorer}); {@link io.musc4j.batch.CategoryChecks} says before any
 * compute whether N images can be scored as configured. {@link io.musc4j.batch.CategoryDecision} turns
 * N scores into N label-free verdicts at a {@link io.musc4j.engine.threshold.ThresholdRule}'s threshold, and each
 * map, read back to its image's own size, into regions at a pixel threshold. {@link io.musc4j.batch.InputFingerprint} digests
 * a category's input files; {@link io.musc4j.batch.FormatDefaults} holds what the reference decides from
 * a dataset's name, such as RsCIN's windows per layout.
 */
package io.musc4j.batch;
