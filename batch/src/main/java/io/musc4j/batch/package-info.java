/**
 * The engine applied to dataset categories. {@link io.musc4j.batch.CategoryScorer} takes a
 * {@code Category} (N image files, labels and masks when known) and returns its N scores before and after
 * RsCIN, N S×S maps, the S×S masks and the metrics; {@link io.musc4j.batch.CategoryChecks} says before
 * any compute whether N images can be scored as configured. {@link io.musc4j.batch.CategoryDecision}
 * turns N scores into N label-free verdicts at a {@link io.musc4j.batch.ThresholdRule}'s threshold, and
 * N maps into 0/1 masks and regions at a pixel threshold. {@link io.musc4j.batch.InputFingerprint} digests
 * a category's input files; {@link io.musc4j.batch.FormatDefaults} holds what the reference decides from a
 * dataset's name.
 */
package io.musc4j.batch;
