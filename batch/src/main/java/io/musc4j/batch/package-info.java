/**
 * The engine applied to dataset layouts: a category's images in (decoded once, resized to S), its
 * scores (N), pixel maps (N, S·S) float32, S×S masks and metrics out
 * ({@link io.musc4j.batch.CategoryScorer}); what the reference decides from a dataset's name, such as
 * RsCIN's windows per layout ({@link io.musc4j.batch.FormatDefaults}).
 */
package io.musc4j.batch;
